// Encryption at rest over a real RocksDB store: what goes in comes back, no
// content byte reaches a file of the data directory or a backup, every
// record's key is counted, and rotation moves every record to the new key.
#include "sx/encryption/encrypting_store.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "encryption/content_fields.h"
#include "gtest/gtest.h"
#include "sx/base/status_macros.h"
#include "tests/support/files_holding.h"
#include "tests/support/temp_dir.h"

namespace sx::encryption {
namespace {

namespace v1 = ::supervision::v1;
using storage::Store;
using storage::Transaction;
using sx::testing::FilesHolding;

constexpr char kOldKeys[] =
    "old 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n";
constexpr char kNewKeys[] =
    "new f0e1d2c3b4a5968778695a4b3c2d1e0f00112233445566778899aabbccddeeff\n"
    "old 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n";
constexpr char kOnlyNewKey[] =
    "new f0e1d2c3b4a5968778695a4b3c2d1e0f00112233445566778899aabbccddeeff\n";

// Content that must never reach a file, each distinct enough to find.
constexpr char kSubject[] = "SUBJECT-Zhang-San-7f3a";
constexpr char kSummary[] = "SUMMARY-kickbacks-on-road-works-91c2";
constexpr char kAttachment[] = "ATTACHMENT-bank-statement-5d0e";
constexpr char kFeedback[] = "FEEDBACK-case-filed-for-review-2b8f";
constexpr char kProblem[] = "PROBLEM-canteen-overspending-44aa";

KeyRing Keys(const char* text) {
  absl::StatusOr<KeyRing> keys = KeyRing::Parse(text, "test keys");
  EXPECT_TRUE(keys.ok()) << keys.status();
  return *std::move(keys);
}

v1::Lead TestLead() {
  v1::Lead lead;
  lead.set_subject(kSubject);
  lead.set_summary(kSummary);
  lead.set_category("一般类");
  lead.set_source("巡察个别谈话");
  lead.set_sensitivity(v1::SENSITIVITY_SENSITIVE);
  v1::Attachment* attachment = lead.add_attachments();
  attachment->set_name("statement.pdf");
  attachment->set_content(kAttachment);
  return lead;
}

absl::StatusOr<RewrapReport> Rewrap(EncryptingStore& store,
                                    const std::string& before_id,
                                    size_t limit) {
  absl::Notification done;
  absl::StatusOr<RewrapReport> result;
  store.RewrapDataKeys(before_id, limit,
                       [&](absl::StatusOr<RewrapReport> report) {
                         result = std::move(report);
                         done.Notify();
                       });
  done.WaitForNotification();
  return result;
}

class EncryptingStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<Store> OpenPlain() {
    storage::RocksDbStoreOptions options;
    options.path = dir_.Sub("db");
    options.id_prefix = "test";
    options.min_free_bytes = 0;
    auto store = storage::OpenRocksDbStore(options);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }

  absl::StatusOr<std::unique_ptr<EncryptingStore>> OpenEncrypting(
      const char* keys) {
    std::unique_ptr<Store> plain = OpenPlain();
    if (plain == nullptr) return absl::InternalError("no store");
    return EncryptingStore::Wrap(std::move(plain), Keys(keys),
                                 v1::AtRestEncryption::CIPHER_AES_256_GCM,
                                 "test keys");
  }

  // A problem list with its lead, one rectification item and final
  // feedback; returns its id.
  static std::string WriteReferral(Store& store) {
    std::string id;
    absl::Status written = store.ApplyAndWait([&](Transaction& txn) {
      SX_ASSIGN_OR_RETURN(id, txn.NewReferralId());
      v1::Referral referral;
      referral.set_referral_id(id);
      referral.set_sender_agency_id("inspection-office");
      referral.set_recipient_agency_id("discipline-commission");
      referral.mutable_rectification()->set_total(1);
      SX_RETURN_IF_ERROR(txn.CreateReferral(referral, TestLead()));
      v1::RectificationItem item;
      item.set_number(1);
      item.set_problem(kProblem);
      item.set_responsible_unit("后勤处");
      return txn.PutRectificationItem(id, item);
    });
    EXPECT_TRUE(written.ok()) << written;
    written = store.ApplyAndWait([&](Transaction& txn) -> absl::Status {
      SX_ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                          txn.GetReferral(id));
      v1::Feedback* feedback = referral->add_feedback();
      feedback->set_kind(v1::FEEDBACK_KIND_FINAL);
      feedback->set_text(kFeedback);
      feedback->mutable_outcome()->set_persons_case_filed(1);
      return txn.UpdateReferral(*referral);
    });
    EXPECT_TRUE(written.ok()) << written;
    return id;
  }

  static void ExpectReadable(Store& store, const std::string& id) {
    absl::StatusOr<v1::Lead> lead = store.GetLead(id);
    ASSERT_TRUE(lead.ok()) << lead.status();
    EXPECT_EQ(lead->subject(), kSubject);
    EXPECT_EQ(lead->summary(), kSummary);
    EXPECT_EQ(lead->attachments(0).content(), kAttachment);
    auto referral = store.GetReferral(id);
    ASSERT_TRUE(referral.ok()) << referral.status();
    ASSERT_EQ((*referral)->feedback_size(), 1);
    EXPECT_EQ((*referral)->feedback(0).text(), kFeedback);
    EXPECT_EQ((*referral)->feedback(0).outcome().persons_case_filed(), 1);
    auto items = store.ListRectificationItems(id, 0, 10);
    ASSERT_TRUE(items.ok()) << items.status();
    ASSERT_EQ(items->size(), 1u);
    EXPECT_EQ((*items)[0].problem(), kProblem);
    EXPECT_EQ((*items)[0].responsible_unit(), "后勤处");
  }

  sx::testing::TempDir dir_;
};

TEST_F(EncryptingStoreTest, ContentComesBackAndNeverReachesAFile) {
  auto store = OpenEncrypting(kOldKeys);
  ASSERT_TRUE(store.ok()) << store.status();
  const std::string id = WriteReferral(**store);
  ExpectReadable(**store, id);
  ASSERT_TRUE((*store)->CreateCheckpoint(dir_.Sub("backup")).ok());
  store->reset();
  for (const char* content :
       {kSubject, kSummary, kAttachment, kFeedback, kProblem}) {
    EXPECT_EQ(FilesHolding(dir_.path(), content), std::vector<std::string>{})
        << content;
  }
  // Metadata the hub needs stays readable without the keys.
  std::unique_ptr<Store> plain = OpenPlain();
  auto stored = plain->GetReferral(id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ((*stored)->recipient_agency_id(), "discipline-commission");
  EXPECT_EQ((*stored)->feedback(0).outcome().persons_case_filed(), 1);
  EXPECT_EQ((*stored)->feedback(0).text(), "");
}

// The control of the test above: without encryption the scan finds them,
// so its empty result means something.
TEST_F(EncryptingStoreTest, WithoutEncryptionTheScanFindsTheContent) {
  std::unique_ptr<Store> plain = OpenPlain();
  WriteReferral(*plain);
  plain.reset();
  for (const char* content :
       {kSubject, kSummary, kAttachment, kFeedback, kProblem}) {
    EXPECT_NE(FilesHolding(dir_.path(), content), std::vector<std::string>{})
        << content;
  }
}

TEST_F(EncryptingStoreTest, EveryEncryptedRecordIsCountedUnderItsKey) {
  auto store = OpenEncrypting(kOldKeys);
  ASSERT_TRUE(store.ok()) << store.status();
  WriteReferral(**store);
  WriteReferral(**store);
  const std::string old_key = (*store)->Keys()->current().fingerprint;
  // Each referral: its lead, its item, and the referral (feedback).
  EXPECT_EQ(*(*store)->KeyUseCounts(), (KeyUse{{old_key, 6}}));
  store->reset();
  EXPECT_EQ(CheckNothingEncrypted(*OpenPlain()).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(EncryptingStoreTest, RotationMovesEveryRecordToTheNewKey) {
  auto store = OpenEncrypting(kOldKeys);
  ASSERT_TRUE(store.ok()) << store.status();
  const std::string first = WriteReferral(**store);
  const std::string old_key = (*store)->Keys()->current().fingerprint;

  ASSERT_TRUE((*store)->ReplaceKeys(Keys(kNewKeys)).ok());
  const std::string new_key = (*store)->Keys()->current().fingerprint;
  ASSERT_NE(new_key, old_key);
  const std::string second = WriteReferral(**store);
  EXPECT_EQ(*(*store)->KeyUseCounts(), (KeyUse{{old_key, 3}, {new_key, 3}}));
  ExpectReadable(**store, first);
  ExpectReadable(**store, second);

  // Dropping the old key while records need it is refused.
  EXPECT_EQ((*store)->ReplaceKeys(Keys(kOnlyNewKey)).code(),
            absl::StatusCode::kFailedPrecondition);
  // One referral per call: the pass follows next_before_id to the end.
  std::string before;
  uint32_t records = 0;
  int calls = 0;
  do {
    absl::StatusOr<RewrapReport> report = Rewrap(**store, before, 1);
    ASSERT_TRUE(report.ok()) << report.status();
    records += report->records;
    before = report->next_before_id;
    ++calls;
  } while (!before.empty());
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(records, 3u);
  EXPECT_EQ(*(*store)->KeyUseCounts(), (KeyUse{{new_key, 6}}));
  ASSERT_TRUE((*store)->ReplaceKeys(Keys(kOnlyNewKey)).ok());
  store->reset();

  store = OpenEncrypting(kOnlyNewKey);
  ASSERT_TRUE(store.ok()) << store.status();
  ExpectReadable(**store, first);
  ExpectReadable(**store, second);
}

TEST_F(EncryptingStoreTest, ARewrapChangesOnlyTheWrappedDataKey) {
  std::string id;
  {
    auto store = OpenEncrypting(kOldKeys);
    ASSERT_TRUE(store.ok()) << store.status();
    id = WriteReferral(**store);
  }
  auto stored_lead = [&] {
    absl::StatusOr<v1::Lead> lead = OpenPlain()->GetLead(id);
    EXPECT_TRUE(lead.ok()) << lead.status();
    absl::StatusOr<std::optional<v1::EncryptedContent>> sealed =
        FindEncryptedContent(*lead);
    EXPECT_TRUE(sealed.ok() && sealed->has_value());
    return **sealed;
  };
  const v1::EncryptedContent before = stored_lead();
  {
    auto store = OpenEncrypting(kNewKeys);
    ASSERT_TRUE(store.ok()) << store.status();
    absl::StatusOr<RewrapReport> report = Rewrap(**store, "", 10);
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_EQ(report->records, 3u);
  }
  const v1::EncryptedContent after = stored_lead();
  EXPECT_EQ(after.ciphertext(), before.ciphertext());
  EXPECT_NE(after.wrapped_data_key(), before.wrapped_data_key());
  EXPECT_NE(after.key_fingerprint(), before.key_fingerprint());
  auto store = OpenEncrypting(kOnlyNewKey);
  ASSERT_TRUE(store.ok()) << store.status();
  ExpectReadable(**store, id);
}

TEST_F(EncryptingStoreTest, AKeyFileWithoutAKeyInUseIsRefusedAtOpen) {
  {
    auto store = OpenEncrypting(kOldKeys);
    ASSERT_TRUE(store.ok()) << store.status();
    WriteReferral(**store);
  }
  auto store = OpenEncrypting(kOnlyNewKey);
  ASSERT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(
      absl::StrContains(store.status().message(), "3 records under key"))
      << store.status();
}

TEST_F(EncryptingStoreTest, PlainTextRecordsAreEncryptedByARewrap) {
  std::unique_ptr<Store> plain = OpenPlain();
  const std::string id = WriteReferral(*plain);
  // In table files, as a directory that ran for a while has them.
  ASSERT_TRUE(plain->RewriteAllFiles().ok());
  plain.reset();
  ASSERT_FALSE(FilesHolding(dir_.path(), kSummary).empty());

  auto store = OpenEncrypting(kOldKeys);
  ASSERT_TRUE(store.ok()) << store.status();
  absl::Notification rewritten;
  (*store)->SetFilesRewrittenListener(
      [&](const absl::Status& status, absl::Duration) {
        EXPECT_TRUE(status.ok()) << status;
        rewritten.Notify();
      });
  ExpectReadable(**store, id);
  absl::StatusOr<RewrapReport> report = Rewrap(**store, "", 10);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->records, 3u);
  EXPECT_EQ(report->next_before_id, "");
  ExpectReadable(**store, id);
  // The pass ended: the files are rewritten, and the plain text is gone
  // from the directory, not only from the current records.
  rewritten.WaitForNotification();
  store->reset();
  for (const char* content :
       {kSubject, kSummary, kAttachment, kFeedback, kProblem}) {
    EXPECT_EQ(FilesHolding(dir_.path(), content), std::vector<std::string>{})
        << content;
  }
  store = OpenEncrypting(kOldKeys);
  ASSERT_TRUE(store.ok()) << store.status();
  // A second pass finds nothing left to do.
  EXPECT_EQ(Rewrap(**store, "", 10)->records, 0u);
  ExpectReadable(**store, id);
}

TEST_F(EncryptingStoreTest, ContentMovedOntoAnotherRecordDoesNotDecrypt) {
  std::string first, second;
  {
    auto store = OpenEncrypting(kOldKeys);
    ASSERT_TRUE(store.ok()) << store.status();
    first = WriteReferral(**store);
    second = WriteReferral(**store);
  }
  {
    // Someone with write access to the files puts the first lead's stored
    // form in place of the second's.
    std::unique_ptr<Store> plain = OpenPlain();
    absl::StatusOr<v1::Lead> moved = plain->GetLead(first);
    ASSERT_TRUE(moved.ok());
    ASSERT_TRUE(plain
                    ->ApplyAndWait([&](Transaction& txn) {
                      return txn.ReplaceLead(second, *moved);
                    })
                    .ok());
  }
  auto store = OpenEncrypting(kOldKeys);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->GetLead(second).status().code(),
            absl::StatusCode::kDataLoss);
  ExpectReadable(**store, first);
}

TEST_F(EncryptingStoreTest, AnUpdateThatKeepsTheContentKeepsItsEncryption) {
  auto store = OpenEncrypting(kOldKeys);
  ASSERT_TRUE(store.ok()) << store.status();
  const std::string id = WriteReferral(**store);
  store->reset();
  auto stored_before = OpenPlain()->GetReferral(id);
  store = OpenEncrypting(kOldKeys);
  ASSERT_TRUE((*store)
                  ->ApplyAndWait([&](Transaction& txn) -> absl::Status {
                    SX_ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                                        txn.GetReferral(id));
                    referral->set_version(referral->version() + 1);
                    return txn.UpdateReferral(*referral);
                  })
                  .ok());
  store->reset();
  auto stored_after = OpenPlain()->GetReferral(id);
  ASSERT_TRUE(stored_before.ok() && stored_after.ok());
  auto sealed_before = FindEncryptedContent(**stored_before);
  auto sealed_after = FindEncryptedContent(**stored_after);
  ASSERT_TRUE(sealed_before.ok() && sealed_before->has_value());
  ASSERT_TRUE(sealed_after.ok() && sealed_after->has_value());
  EXPECT_EQ((*sealed_after)->SerializeAsString(),
            (*sealed_before)->SerializeAsString());
  EXPECT_EQ((*stored_after)->version(), (*stored_before)->version() + 1);
}

}  // namespace
}  // namespace sx::encryption
