// Exercise history and real history stay apart: a data directory first
// served with an exercise clock is marked and then needs it; a directory
// with real history refuses it.
#include "server/exercise_directory.h"

#include <filesystem>
#include <memory>

#include "gtest/gtest.h"
#include "sx/base/status_macros.h"
#include "sx/storage/store.h"
#include "tests/support/temp_dir.h"

namespace sx::server {
namespace {

namespace v1 = ::supervision::v1;

class ExerciseDirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::RocksDbStoreOptions options;
    options.path = dir_.Sub("data");
    auto store = storage::OpenRocksDbStore(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    config_.set_data_dir(options.path);
  }

  void WithExerciseClock() {
    config_.mutable_exercise_clock()->set_start("2026-02-13T10:00:00+08:00");
    config_.mutable_exercise_clock()->set_days_per_minute(40);
  }

  void AppendAnEvent() {
    ASSERT_TRUE(store_
                    ->ApplyAndWait([](storage::Transaction& txn) {
                      v1::Event event;
                      event.set_type(v1::EVENT_TYPE_SUBMITTED);
                      return txn.AppendEvent(event, {}).status();
                    })
                    .ok());
  }

  bool Marked() const {
    return std::filesystem::exists(std::filesystem::path(config_.data_dir()) /
                                   kExerciseMarkerFile);
  }

  sx::testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  v1::HubConfig config_;
};

TEST_F(ExerciseDirectoryTest, AnOrdinaryDirectoryWithoutTheClockIsLeftAlone) {
  AppendAnEvent();
  EXPECT_TRUE(CheckExerciseDirectory(config_, *store_).ok());
  EXPECT_FALSE(Marked());
}

TEST_F(ExerciseDirectoryTest,
       ANewExerciseDirectoryIsMarkedAndThenNeedsTheClock) {
  WithExerciseClock();
  ASSERT_TRUE(CheckExerciseDirectory(config_, *store_).ok());
  EXPECT_TRUE(Marked());
  AppendAnEvent();
  EXPECT_TRUE(CheckExerciseDirectory(config_, *store_).ok())
      << "an exercise goes on over restarts";
  config_.clear_exercise_clock();
  const absl::Status refused = CheckExerciseDirectory(config_, *store_);
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.message().find("holds an exercise"), std::string::npos)
      << refused;
}

TEST_F(ExerciseDirectoryTest, RealHistoryRefusesAnExerciseClock) {
  AppendAnEvent();
  WithExerciseClock();
  const absl::Status refused = CheckExerciseDirectory(config_, *store_);
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.message().find("1 events of real history"),
            std::string::npos)
      << refused;
  EXPECT_FALSE(Marked());
}

}  // namespace
}  // namespace sx::server
