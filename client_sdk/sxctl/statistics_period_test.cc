#include "client_sdk/sxctl/statistics_period.h"

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace sx::sxctl {
namespace {

// An invocation of `stats` with these options, as the parser leaves it.
Invocation With(std::vector<std::pair<std::string, std::string>> options) {
  Invocation invocation;
  for (auto& [name, value] : options) {
    invocation.values[name].push_back(std::move(value));
  }
  return invocation;
}

// "2026-01-01 .. 2026-03-31", or the usage error.
std::string PeriodOf(std::vector<std::pair<std::string, std::string>> options) {
  absl::StatusOr<StatisticsPeriod> period =
      PeriodFromOptions(With(std::move(options)));
  if (!period.ok()) {
    EXPECT_TRUE(IsUsageError(period.status())) << period.status();
    return std::string(period.status().message());
  }
  return FormatDay(period->first) + " .. " + FormatDay(period->last);
}

TEST(StatisticsPeriodTest, MonthsQuartersAndYearsCoverWholeDays) {
  EXPECT_EQ(PeriodOf({{"month", "2026-03"}}), "2026-03-01 .. 2026-03-31");
  EXPECT_EQ(PeriodOf({{"month", "2028-02"}}), "2028-02-01 .. 2028-02-29")
      << "a leap year";
  EXPECT_EQ(PeriodOf({{"quarter", "2026-Q1"}}), "2026-01-01 .. 2026-03-31");
  EXPECT_EQ(PeriodOf({{"quarter", "2026-q4"}}), "2026-10-01 .. 2026-12-31");
  EXPECT_EQ(PeriodOf({{"quarter", "2026-Q2"}}), "2026-04-01 .. 2026-06-30");
  EXPECT_EQ(PeriodOf({{"year", "2026"}}), "2026-01-01 .. 2026-12-31");
  EXPECT_EQ(PeriodOf({{"from", "2026-01-15"}, {"to", "2026-01-15"}}),
            "2026-01-15 .. 2026-01-15")
      << "one day";
}

TEST(StatisticsPeriodTest, ExactlyOneWay) {
  EXPECT_EQ(PeriodOf({}),
            "name the period: --from DAY --to DAY, --month YYYY-MM, "
            "--quarter YYYY-QN or --year YYYY");
  EXPECT_EQ(PeriodOf({{"month", "2026-03"}, {"year", "2026"}}),
            "name the period one way only: --from DAY --to DAY, --month "
            "YYYY-MM, --quarter YYYY-QN or --year YYYY");
  EXPECT_EQ(PeriodOf({{"from", "2026-01-01"},
                      {"to", "2026-03-31"},
                      {"quarter", "2026-Q1"}}),
            "name the period one way only: --from DAY --to DAY, --month "
            "YYYY-MM, --quarter YYYY-QN or --year YYYY");
  EXPECT_EQ(PeriodOf({{"from", "2026-01-01"}}),
            "--from and --to go together: the first and the last day of the "
            "period");
  EXPECT_EQ(PeriodOf({{"to", "2026-01-01"}}),
            "--from and --to go together: the first and the last day of the "
            "period");
}

TEST(StatisticsPeriodTest, RefusesWhatIsNotADayMonthQuarterOrYear) {
  EXPECT_EQ(PeriodOf({{"from", "2026-02-30"}, {"to", "2026-03-31"}}),
            "--from '2026-02-30' is not a day such as 2026-01-01");
  EXPECT_EQ(PeriodOf({{"from", "2026-01-01"}, {"to", "2026-3-31"}}),
            "--to '2026-3-31' is not a day such as 2026-03-31");
  EXPECT_EQ(PeriodOf({{"from", "2026-03-31"}, {"to", "2026-01-01"}}),
            "--to 2026-01-01 is before --from 2026-03-31; both days are "
            "included");
  EXPECT_EQ(PeriodOf({{"month", "2026-13"}}),
            "--month '2026-13' is not a month such as 2026-03");
  EXPECT_EQ(PeriodOf({{"month", "2026-3"}}),
            "--month '2026-3' is not a month such as 2026-03");
  EXPECT_EQ(PeriodOf({{"quarter", "2026-Q5"}}),
            "--quarter '2026-Q5' is not a quarter such as 2026-Q1");
  EXPECT_EQ(PeriodOf({{"quarter", "2026Q1"}}),
            "--quarter '2026Q1' is not a quarter such as 2026-Q1");
  EXPECT_EQ(PeriodOf({{"year", "26"}}),
            "--year '26' is not a year such as 2026");
  EXPECT_EQ(PeriodOf({{"year", "+2026"}}),
            "--year '+2026' is not a year such as 2026");
}

}  // namespace
}  // namespace sx::sxctl
