#include "client_sdk/sxctl/statistics_json.h"

#include <string>

#include "absl/strings/match.h"
#include "client_sdk/sxctl/json_writer.h"
#include "gtest/gtest.h"

namespace sx::sxctl {
namespace {

// `stats --json` for programs that make their own reports: the reminders
// by level (督办, 挂牌督办), the hub's warnings (预警) and 交办 under the
// contract's names, after the figures before them, on both sides and in
// the totals.
TEST(StatisticsJsonTest, SupervisionWarningsAndDelegationAreWritten) {
  client::Statistics statistics;
  statistics.from_date = "2026-01-01";
  statistics.to_date = "2026-03-31";
  client::UnitFigures commission;
  commission.agency_id = "discipline-commission";
  commission.display_name = "市纪委监委";
  commission.as_sender.delegated = 3;
  commission.as_recipient.feedback_rejected = 7;
  commission.as_recipient.supervised = 4;
  commission.as_recipient.listed_supervision = 1;
  commission.as_recipient.blue_warnings = 12;
  commission.as_recipient.yellow_warnings = 5;
  commission.as_recipient.delegated = 2;
  statistics.units = {commission};
  statistics.totals.listed_supervision = 1;
  JsonWriter json(JsonWriter::Style::kCompact);
  WriteStatisticsJson(statistics, json);
  const std::string& text = json.text();
  EXPECT_TRUE(absl::StrContains(text, "\"as_recipient\":{\"referrals\":0,"))
      << text;
  EXPECT_TRUE(absl::StrContains(
      text,
      "\"feedback_rejected\":7,\"supervised\":4,\"listed_supervision\":1,"
      "\"blue_warnings\":12,\"yellow_warnings\":5,\"delegated\":2,"
      "\"report_overdue\":0}"))
      << text;
  EXPECT_TRUE(absl::StrContains(
      text,
      "\"feedback_rejected\":0,\"supervised\":0,\"listed_supervision\":0,"
      "\"blue_warnings\":0,\"yellow_warnings\":0,\"delegated\":3,"
      "\"report_overdue\":0},"
      "\"as_recipient\""))
      << "the delegating side as sender of the child: " << text;
  EXPECT_TRUE(absl::StrContains(text, "\"totals\":{\"referrals\":0,")) << text;
  EXPECT_TRUE(absl::EndsWith(
      text,
      "\"supervised\":0,\"listed_supervision\":1,\"blue_warnings\":0,"
      "\"yellow_warnings\":0,\"delegated\":0,\"report_overdue\":0}}"))
      << text;
}

}  // namespace
}  // namespace sx::sxctl
