#include "client_sdk/sxctl/admin_json.h"

#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace sx::sxctl {
namespace {

// What an administrator's script reads of a transfer: the warning level (预警)
// beside the overdue flags, as for a referral, and the 交办 links.
TEST(AdminJsonTest, TransfersCarryTheirWarningLevelAndDelegation) {
  client::TransferPage page;
  client::TransferSummary parent;
  parent.referral_id = "demo-0000000012";
  parent.feedback_overdue = true;
  parent.warning_level = client::WarningLevel::kRed;
  parent.version = 9;
  parent.delegation_count = 2;
  client::TransferSummary child;
  child.referral_id = "demo-0000000015";
  child.parent_referral_id = "demo-0000000012";
  child.delegated = true;
  page.transfers = {parent, child};
  JsonWriter json(JsonWriter::Style::kCompact);
  WriteTransferPageJson(page, json);
  const std::string& text = json.text();
  EXPECT_TRUE(absl::StrContains(
      text, "\"feedback_overdue\":true,\"warning_level\":\"red\""))
      << text;
  EXPECT_TRUE(absl::StrContains(
      text, "\"version\":9,\"delegation_count\":2,\"delegated\":false}"))
      << text;
  EXPECT_TRUE(absl::StrContains(
      text, "\"feedback_overdue\":false,\"warning_level\":\"none\""))
      << text;
  EXPECT_TRUE(absl::StrContains(
      text, "\"version\":0,\"delegation_count\":0,\"delegated\":true}"))
      << text;
}

// The 督办 level reminders reached, beside the reminder count; "unspecified"
// for a transfer never reminded.
TEST(AdminJsonTest, TransfersCarryTheirSupervisionLevel) {
  client::TransferPage page;
  client::TransferSummary listed;
  listed.referral_id = "demo-0000000021";
  listed.reminder_count = 2;
  listed.supervision_level = client::SupervisionLevel::kListed;
  client::TransferSummary quiet;
  quiet.referral_id = "demo-0000000022";
  page.transfers = {listed, quiet};
  JsonWriter json(JsonWriter::Style::kCompact);
  WriteTransferPageJson(page, json);
  const std::string& text = json.text();
  EXPECT_TRUE(absl::StrContains(
      text, "\"reminder_count\":2,\"supervision_level\":\"listed\","))
      << text;
  EXPECT_TRUE(absl::StrContains(
      text, "\"reminder_count\":0,\"supervision_level\":\"unspecified\","))
      << text;
  EXPECT_TRUE(absl::StrContains(
      text, "\"report_due_at\":null,\"report_overdue\":false,\"version\""))
      << text;
}

// `admin counts --json`: by_recipient after overdue_open, every figure under
// the contract's name.
TEST(AdminJsonTest, CountsCarryEachRecipientsConditions) {
  client::TransferCounts counts;
  counts.overdue_open = 1;
  counts.by_recipient = {{"organization-dept", 1, 2, 3, 4, 5, 6, 7}};
  JsonWriter json(JsonWriter::Style::kCompact);
  WriteTransferCountsJson(counts, json);
  EXPECT_EQ(json.text(),
            "{\"by_state\":[],\"by_route\":[],\"overdue_open\":1,"
            "\"by_recipient\":[{\"agency_id\":\"organization-dept\","
            "\"overdue\":1,\"blue_warnings\":2,\"yellow_warnings\":3,"
            "\"red_warnings\":4,\"urged\":5,\"supervised\":6,\"listed\":7}]}");
}

// `admin top --json`: the counts with by_recipient, and their totals.
TEST(AdminJsonTest, TopFrameCarriesTheConditionTotals) {
  TopFrame frame;
  frame.counts.by_recipient = {{"organization-dept", 1, 2, 0, 1, 1, 0, 1},
                               {"stationed-housing", 0, 1, 1, 0, 0, 1, 1}};
  JsonWriter json(JsonWriter::Style::kCompact);
  WriteTopFrameJson(frame, json);
  EXPECT_TRUE(absl::StrContains(
      json.text(),
      "\"condition_totals\":{\"overdue\":1,\"blue_warnings\":3,"
      "\"yellow_warnings\":1,\"red_warnings\":1,\"urged\":1,"
      "\"supervised\":1,\"listed\":2},\"events_per_second\":null}"))
      << json.text();
}

}  // namespace
}  // namespace sx::sxctl
