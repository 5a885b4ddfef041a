// Damaged storage is reported, not hidden: a scrub or a read that meets a
// block whose checksum does not match makes Health() say so, naming the
// file, and the store refuses writes from then on.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "sx/base/status_macros.h"
#include "sx/storage/store.h"
#include "tests/support/damage_table_file.h"
#include "tests/support/temp_dir.h"

namespace sx::storage {
namespace {

namespace v1 = ::supervision::v1;

class DamageTest : public ::testing::Test {
 protected:
  void Open() {
    store_.reset();
    RocksDbStoreOptions options;
    options.path = dir_.Sub("db");
    options.id_prefix = "test";
    options.on_damage = [this](const absl::Status& status) {
      ++damage_calls_;
      first_damage_ = status;
    };
    auto store = OpenRocksDbStore(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }

  absl::Status Submit(int number) {
    return store_->ApplyAndWait([number](Transaction& txn) {
      SX_ASSIGN_OR_RETURN(std::string id, txn.NewReferralId());
      v1::Referral referral;
      referral.set_referral_id(id);
      referral.set_sender_agency_id("inspection-office");
      referral.set_recipient_agency_id("discipline-commission");
      v1::Lead lead;
      // Distinct and incompressible enough to fill many blocks.
      lead.set_summary(std::string(4096, static_cast<char>('a' + number % 26)) +
                       std::to_string(number * 7919));
      return txn.CreateReferral(referral, lead);
    });
  }

  // Writes `count` referrals and gets them into table files (a checkpoint
  // flushes the write buffers), then closes the store.
  void FillTableFiles(int count) {
    Open();
    for (int i = 0; i < count; ++i) ASSERT_TRUE(Submit(i).ok());
    ASSERT_TRUE(store_->CreateCheckpoint(dir_.Sub("checkpoint")).ok());
    store_.reset();
  }

  // Overwrites bytes in the middle of the largest table file (a data
  // block: the footer, index and filter at the end stay readable, so the
  // database still opens). Returns the file's path.
  // The damaged file's path; fails the test if there was none to damage.
  std::string DamageLargestTableFile() {
    const std::string damaged =
        sx::testing::DamageLargestTableFile(dir_.Sub("db"));
    EXPECT_FALSE(damaged.empty()) << "no table file to damage";
    return damaged;
  }

  sx::testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  int damage_calls_ = 0;
  absl::Status first_damage_;
};

TEST_F(DamageTest, AScrubOfSoundFilesFindsNothing) {
  FillTableFiles(300);
  Open();
  absl::StatusOr<ScrubReport> report = store_->Scrub(0, nullptr);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_GT(report->files, 0u);
  EXPECT_GT(report->bytes, 64u * 1024);
  EXPECT_TRUE(report->damaged.empty());
  EXPECT_TRUE(store_->Health().ok());
  EXPECT_TRUE(Submit(1000).ok());
  EXPECT_EQ(damage_calls_, 0);
}

TEST_F(DamageTest, AScrubNamesTheDamagedFileAndWritesStop) {
  FillTableFiles(300);
  const std::string damaged = DamageLargestTableFile();
  Open();
  EXPECT_TRUE(store_->Health().ok());  // nobody has read that block yet
  absl::StatusOr<ScrubReport> report = store_->Scrub(0, nullptr);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->damaged.size(), 1u);
  EXPECT_TRUE(absl::StrContains(report->damaged[0], damaged))
      << report->damaged[0];
  const absl::Status health = store_->Health();
  EXPECT_EQ(health.code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(absl::StrContains(health.message(), damaged)) << health;
  EXPECT_EQ(damage_calls_, 1);
  EXPECT_EQ(first_damage_, health);

  const absl::Status refused = Submit(1000);
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(refused.message(), "restored")) << refused;
  // Nothing was written: the next id is still the 301st.
  auto referral = store_->GetReferral("test-0000000301");
  ASSERT_TRUE(referral.ok());
  EXPECT_FALSE(referral->has_value());
  // A second scrub finds the same, and says it only once.
  ASSERT_TRUE(store_->Scrub(0, nullptr).ok());
  EXPECT_EQ(damage_calls_, 1);
}

TEST_F(DamageTest, AReadThatMeetsDamageReportsIt) {
  FillTableFiles(300);
  DamageLargestTableFile();
  Open();
  int lost = 0;
  for (int i = 1; i <= 300; ++i) {
    char id[32];
    std::snprintf(id, sizeof(id), "test-%010d", i);
    absl::StatusOr<v1::Lead> lead = store_->GetLead(id);
    if (!lead.ok()) {
      EXPECT_EQ(lead.status().code(), absl::StatusCode::kDataLoss)
          << lead.status();
      ++lost;
    }
  }
  EXPECT_GT(lost, 0);
  EXPECT_EQ(store_->Health().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(damage_calls_, 1);
  EXPECT_EQ(Submit(1000).code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace sx::storage
