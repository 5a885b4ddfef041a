// Encryption at rest in the real hub: no byte of a lead's subject, summary
// or attachment, nor of feedback or a disposition's reason, reaches any file
// of the data directory, a backup or the log (ledger items, reminders and
// delegations are covered at the store, encryption/*_test.cc);
// the key file rotates while the hub serves; and a hub without the key its
// data needs does not start.
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "supervision/v1/admin.grpc.pb.h"
#include "supervision/v1/exchange.grpc.pb.h"
#include "tests/e2e/hub_process.h"
#include "tests/support/files_holding.h"
#include "tests/support/temp_dir.h"

namespace sx::testing {
namespace {

namespace v1 = ::supervision::v1;

// Each distinct enough to be found wherever it lands.
constexpr char kSubject[] = "被反映人-张某某-b71e";
constexpr char kSummary[] = "SUMMARY-rigged-tender-for-the-canteen-4c09";
constexpr char kAttachment[] = "ATTACHMENT-bank-transfer-records-93d1";
constexpr char kFeedbackText[] = "FEEDBACK-party-warning-given-6a2f";
constexpr char kDispositionReason[] = "REASON-minor-and-admitted-0e5b";

constexpr char kFirstKey[] =
    "first 8c6f1e0d9a4b3c2d1e0f00112233445566778899aabbccddeeff001122334455\n";
constexpr char kSecondKey[] =
    "second 1f2e3d4c5b6a79880011223344556677aabbccddeeff00112233445566778899\n";

bool WaitFor(const std::function<bool()>& condition) {
  for (int i = 0; i < 200; ++i) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

void WriteKeyFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
  chmod(path.c_str(), 0600);
}

class EncryptionAtRestE2eTest : public ::testing::Test {
 protected:
  EncryptionAtRestE2eTest()
      : hub_(pki_, [this](std::string& config) {
          config = absl::StrReplaceAll(
              config,
              {{absl::StrCat(pki_.dir(), "/pki/at-rest.keys"), KeyFile()}});
          // First: tests cut the config at its encryption section.
          config = absl::StrCat("backup_dir: \"", keys_.Sub("backups"), "\"\n",
                                config);
        }) {
    WriteKeyFile(KeyFile(), kFirstKey);
  }

  std::string KeyFile() const { return keys_.Sub("at-rest.keys"); }

  ::testing::AssertionResult Started() {
    const absl::Status started = hub_.Start();
    if (started.ok()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << started;
  }

  // A lead from the inspection office, accepted, disposed of and answered
  // with final feedback by the commission; returns its id.
  std::string LoopWithContent(const std::string& tag) {
    auto sender =
        v1::ExchangeService::NewStub(hub_.Channel("inspection-office"));
    auto recipient =
        v1::ExchangeService::NewStub(hub_.Channel("discipline-commission"));
    v1::SubmitReferralRequest submit;
    submit.set_request_id(absl::StrCat("submit-", tag));
    submit.set_recipient_agency_id("discipline-commission");
    submit.set_kind(v1::REFERRAL_KIND_LEAD);
    v1::Lead& lead = *submit.mutable_lead();
    lead.set_subject(kSubject);
    lead.set_category("进一步了解关注类");
    lead.set_summary(kSummary);
    lead.set_source("巡察个别谈话");
    lead.set_sensitivity(v1::SENSITIVITY_SENSITIVE);
    lead.set_urgency(v1::URGENCY_NORMAL);
    v1::Attachment& attachment = *lead.add_attachments();
    attachment.set_name("转账记录.txt");
    attachment.set_content(kAttachment);
    v1::Referral referral;
    grpc::Status status =
        sender->SubmitReferral(Context().get(), submit, &referral);
    EXPECT_TRUE(status.ok()) << status.error_message();
    const std::string id = referral.referral_id();

    v1::AcceptReferralRequest accept;
    accept.set_request_id(absl::StrCat("accept-", tag));
    accept.set_referral_id(id);
    status = recipient->AcceptReferral(Context().get(), accept, &referral);
    EXPECT_TRUE(status.ok()) << status.error_message();
    v1::RecordDispositionRequest dispose;
    dispose.set_request_id(absl::StrCat("dispose-", tag));
    dispose.set_referral_id(id);
    dispose.set_method(v1::DISPOSITION_METHOD_TALK_OR_INQUIRY);
    dispose.set_handler("承办人甲");
    dispose.set_reason(kDispositionReason);
    status = recipient->RecordDisposition(Context().get(), dispose, &referral);
    EXPECT_TRUE(status.ok()) << status.error_message();
    v1::SendFeedbackRequest feedback;
    feedback.set_request_id(absl::StrCat("feedback-", tag));
    feedback.set_referral_id(id);
    feedback.mutable_feedback()->set_kind(v1::FEEDBACK_KIND_FINAL);
    feedback.mutable_feedback()->set_text(kFeedbackText);
    status = recipient->SendFeedback(Context().get(), feedback, &referral);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return id;
  }

  // The sender reads the whole referral back, contents included.
  void ExpectIntact(const std::string& id) {
    auto sender =
        v1::ExchangeService::NewStub(hub_.Channel("inspection-office"));
    v1::GetReferralRequest get;
    get.set_referral_id(id);
    get.set_include_attachment_content(true);
    v1::Referral referral;
    const grpc::Status status =
        sender->GetReferral(Context().get(), get, &referral);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(referral.lead().subject(), kSubject);
    EXPECT_EQ(referral.lead().summary(), kSummary);
    ASSERT_EQ(referral.lead().attachments_size(), 1);
    EXPECT_EQ(referral.lead().attachments(0).content(), kAttachment);
    ASSERT_EQ(referral.feedback_size(), 1);
    EXPECT_EQ(referral.feedback(0).text(), kFeedbackText);
    ASSERT_EQ(referral.dispositions_size(), 1);
    EXPECT_EQ(referral.dispositions(0).reason(), kDispositionReason);
  }

  v1::EncryptionStatus Keys() {
    auto admin = v1::AdminService::NewStub(hub_.Channel("admin-ops"));
    v1::HubStatus status;
    const grpc::Status called =
        admin->GetHubStatus(Context().get(), {}, &status);
    EXPECT_TRUE(called.ok()) << called.error_message();
    return status.encryption();
  }

  // Follows RewrapDataKeys to the end, one referral per call.
  uint32_t RewrapAll() {
    auto admin = v1::AdminService::NewStub(hub_.Channel("admin-ops"));
    v1::RewrapDataKeysRequest request;
    request.set_max_referrals(1);
    uint32_t records = 0;
    do {
      v1::RewrapDataKeysResponse response;
      const grpc::Status called =
          admin->RewrapDataKeys(Context().get(), request, &response);
      EXPECT_TRUE(called.ok()) << called.error_message();
      if (!called.ok()) break;
      records += response.records();
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
    return records;
  }

  void Reload() {
    const size_t before = Occurrences("encryption key");
    ASSERT_EQ(kill(hub_.pid(), SIGHUP), 0);
    ASSERT_TRUE(WaitFor([&] { return Occurrences("encryption key") > before; }))
        << hub_.ReadLog();
  }

  size_t Occurrences(const std::string& text) {
    const std::string log = hub_.ReadLog();
    size_t count = 0;
    for (size_t at = log.find(text); at != std::string::npos;
         at = log.find(text, at + 1)) {
      ++count;
    }
    return count;
  }

  DevPki pki_;
  TempDir keys_;
  HubProcess hub_;
};

TEST_F(EncryptionAtRestE2eTest, NoContentByteReachesDataBackupOrLog) {
  ASSERT_TRUE(Started());
  const std::string id = LoopWithContent("1");
  ASSERT_EQ(kill(hub_.pid(), SIGUSR1), 0);
  ASSERT_TRUE(WaitFor([&] {
    return absl::StrContains(hub_.ReadLog(), "checkpoint written to");
  })) << hub_.ReadLog();
  ExpectIntact(id);
  hub_.Stop();
  for (const char* content :
       {kSubject, kSummary, kAttachment, kFeedbackText, kDispositionReason}) {
    EXPECT_EQ(FilesHolding(hub_.data_dir(), content),
              std::vector<std::string>{})
        << content;
    EXPECT_EQ(FilesHolding(keys_.Sub("backups"), content),
              std::vector<std::string>{})
        << content;
    EXPECT_FALSE(absl::StrContains(hub_.ReadLog(), content)) << content;
  }
  // The scan above read a real backup: its files name the referral's
  // recipient agency, which routing keeps in plain text.
  EXPECT_FALSE(
      FilesHolding(keys_.Sub("backups"), "discipline-commission").empty())
      << "no backup was written";
}

// The control: the same scan finds the contents when the config has no
// encryption section, so the empty result above means something.
TEST_F(EncryptionAtRestE2eTest, WithoutEncryptionTheScanFindsTheContents) {
  hub_.EditConfig([](std::string& config) {
    config = config.substr(0, config.find("\nencryption {"));
  });
  ASSERT_TRUE(Started());
  LoopWithContent("1");
  hub_.Stop();
  for (const char* content :
       {kSubject, kSummary, kAttachment, kFeedbackText, kDispositionReason}) {
    EXPECT_NE(FilesHolding(hub_.data_dir(), content),
              std::vector<std::string>{})
        << content;
  }
}

TEST_F(EncryptionAtRestE2eTest, KeysRotateWhileTheHubServes) {
  ASSERT_TRUE(Started());
  const std::string first = LoopWithContent("1");
  v1::EncryptionStatus keys = Keys();
  ASSERT_EQ(keys.keys_size(), 1);
  EXPECT_EQ(keys.cipher(), "AES-256-GCM");
  EXPECT_TRUE(keys.keys(0).current());
  // The lead, and the referral with its disposition and feedback.
  EXPECT_EQ(keys.keys(0).records(), 2u);
  const std::string old_fingerprint = keys.keys(0).fingerprint();

  // A new key first, the old one below it, and a reload.
  WriteKeyFile(KeyFile(), absl::StrCat(kSecondKey, kFirstKey));
  Reload();
  const std::string second = LoopWithContent("2");
  keys = Keys();
  ASSERT_EQ(keys.keys_size(), 2);
  EXPECT_EQ(keys.keys(0).name(), "second");
  EXPECT_TRUE(keys.keys(0).current());
  EXPECT_EQ(keys.keys(0).records(), 2u);
  EXPECT_EQ(keys.keys(1).records(), 2u);

  // Dropping the old key now is refused: the running keys stay.
  WriteKeyFile(KeyFile(), kSecondKey);
  Reload();
  EXPECT_TRUE(absl::StrContains(hub_.ReadLog(),
                                "encryption key reload refused, keeping the "
                                "running keys: the data directory holds 2 "
                                "records under key"))
      << hub_.ReadLog();
  ExpectIntact(first);

  EXPECT_EQ(RewrapAll(), 2u);
  // The pass ended: the hub rewrites its files, so that the old wrapped
  // data keys leave the disk too.
  EXPECT_TRUE(WaitFor([&] {
    return absl::StrContains(hub_.ReadLog(),
                             "storage files rewritten after a re-wrap pass");
  })) << hub_.ReadLog();
  keys = Keys();
  EXPECT_EQ(keys.keys(0).records(), 4u);
  EXPECT_EQ(keys.keys(1).records(), 0u);
  EXPECT_EQ(keys.keys(1).fingerprint(), old_fingerprint);

  // Now the old key may go, and the hub restarts without it.
  Reload();
  EXPECT_EQ(Keys().keys_size(), 1);
  hub_.Stop();
  ASSERT_TRUE(Started());
  ExpectIntact(first);
  ExpectIntact(second);
}

TEST_F(EncryptionAtRestE2eTest, AHubWithoutTheKeyItsDataNeedsDoesNotStart) {
  ASSERT_TRUE(Started());
  LoopWithContent("1");
  hub_.Stop();

  // Another key under the same name is not taken for it.
  WriteKeyFile(KeyFile(),
               absl::StrReplaceAll(kSecondKey, {{"second", "first"}}));
  absl::Status started = hub_.Start();
  ASSERT_FALSE(started.ok());
  EXPECT_TRUE(absl::StrContains(started.message(), "2 records under key"))
      << started.message();

  // Nor does a hub whose config dropped encryption.
  WriteKeyFile(KeyFile(), kFirstKey);
  hub_.EditConfig([](std::string& config) {
    config = config.substr(0, config.find("\nencryption {"));
  });
  started = hub_.Start();
  ASSERT_FALSE(started.ok());
  EXPECT_TRUE(absl::StrContains(started.message(),
                                "records encrypted at rest, but the config"))
      << started.message();
}

TEST_F(EncryptionAtRestE2eTest, CheckConfigRefusesAKeyFileOthersMayRead) {
  chmod(KeyFile().c_str(), 0644);
  absl::Status started = hub_.Start();
  ASSERT_FALSE(started.ok());
  EXPECT_TRUE(absl::StrContains(started.message(), "encryption.key_file"))
      << started.message();
  EXPECT_TRUE(absl::StrContains(started.message(), "chmod 600"))
      << started.message();
}

}  // namespace
}  // namespace sx::testing
