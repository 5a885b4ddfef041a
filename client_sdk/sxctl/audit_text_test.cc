#include "client_sdk/sxctl/audit_text.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace sx::sxctl {
namespace {

using client::EventType;
using client::ReferralState;

constexpr char kInspectionUri[] =
    "spiffe://hub.example/agency/inspection-office";
constexpr char kCommissionUri[] =
    "spiffe://hub.example/agency/discipline-commission";

// A step of referral demo-0000000001, `sequence` minutes after
// 2025-11-26T00:00:00Z, carrying a step signature if `signed_step`.
client::Event Step(uint64_t sequence, EventType type, ReferralState from,
                   ReferralState to, const std::string& actor,
                   bool signed_step) {
  client::Event event;
  event.sequence = sequence;
  event.type = type;
  event.referral_id = "demo-0000000001";
  event.actor = actor;
  event.time = absl::FromUnixSeconds(1764115200) +
               absl::Minutes(static_cast<int64_t>(sequence));
  event.from_state = from;
  event.to_state = to;
  if (signed_step) event.step_signature = client::StepSignature();
  return event;
}

// The words of a line, split on runs of spaces.
std::vector<std::string> Words(absl::string_view line) {
  return absl::StrSplit(line, ' ', absl::SkipEmpty());
}

// What `show --verify-signatures` adds after the referral: the steps, each
// marked, then what the signatures proved and who signed.
TEST(ReferralStepsTextTest, MarksEachStepThenSumsUpTheSignatures) {
  std::vector<client::Event> events = {
      Step(3, EventType::kSubmitted, ReferralState::kUnspecified,
           ReferralState::kSubmitted, "inspection-office", true),
      Step(4, EventType::kDelivered, ReferralState::kSubmitted,
           ReferralState::kDelivered, kHubActor, false),
      Step(7, EventType::kAccepted, ReferralState::kDelivered,
           ReferralState::kAccepted, "discipline-commission", true),
      Step(9, EventType::kReminded, ReferralState::kUnspecified,
           ReferralState::kUnspecified, "inspection-office", false)};
  events[3].reason = "请加快办理";
  VerifiedSignatures signatures;
  signatures.signed_steps = {
      SignedStep{3, kInspectionUri, "ecdsa-sha256", true},
      SignedStep{7, kCommissionUri, "sm2-sm3", true}};
  signatures.signed_by_algorithm = {{"ecdsa-sha256", 1}, {"sm2-sm3", 1}};
  signatures.unsigned_agency_steps = 1;

  const std::string text = ReferralStepsText(events, signatures);
  const std::vector<std::string> lines = absl::StrSplit(text, '\n');
  ASSERT_EQ(lines.size(), 11u) << text;
  EXPECT_EQ(lines[0], "") << "a section of its own after the referral";
  EXPECT_EQ(lines[1], "Steps (4 events)");
  // Every step is the referral's: no REFERRAL column.
  EXPECT_EQ(Words(lines[2]),
            (std::vector<std::string>{"SEQ", "TIME", "EVENT", "STATE", "ACTOR",
                                      "SIGNED", "DETAIL"}));
  EXPECT_TRUE(absl::StartsWith(lines[3], "  3  ")) << lines[3];
  EXPECT_EQ(
      Words(lines[3]),
      (std::vector<std::string>{"3", "2025-11-26T00:03:00Z", "submitted",
                                "submitted", "inspection-office", "verified"}));
  // The hub's own step is neither signed nor unsigned.
  EXPECT_EQ(Words(lines[4]),
            (std::vector<std::string>{"4", "2025-11-26T00:04:00Z", "delivered",
                                      "submitted", "→", "delivered", "hub"}));
  EXPECT_EQ(Words(lines[5]),
            (std::vector<std::string>{"7", "2025-11-26T00:07:00Z", "accepted",
                                      "delivered", "→", "accepted",
                                      "discipline-commission", "verified"}));
  EXPECT_EQ(Words(lines[6]), (std::vector<std::string>{
                                 "9", "2025-11-26T00:09:00Z", "reminded",
                                 "inspection-office", "no", "请加快办理"}));
  EXPECT_EQ(lines[7],
            "  step signatures: 2 signed steps verified with the signing CA "
            "(ecdsa-sha256, sm2-sm3), 1 agency step unsigned");
  // Each signer once, in the order of its first step.
  EXPECT_EQ(lines[8], absl::StrCat("  signed by ", kInspectionUri, ": 1 step"));
  EXPECT_EQ(lines[9], absl::StrCat("  signed by ", kCommissionUri, ": 1 step"));
  EXPECT_EQ(lines[10], "");

  // The auditors' event table keeps its REFERRAL column.
  EXPECT_TRUE(absl::StrContains(EventTableText(events), "REFERRAL"));
}

TEST(ReferralStepsTextTest, SaysSoWhenNoStepIsSigned) {
  const std::vector<client::Event> events = {
      Step(1, EventType::kSubmitted, ReferralState::kUnspecified,
           ReferralState::kSubmitted, "inspection-office", false)};
  VerifiedSignatures signatures;
  signatures.unsigned_agency_steps = 1;

  const std::string text = ReferralStepsText(events, signatures);
  const std::vector<std::string> lines = absl::StrSplit(text, '\n');
  ASSERT_EQ(lines.size(), 6u) << text;
  EXPECT_EQ(lines[1], "Steps (1 event)");
  EXPECT_EQ(Words(lines[3]).back(), "no") << lines[3];
  EXPECT_EQ(lines[4],
            "  step signatures: no signed steps, 1 agency step unsigned");
  EXPECT_FALSE(absl::StrContains(text, "signed by")) << text;
}

}  // namespace
}  // namespace sx::sxctl
