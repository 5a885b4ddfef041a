// Every text or bytes field of a stored record is either content (encrypted
// at rest) or listed here as readable on purpose: a field added to the API
// later fails this test until someone decides which it is.
#include "encryption/content_fields.h"

#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace sx::encryption {
namespace {

namespace v1 = ::supervision::v1;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// Sets every string and bytes field, however deep (one entry in each
// repeated field), to its own path, e.g. "feedback.attachments.name".
void FillEveryText(Message& message, const std::string& path) {
  const auto* descriptor = message.GetDescriptor();
  const auto* reflection = message.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    const std::string name = absl::StrCat(path, field->name());
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      if (field->is_repeated()) {
        reflection->AddString(&message, field, name);
      } else {
        reflection->SetString(&message, field, name);
      }
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
               field->message_type()->full_name().rfind("supervision.", 0) ==
                   0) {
      Message* child = field->is_repeated()
                           ? reflection->AddMessage(&message, field)
                           : reflection->MutableMessage(&message, field);
      FillEveryText(*child, name + ".");
    }
  }
}

// The values (paths) of every non-empty string and bytes field.
void CollectText(const Message& message, std::set<std::string>& found) {
  const auto* descriptor = message.GetDescriptor();
  const auto* reflection = message.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    const int count = field->is_repeated()
                          ? reflection->FieldSize(message, field)
                          : (reflection->HasField(message, field) ? 1 : 0);
    for (int j = 0; j < count; ++j) {
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
        const std::string value =
            field->is_repeated()
                ? reflection->GetRepeatedString(message, field, j)
                : reflection->GetString(message, field);
        if (!value.empty()) found.insert(value);
      } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        CollectText(field->is_repeated()
                        ? reflection->GetRepeatedMessage(message, field, j)
                        : reflection->GetMessage(message, field),
                    found);
      }
    }
  }
}

template <typename Record>
void ExpectSplit(const std::set<std::string>& content,
                 const std::set<std::string>& readable) {
  Record record;
  FillEveryText(record, "");
  const Record original = record;
  const Record taken = TakeContent(record);
  std::set<std::string> in_content, in_record;
  CollectText(taken, in_content);
  CollectText(record, in_record);
  EXPECT_EQ(in_content, content);
  EXPECT_EQ(in_record, readable);
  ASSERT_TRUE(RestoreContent(taken, record).ok());
  EXPECT_EQ(record.SerializeAsString(), original.SerializeAsString());
}

TEST(ContentFieldsTest, AllOfALeadIsContent) {
  ExpectSplit<v1::Lead>(
      {"subject", "subject_organization", "subject_position", "category",
       "summary", "source", "attachments.name", "attachments.media_type",
       "attachments.content", "attachments.sha256_hex"},
      {});
}

TEST(ContentFieldsTest, AReferralKeepsRoutingAndReasonsReadable) {
  ExpectSplit<v1::Referral>(
      {"lead.subject",
       "lead.subject_organization",
       "lead.subject_position",
       "lead.category",
       "lead.summary",
       "lead.source",
       "lead.attachments.name",
       "lead.attachments.media_type",
       "lead.attachments.content",
       "lead.attachments.sha256_hex",
       "feedback.text",
       "feedback.attachments.name",
       "feedback.attachments.media_type",
       "feedback.attachments.content",
       "feedback.attachments.sha256_hex",
       "reminders.text",
       "dispositions.handler",
       "dispositions.approver",
       "dispositions.approval_reference",
       "dispositions.reason",
       "delegation_instructions"},
      {"referral_id", "sender_agency_id", "recipient_agency_id",
       "parent_referral_id", "child_referral_id", "observer_agency_ids",
       "state_reason", "feedback.cites_referral_ids",
       "reminders.from_agency_id", "distribution_id", "resubmission_of",
       "delegated_referral_ids"});
}

TEST(ContentFieldsTest, ARectificationItemKeepsItsUnitReadable) {
  ExpectSplit<v1::RectificationItem>(
      {"problem", "measures", "history.text", "history.evidence.name",
       "history.evidence.media_type", "history.evidence.content",
       "history.evidence.sha256_hex"},
      {"category", "responsible_unit", "history.actor"});
}

TEST(ContentFieldsTest, ContentThatDoesNotFitItsRecordIsDataLoss) {
  v1::Referral record;
  record.add_feedback()->set_text("one");
  v1::Referral content = TakeContent(record);
  record.clear_feedback();
  EXPECT_EQ(RestoreContent(content, record).code(),
            absl::StatusCode::kDataLoss);
}

TEST(ContentFieldsTest, EncryptedContentTravelsInTheRecordsBytes) {
  v1::Lead record;
  v1::EncryptedContent sealed;
  sealed.set_key_fingerprint("0011223344556677");
  sealed.set_ciphertext("opaque");
  SetEncryptedContent(sealed, record);
  v1::Lead parsed;
  ASSERT_TRUE(parsed.ParseFromString(record.SerializeAsString()));
  auto found = FindEncryptedContent(parsed);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->ciphertext(), "opaque");
  ClearEncryptedContent(parsed);
  EXPECT_FALSE(FindEncryptedContent(parsed)->has_value());
  EXPECT_EQ(parsed.ByteSizeLong(), 0u);
}

}  // namespace
}  // namespace sx::encryption
