#include "sx/core/request_validation.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/unknown_field_set.h"
#include "gtest/gtest.h"
#include "sx/base/sha256.h"
#include "sx/core/testing/test_config.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

// Case 1 of docs/CASES.md: the land reserve centre's fees through personal
// accounts, handed over on the fast track during the inspection.
v1::Lead LandReserveLead() {
  v1::Lead lead;
  lead.set_subject("张某某");
  lead.set_subject_organization("某县土地储备中心");
  lead.set_subject_position("主任");
  lead.set_category("进一步了解关注类");
  lead.set_summary(
      "县土地储备中心通过工作人员个人账户、他人账户及现金方式收取大额土地出让金"
      "，"
      "未及时缴入国库");
  lead.set_source("巡察个别谈话");
  lead.set_sensitivity(v1::SENSITIVITY_SENSITIVE);
  lead.set_urgency(v1::URGENCY_FAST_TRACK);
  v1::Attachment* attachment = lead.add_attachments();
  attachment->set_name("转账记录.pdf");
  attachment->set_media_type("application/pdf");
  attachment->set_content("%PDF-1.7 个人账户收取土地出让金转账记录");
  return lead;
}

class RequestValidationTest : public ::testing::Test {
 protected:
  RequestValidationTest() {
    limits_ = TestHubConfig()->limits();
    // Small limits keep oversize cases cheap.
    limits_.set_max_text_bytes(256);
    limits_.set_max_attachments(3);
    limits_.set_max_attachment_bytes(1024);
  }

  static void ExpectError(const absl::Status& status, absl::StatusCode code,
                          absl::string_view names) {
    EXPECT_EQ(status.code(), code) << status;
    EXPECT_TRUE(absl::StrContains(status.message(), names))
        << "expected \"" << names << "\" in: " << status;
  }

  v1::Limits limits_;
};

TEST_F(RequestValidationTest, ValidateIdAcceptsPrintableAscii) {
  for (const char* id :
       {"a", "test-hub-0000000042", "550e8400-e29b-41d4-a716-446655440000",
        "req:1/2_3.4~!"}) {
    EXPECT_TRUE(ValidateId("request_id", id).ok()) << id;
  }
  EXPECT_TRUE(ValidateId("request_id", std::string(kMaxIdBytes, 'x')).ok());
}

TEST_F(RequestValidationTest, ValidateIdRejectsEmptyLongAndUnprintable) {
  ExpectError(ValidateId("request_id", ""), absl::StatusCode::kInvalidArgument,
              "request_id");
  ExpectError(ValidateId("referral_id", std::string(kMaxIdBytes + 1, 'x')),
              absl::StatusCode::kInvalidArgument, "referral_id");
  for (const std::string& id :
       {std::string("has space"), std::string("tab\there"),
        std::string("new\nline"), std::string("nul\0byte", 8),
        std::string("移送-1"), std::string("\x7f")}) {
    ExpectError(ValidateId("request_id", id),
                absl::StatusCode::kInvalidArgument, "request_id");
  }
}

TEST_F(RequestValidationTest, ValidateText) {
  EXPECT_TRUE(ValidateText("reason", "不属于本机关管辖", limits_).ok());
  for (const char* blank : {"", " ", "\t\n  \r"}) {
    ExpectError(ValidateText("reason", blank, limits_),
                absl::StatusCode::kInvalidArgument, "reason");
  }
  EXPECT_TRUE(
      ValidateText("text", std::string(limits_.max_text_bytes(), 'a'), limits_)
          .ok());
  ExpectError(
      ValidateText("text", std::string(limits_.max_text_bytes() + 1, 'a'),
                   limits_),
      absl::StatusCode::kResourceExhausted, "text");
  // The limit is in bytes: 86 three-byte characters are 258 bytes > 256.
  std::string chinese;
  for (int i = 0; i < 86; ++i) chinese += "查";
  ExpectError(ValidateText("feedback.text", chinese, limits_),
              absl::StatusCode::kResourceExhausted, "feedback.text");
}

TEST_F(RequestValidationTest, SealLeadAcceptsACompleteLeadAndFillsDigests) {
  v1::Lead lead = LandReserveLead();
  const std::string content = lead.attachments(0).content();
  ASSERT_TRUE(SealLead(lead, limits_).ok());
  EXPECT_EQ(lead.attachments(0).sha256_hex(), Sha256Hex(content));
  EXPECT_EQ(lead.attachments(0).sha256_hex().size(), 64u);
  EXPECT_EQ(lead.attachments(0).size_bytes(),
            static_cast<int64_t>(content.size()));
  EXPECT_EQ(lead.attachments(0).content(), content);
  EXPECT_EQ(lead.subject(), "张某某");
}

// A client cannot plant a field number the hub's storage gives a meaning
// (536870000 holds encryption at rest's EncryptedContent).
TEST_F(RequestValidationTest, SealLeadDropsFieldsTheHubDoesNotKnow) {
  v1::Lead lead = LandReserveLead();
  lead.GetReflection()->MutableUnknownFields(&lead)->AddLengthDelimited(
      536870000, "planted");
  lead.mutable_attachments(0)
      ->GetReflection()
      ->MutableUnknownFields(lead.mutable_attachments(0))
      ->AddVarint(99, 1);
  ASSERT_TRUE(SealLead(lead, limits_).ok());
  v1::Lead reparsed;
  ASSERT_TRUE(reparsed.ParseFromString(lead.SerializeAsString()));
  EXPECT_EQ(reparsed.GetReflection()->GetUnknownFields(reparsed).field_count(),
            0);
  EXPECT_EQ(lead.attachments(0)
                .GetReflection()
                ->GetUnknownFields(lead.attachments(0))
                .field_count(),
            0);
}

TEST_F(RequestValidationTest, SealLeadNamesEachMissingField) {
  struct Case {
    void (*clear)(v1::Lead&);
    const char* field;
  };
  const Case cases[] = {
      {[](v1::Lead& l) { l.clear_subject(); }, "lead.subject"},
      {[](v1::Lead& l) { l.set_subject("   "); }, "lead.subject"},
      {[](v1::Lead& l) { l.clear_category(); }, "lead.category"},
      {[](v1::Lead& l) { l.clear_summary(); }, "lead.summary"},
      {[](v1::Lead& l) { l.set_summary("\n\t"); }, "lead.summary"},
      {[](v1::Lead& l) { l.clear_source(); }, "lead.source"},
      {[](v1::Lead& l) { l.clear_sensitivity(); }, "lead.sensitivity"},
      {[](v1::Lead& l) { l.set_sensitivity(static_cast<v1::Sensitivity>(42)); },
       "lead.sensitivity"},
      {[](v1::Lead& l) { l.clear_urgency(); }, "lead.urgency"},
      {[](v1::Lead& l) { l.set_urgency(static_cast<v1::Urgency>(7)); },
       "lead.urgency"},
      {[](v1::Lead& l) { l.mutable_attachments(0)->clear_name(); },
       "lead.attachments[0].name"},
  };
  for (const Case& c : cases) {
    v1::Lead lead = LandReserveLead();
    c.clear(lead);
    ExpectError(SealLead(lead, limits_), absl::StatusCode::kInvalidArgument,
                c.field);
  }
}

TEST_F(RequestValidationTest, SealLeadOptionalFieldsMayBeEmpty) {
  v1::Lead lead = LandReserveLead();
  lead.clear_subject_organization();
  lead.clear_subject_position();
  lead.clear_attachments();
  EXPECT_TRUE(SealLead(lead, limits_).ok());
}

TEST_F(RequestValidationTest, SealLeadOversizeTextIsResourceExhausted) {
  const std::string big(limits_.max_text_bytes() + 1, 'x');
  struct Case {
    void (*set)(v1::Lead&, const std::string&);
    const char* field;
  };
  const Case cases[] = {
      {[](v1::Lead& l, const std::string& t) { l.set_subject(t); },
       "lead.subject"},
      {[](v1::Lead& l, const std::string& t) { l.set_summary(t); },
       "lead.summary"},
      {[](v1::Lead& l, const std::string& t) { l.set_subject_organization(t); },
       "lead.subject_organization"},
      {[](v1::Lead& l, const std::string& t) { l.set_subject_position(t); },
       "lead.subject_position"},
  };
  for (const Case& c : cases) {
    v1::Lead lead = LandReserveLead();
    c.set(lead, big);
    ExpectError(SealLead(lead, limits_), absl::StatusCode::kResourceExhausted,
                c.field);
  }
}

TEST_F(RequestValidationTest, SealLeadChecksAClaimedDigest) {
  v1::Lead lead = LandReserveLead();
  const std::string digest = Sha256Hex(lead.attachments(0).content());
  // Upper-case hex of the right digest is accepted and stored lower-case.
  lead.mutable_attachments(0)->set_sha256_hex(absl::AsciiStrToUpper(digest));
  ASSERT_TRUE(SealLead(lead, limits_).ok());
  EXPECT_EQ(lead.attachments(0).sha256_hex(), digest);

  v1::Lead tampered = LandReserveLead();
  tampered.mutable_attachments(0)->set_sha256_hex(Sha256Hex("另一份文件"));
  ExpectError(SealLead(tampered, limits_), absl::StatusCode::kInvalidArgument,
              "lead.attachments[0].sha256_hex");
}

TEST_F(RequestValidationTest, SealLeadOverwritesAClaimedSize) {
  v1::Lead lead = LandReserveLead();
  lead.mutable_attachments(0)->set_size_bytes(1);
  ASSERT_TRUE(SealLead(lead, limits_).ok());
  EXPECT_EQ(lead.attachments(0).size_bytes(),
            static_cast<int64_t>(lead.attachments(0).content().size()));
}

TEST_F(RequestValidationTest, SealLeadLimitsAttachments) {
  v1::Lead lead = LandReserveLead();
  for (uint32_t i = 1; i < limits_.max_attachments(); ++i) {
    v1::Attachment* more = lead.add_attachments();
    more->set_name(absl::StrCat("谈话笔录", i, ".pdf"));
    more->set_content(absl::StrCat("笔录", i));
  }
  ASSERT_TRUE(SealLead(lead, limits_).ok());  // exactly at the limit

  lead.add_attachments()->set_name("一个太多.pdf");
  ExpectError(SealLead(lead, limits_), absl::StatusCode::kResourceExhausted,
              "lead.attachments");

  v1::Lead large = LandReserveLead();
  v1::Attachment* big = large.add_attachments();
  big->set_name("银行流水.xlsx");
  big->set_content(std::string(limits_.max_attachment_bytes() + 1, 'x'));
  ExpectError(SealLead(large, limits_), absl::StatusCode::kResourceExhausted,
              "lead.attachments[1].content");

  v1::Lead at_limit = LandReserveLead();
  at_limit.mutable_attachments(0)->set_content(
      std::string(limits_.max_attachment_bytes(), 'x'));
  EXPECT_TRUE(SealLead(at_limit, limits_).ok());
}

TEST_F(RequestValidationTest, SealFeedback) {
  v1::Feedback feedback;
  feedback.set_kind(v1::FEEDBACK_KIND_FINAL);
  feedback.set_text(
      "经审查调查，给予张某某开除党籍、开除公职处分，涉嫌犯罪问题移送司法机关");
  v1::Attachment* attachment = feedback.add_attachments();
  attachment->set_name("处分决定书.pdf");
  attachment->set_content("处分决定书内容");
  ASSERT_TRUE(SealFeedback(feedback, limits_).ok());
  EXPECT_EQ(feedback.attachments(0).sha256_hex(), Sha256Hex("处分决定书内容"));
  EXPECT_EQ(feedback.attachments(0).size_bytes(),
            static_cast<int64_t>(std::string("处分决定书内容").size()));

  feedback.set_kind(v1::FEEDBACK_KIND_INTERIM);
  EXPECT_TRUE(SealFeedback(feedback, limits_).ok());
}

TEST_F(RequestValidationTest, SealFeedbackRejectsBadFields) {
  auto valid = [] {
    v1::Feedback feedback;
    feedback.set_kind(v1::FEEDBACK_KIND_INTERIM);
    feedback.set_text("已派员提前介入，正在初步核实");
    return feedback;
  };
  v1::Feedback feedback = valid();
  feedback.clear_kind();
  ExpectError(SealFeedback(feedback, limits_),
              absl::StatusCode::kInvalidArgument, "feedback.kind");
  feedback = valid();
  feedback.set_kind(static_cast<v1::FeedbackKind>(9));
  ExpectError(SealFeedback(feedback, limits_),
              absl::StatusCode::kInvalidArgument, "feedback.kind");
  feedback = valid();
  feedback.set_text("  ");
  ExpectError(SealFeedback(feedback, limits_),
              absl::StatusCode::kInvalidArgument, "feedback.text");
  feedback = valid();
  feedback.set_text(std::string(limits_.max_text_bytes() + 1, 'x'));
  ExpectError(SealFeedback(feedback, limits_),
              absl::StatusCode::kResourceExhausted, "feedback.text");
  feedback = valid();
  v1::Attachment* attachment = feedback.add_attachments();
  attachment->set_name("谈话记录.pdf");
  attachment->set_content("记录");
  attachment->set_sha256_hex(Sha256Hex("别的记录"));
  ExpectError(SealFeedback(feedback, limits_),
              absl::StatusCode::kInvalidArgument,
              "feedback.attachments[0].sha256_hex");
  feedback = valid();
  for (uint32_t i = 0; i <= limits_.max_attachments(); ++i) {
    feedback.add_attachments()->set_name(absl::StrCat("附件", i));
  }
  ExpectError(SealFeedback(feedback, limits_),
              absl::StatusCode::kResourceExhausted, "feedback.attachments");
}

}  // namespace
}  // namespace sx::core

namespace sx::core {
namespace {

TEST(RequestValidationUtf8Test, TextMustBeValidUtf8) {
  v1::Limits limits;
  limits.set_max_text_bytes(1024);
  EXPECT_TRUE(ValidateText("reason", "不属于本机关管辖", limits).ok());
  for (const char* bad :
       {"\xff", "abc\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80"}) {
    absl::Status status = ValidateText("reason", bad, limits);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(status.message().find("UTF-8"), std::string::npos);
  }
}

}  // namespace
}  // namespace sx::core
