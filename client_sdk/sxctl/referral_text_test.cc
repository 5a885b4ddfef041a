#include "client_sdk/sxctl/referral_text.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "client_sdk/sxctl/deadline_date.h"
#include "client_sdk/sxctl/referral_test_fixtures.h"
#include "gtest/gtest.h"

namespace sx::sxctl {
namespace {

// The land reserve lead of case 1 of docs/CASES.md, sent again after the
// commission returned the first referral (退回后重新移送).
client::Referral SentAgain() {
  client::Referral referral = InspectionLeadToCommission<client::Referral>(
      "demo-0000000009", client::ReferralState::kSubmitted);
  referral.resubmission_of = "demo-0000000007";
  referral.version = 1;
  return referral;
}

TEST(ReferralTextTest, AResubmissionNamesTheReturnedReferral) {
  const std::string text =
      ReferralText(SentAgain(), nullptr, absl::FromUnixSeconds(1764115200));
  const std::vector<std::string> lines = absl::StrSplit(text, '\n');
  bool found = false;
  for (const std::string& line : lines) {
    if (absl::StartsWith(line, "resubmission of")) {
      EXPECT_EQ(line, "resubmission of  demo-0000000007");
      found = true;
    }
  }
  EXPECT_TRUE(found) << text;

  client::Referral fresh = SentAgain();
  fresh.resubmission_of.clear();
  const std::string fresh_text =
      ReferralText(fresh, nullptr, absl::FromUnixSeconds(1764115200));
  EXPECT_FALSE(absl::StrContains(fresh_text, "resubmission")) << fresh_text;
}

const absl::Time kNow = absl::FromUnixSeconds(1764556200);

// The value of the first "label  value" line for `label` (indented or not),
// or "(absent)".
std::string Field(const std::string& text, absl::string_view label) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = absl::StripLeadingAsciiWhitespace(line);
    if (!absl::ConsumePrefix(&line, label) || !absl::StartsWith(line, "  ")) {
      continue;
    }
    return std::string(absl::StripAsciiWhitespace(line));
  }
  return "(absent)";
}

// The lines of `text` after the line `heading`, up to the next blank line.
std::vector<std::string> Section(const std::string& text,
                                 absl::string_view heading) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  std::vector<std::string> section;
  bool in = false;
  for (const std::string& line : lines) {
    if (in && line.empty()) break;
    if (in) section.push_back(line);
    if (line == heading) in = true;
  }
  return section;
}

TEST(ReferralTextTest, KeptPendingShowsItsReviewDatePauseAndEveryDecision) {
  const std::string text = ReferralText(KeptPendingReferral(), nullptr, kNow);
  EXPECT_EQ(Field(text, "state"), "kept_pending");
  // The day as it was typed (sxctl dispose --review-date 2026-06-30).
  absl::Time typed;
  ASSERT_TRUE(ParseDeadline("2026-06-30", &typed));
  EXPECT_EQ(KeptPendingReferral().review_at, typed);
  EXPECT_EQ(Field(text, "review date"), "2026-06-30") << text;
  EXPECT_EQ(Field(text, "paused since"), "2025-11-27T00:00:00Z") << text;
  // The clock is paused: a passed deadline is not overdue while kept pending.
  EXPECT_EQ(Field(text, "feedback due"), "2025-11-26T00:00:00Z") << text;

  const std::vector<std::string> table = Section(text, "Dispositions");
  ASSERT_EQ(table.size(), 3u) << text;
  for (const char* column : {"RECORDED", "METHOD", "HANDLER", "APPROVER",
                             "APPROVAL REF", "REVIEW DATE", "REASON"}) {
    EXPECT_TRUE(absl::StrContains(table[0], column)) << column;
  }
  // Oldest first.
  EXPECT_TRUE(absl::StartsWith(table[1],
                               "  2025-11-26T00:00:00Z  "
                               "preliminary_verification  张明"))
      << table[1];
  EXPECT_TRUE(absl::StartsWith(table[2],
                               "  2025-11-27T00:00:00Z  "
                               "kept_pending"))
      << table[2];
  for (const char* cell :
       {"李华", "组务会纪要第12期", "2026-06-30", "关键证人暂无法联系"}) {
    EXPECT_TRUE(absl::StrContains(table[2], cell)) << cell;
    EXPECT_FALSE(absl::StrContains(table[1], cell)) << cell;
  }

  // None of it for a referral that has none of it.
  const std::string plain = ReferralText(SentAgain(), nullptr, kNow);
  EXPECT_FALSE(absl::StrContains(plain, "Dispositions")) << plain;
  EXPECT_EQ(Field(plain, "review date"), "(absent)");
  EXPECT_EQ(Field(plain, "paused since"), "(absent)");
  EXPECT_FALSE(absl::StrContains(plain, "delegated")) << plain;
}

// 交办: the parent lists its children; a child says it was delegated.
TEST(ReferralTextTest, DelegationShowsChildrenParentAndCitedChildren) {
  client::Referral parent = SentAgain();
  parent.state = client::ReferralState::kFeedbackSent;
  parent.delegated_referral_ids = {"demo-0000000014", "demo-0000000015"};
  client::Feedback feedback;
  feedback.kind = client::FeedbackKind::kFinal;
  feedback.text = "经驻局纪检监察组核实，第2项问题属实";
  feedback.cites_referral_ids = {"demo-0000000014", "demo-0000000015"};
  parent.feedback.push_back(feedback);
  const std::string text = ReferralText(parent, nullptr, kNow);
  EXPECT_EQ(Field(text, "delegated to"), "demo-0000000014, demo-0000000015")
      << text;
  EXPECT_EQ(Field(text, "delegated"), "(absent)") << "not itself delegated";
  EXPECT_EQ(Field(text, "child"), "(absent)") << "not a 转办";
  EXPECT_EQ(Field(text, "cites"), "demo-0000000014, demo-0000000015") << text;

  client::Referral child = SentAgain();
  child.referral_id = "demo-0000000015";
  child.parent_referral_id = "demo-0000000009";
  child.delegated = true;
  const std::string child_text = ReferralText(child, nullptr, kNow);
  EXPECT_EQ(Field(child_text, "parent"), "demo-0000000009");
  EXPECT_TRUE(absl::StartsWith(Field(child_text, "delegated"), "yes"))
      << child_text;

  // What `delegate` prints: the parent, then the child it just made.
  const std::string delegated = DelegatedText(parent, kNow);
  EXPECT_TRUE(absl::StartsWith(delegated, text));
  EXPECT_EQ(delegated.substr(text.size()),
            "\nnew child referral demo-0000000015\n");
  EXPECT_EQ(DelegatedText(child, kNow), child_text) << "no child to name";
}

// 预警: the level given with the agencies' name for it, and the warnings
// still to come; nothing of it before the hub plans any.
TEST(ReferralTextTest, ShowsTheWarningLevelAndTheWarningsToCome) {
  client::Referral referral = WarnedReferral();
  std::string text = ReferralText(referral, nullptr, kNow);
  EXPECT_EQ(Field(text, "warning"), "blue (蓝)") << text;
  EXPECT_EQ(Field(text, "yellow warning at"), "2025-12-29T16:00:00Z") << text;
  EXPECT_EQ(Field(text, "blue warning at"), "(absent)") << "given already";

  // Just accepted: none given yet, both to come.
  referral.warning_level = client::WarningLevel::kNone;
  referral.blue_warning_at = absl::FromUnixSeconds(1766592000);
  text = ReferralText(referral, nullptr, kNow);
  EXPECT_EQ(Field(text, "warning"), "(absent)") << text;
  EXPECT_EQ(Field(text, "blue warning at"), "2025-12-24T16:00:00Z") << text;
  EXPECT_EQ(Field(text, "yellow warning at"), "2025-12-29T16:00:00Z") << text;

  // The yellow one given: none left to come.
  referral = WarnedReferral();
  referral.warning_level = client::WarningLevel::kYellow;
  referral.yellow_warning_at = absl::InfinitePast();
  text = ReferralText(referral, nullptr, kNow);
  EXPECT_EQ(Field(text, "warning"), "yellow (黄)") << text;
  EXPECT_FALSE(absl::StrContains(text, "warning at")) << text;

  // Red: the deadline missed, and overdue.
  referral.warning_level = client::WarningLevel::kRed;
  referral.feedback_overdue = true;
  text = ReferralText(referral, nullptr, absl::FromUnixSeconds(1767200000));
  EXPECT_EQ(Field(text, "warning"), "red (红)") << text;
  EXPECT_EQ(Field(text, "feedback due"), "2025-12-31T16:00:00Z (overdue)");

  const std::string plain = ReferralText(SentAgain(), nullptr, kNow);
  EXPECT_FALSE(absl::StrContains(plain, "warning")) << plain;
}

// 督办 escalated to 挂牌督办 on a delegated child: the highest level, what
// the child was asked to do, and each reminder with its level, oldest first.
TEST(ReferralTextTest, ShowsSupervisionLevelsAndDelegationInstructions) {
  const std::string text =
      ReferralText(ListedDelegatedReferral(), nullptr, kNow);
  EXPECT_EQ(Field(text, "supervision"), "listed (挂牌督办)") << text;
  EXPECT_EQ(Field(text, "instructions"),
            "请对第2项问题开展初步核实并于20日内报告")
      << text;
  const std::vector<std::string> table = Section(text, "Reminders");
  ASSERT_EQ(table.size(), 4u) << text;
  for (const char* column : {"SENT", "FROM", "LEVEL", "TEXT"}) {
    EXPECT_TRUE(absl::StrContains(table[0], column)) << column;
  }
  const std::pair<const char*, const char*> rows[] = {
      {"2025-12-18T00:00:00Z", "urge (催办)"},
      {"2025-12-19T00:00:00Z", "supervise (督办)"},
      {"2025-12-20T00:00:00Z", "listed (挂牌督办)"}};
  for (size_t i = 0; i < 3; ++i) {
    const std::string& row = table[i + 1];
    EXPECT_TRUE(absl::StartsWith(
        row, absl::StrCat("  ", rows[i].first, "  discipline-commission  ",
                          rows[i].second)))
        << row;
  }
  EXPECT_FALSE(absl::StrContains(table[1], "督办")) << "催办 only";
  EXPECT_TRUE(absl::EndsWith(table[3], "  列入挂牌督办，每周报告进展"))
      << table[3];

  const std::string plain = ReferralText(SentAgain(), nullptr, kNow);
  EXPECT_EQ(Field(plain, "supervision"), "(absent)") << "never reminded";
  EXPECT_EQ(Field(plain, "instructions"), "(absent)") << "not delegated";
  EXPECT_FALSE(absl::StrContains(plain, "Reminders")) << plain;
}

// An inbox entry for a reminder: its level is the DETAIL, as the agencies
// name it; an event of no level adds none.
TEST(ReferralTextTest, InboxDetailNamesTheReminderLevel) {
  client::InboxEntry reminded;
  reminded.sequence = 40;
  reminded.event.type = client::EventType::kReminded;
  reminded.event.actor = "discipline-commission";
  reminded.event.supervision_level = client::SupervisionLevel::kSupervise;
  reminded.referral = ListedDelegatedReferral();
  client::InboxEntry listed = reminded;
  listed.sequence = 41;
  listed.event.supervision_level = client::SupervisionLevel::kListed;

  const std::vector<std::string> lines = absl::StrSplit(
      InboxTableText({reminded, listed}), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_TRUE(absl::StrContains(lines[1], "  reminded  ")) << lines[1];
  EXPECT_TRUE(absl::EndsWith(lines[1], "  supervise (督办)")) << lines[1];
  EXPECT_TRUE(absl::EndsWith(lines[2], "  listed (挂牌督办)")) << lines[2];
  EXPECT_TRUE(absl::EndsWith(InboxLineText(reminded), "  supervise (督办)\n"))
      << InboxLineText(reminded);

  reminded.event.supervision_level = client::SupervisionLevel::kUrge;
  EXPECT_EQ(EventDetailText(reminded.event), "urge (催办)");
  EXPECT_EQ(EventDetailText(client::Event{}), "");
}

// The words of a table line: cells hold no run of spaces, so neighbouring
// words of different cells stay neighbours.
std::vector<std::string> Words(absl::string_view line) {
  return absl::StrSplit(line, ' ', absl::SkipEmpty());
}

// `list`: a short WARN column between the feedback deadline and the
// disposition, 蓝/黄/红 or - for none.
TEST(ReferralTextTest, ListShowsTheWarningLevelInItsOwnColumn) {
  client::Referral yellow = WarnedReferral();
  yellow.referral_id = "demo-0000000017";
  yellow.warning_level = client::WarningLevel::kYellow;
  client::Referral red = WarnedReferral();
  red.referral_id = "demo-0000000018";
  red.warning_level = client::WarningLevel::kRed;
  const std::vector<std::string> lines = absl::StrSplit(
      ReferralTableText({WarnedReferral(), yellow, red, SentAgain()}, kNow),
      '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 5u);
  std::vector<std::string> words = Words(lines[0]);
  ASSERT_GE(words.size(), 3u);
  EXPECT_EQ(std::vector<std::string>(words.end() - 3, words.end()),
            (std::vector<std::string>{"DUE", "WARN", "DISPOSITION"}))
      << lines[0];
  const char* const marks[] = {"蓝", "黄", "红"};
  for (int row = 0; row < 3; ++row) {
    words = Words(lines[row + 1]);
    ASSERT_GE(words.size(), 2u);
    EXPECT_EQ(words[words.size() - 2], marks[row]) << lines[row + 1];
    EXPECT_EQ(words.back(), "preliminary_verification") << lines[row + 1];
  }
  // No warning, and no disposition to follow it.
  EXPECT_EQ(Words(lines[4]).back(), "-") << lines[4];
}

// An inbox entry as the hub delivers a deadline warning: its level is the
// DETAIL (the hub's reason only names the level again); the feedback
// overdue that follows is red.
TEST(ReferralTextTest, InboxDetailNamesTheWarningLevel) {
  client::InboxEntry warning = YellowWarningEntry();
  client::InboxEntry overdue = warning;
  overdue.sequence = 32;
  overdue.event.type = client::EventType::kOverdue;
  overdue.event.reason = "feedback";
  overdue.event.warning_level = client::WarningLevel::kRed;
  client::InboxEntry disposed = warning;
  disposed.sequence = 30;
  disposed.event.type = client::EventType::kDispositionRecorded;
  disposed.event.actor = "discipline-commission";
  disposed.event.reason.clear();
  disposed.event.warning_level = client::WarningLevel::kNone;
  disposed.event.disposition =
      client::DispositionMethod::kPreliminaryVerification;

  const std::vector<std::string> lines = absl::StrSplit(
      InboxTableText({disposed, warning, overdue}), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_TRUE(absl::EndsWith(lines[1], "  preliminary_verification"))
      << lines[1];
  EXPECT_TRUE(absl::StrContains(lines[2], "  deadline_warning  ")) << lines[2];
  EXPECT_TRUE(absl::EndsWith(lines[2], "  warning yellow (黄)")) << lines[2];
  EXPECT_TRUE(absl::EndsWith(lines[3], "  warning red (红); feedback"))
      << lines[3];
  EXPECT_TRUE(absl::EndsWith(InboxLineText(warning), "  warning yellow (黄)\n"))
      << InboxLineText(warning);
  EXPECT_EQ(EventDetailText(disposed.event), "preliminary_verification");

  // A reason that says more than the level stays.
  warning.event.reason = "黄色预警";
  EXPECT_EQ(EventDetailText(warning.event), "warning yellow (黄); 黄色预警");
}

}  // namespace
}  // namespace sx::sxctl
