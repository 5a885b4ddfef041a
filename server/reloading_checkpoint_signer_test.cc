// ReloadingCheckpointSigner with real keys written to a file: a replaced key
// file signs the next checkpoint, a broken one keeps the previous key.
#include "server/reloading_checkpoint_signer.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "sx/transparency/testing/test_keys.h"
#include "tests/support/temp_dir.h"

namespace sx::server {
namespace {

using transparency::CheckpointSigner;
using transparency::VerifyCheckpointSignature;
using transparency::testing::GenerateTestKey;
using transparency::testing::TestKey;
using transparency::testing::TestKeyType;

constexpr char kText[] = "supervision.example/hub\n42\nroot\n";

// Writes `contents` beside `path`, then renames it over `path` (as an
// operator rotating a key would), with a modification time `age_seconds`
// from now so that each replacement is seen as a change.
void Replace(const std::string& path, const std::string& contents,
             int age_seconds) {
  const std::string next = path + ".next";
  std::ofstream(next, std::ios::binary | std::ios::trunc) << contents;
  std::filesystem::last_write_time(
      next, std::filesystem::file_time_type::clock::now() +
                std::chrono::seconds(age_seconds));
  std::filesystem::rename(next, path);
}

bool SignsFor(ReloadingCheckpointSigner& signer, const TestKey& key) {
  absl::StatusOr<std::string> signature = signer.Current().Sign(kText);
  return signature.ok() &&
         VerifyCheckpointSignature(kText, *signature, key.certificate_pem).ok();
}

class ReloadingCheckpointSignerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<TestKey> first = GenerateTestKey(TestKeyType::kEcP256);
    absl::StatusOr<TestKey> second = GenerateTestKey(TestKeyType::kRsa2048);
    ASSERT_TRUE(first.ok() && second.ok());
    first_ = *std::move(first);
    second_ = *std::move(second);
    path_ = dir_.Sub("hub.key");
    Replace(path_, first_.private_key_pem, -10);
    absl::StatusOr<CheckpointSigner> initial =
        CheckpointSigner::FromPemFile(path_);
    ASSERT_TRUE(initial.ok()) << initial.status();
    signer_ = std::make_unique<ReloadingCheckpointSigner>(path_, *initial);
  }

  testing::TempDir dir_;
  std::string path_;
  TestKey first_;
  TestKey second_;
  std::unique_ptr<ReloadingCheckpointSigner> signer_;
};

TEST_F(ReloadingCheckpointSignerTest, SignsWithTheKeyItStartedWith) {
  EXPECT_TRUE(SignsFor(*signer_, first_));
  EXPECT_FALSE(SignsFor(*signer_, second_));
}

TEST_F(ReloadingCheckpointSignerTest, ARotatedKeyFileSignsTheNextCheckpoint) {
  Replace(path_, second_.private_key_pem, -5);
  EXPECT_TRUE(SignsFor(*signer_, second_));
  EXPECT_FALSE(SignsFor(*signer_, first_));
}

TEST_F(ReloadingCheckpointSignerTest, AKeyFileThatDoesNotLoadKeepsThePrevious) {
  Replace(path_, "-----BEGIN PRIVATE KEY-----\nhalf written", -5);
  EXPECT_TRUE(SignsFor(*signer_, first_));
  // Once the file is whole, the next checkpoint uses it.
  Replace(path_, second_.private_key_pem, -1);
  EXPECT_TRUE(SignsFor(*signer_, second_));
}

TEST_F(ReloadingCheckpointSignerTest, AMissingKeyFileKeepsThePrevious) {
  std::filesystem::remove(path_);
  EXPECT_TRUE(SignsFor(*signer_, first_));
}

}  // namespace
}  // namespace sx::server
