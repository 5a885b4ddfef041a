#include "sx/core/working_day_calendar.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace sx::core {
namespace {

namespace v1 = ::supervision::v1;

absl::TimeZone China() { return absl::FixedTimeZone(8 * 60 * 60); }

// An instant given as China time.
absl::Time At(int year, int month, int day, int hour = 0, int minute = 0) {
  return absl::FromCivil(absl::CivilSecond(year, month, day, hour, minute, 0),
                         China());
}

void AddYear(v1::WorkingDayCalendar& config, int year,
             const std::vector<std::string>& holidays,
             const std::vector<std::string>& working_weekend_days) {
  v1::CalendarYear* entry = config.add_years();
  entry->set_year(year);
  for (const std::string& day : holidays) entry->add_holidays(day);
  for (const std::string& day : working_weekend_days) {
    entry->add_working_weekend_days(day);
  }
}

// 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04, 新华社):
//   元旦 01-01..01-03, 01-04 (Sun) worked;
//   春节 02-15..02-23, 02-14 (Sat) and 02-28 (Sat) worked;
//   清明 04-04..04-06; 劳动节 05-01..05-05, 05-09 (Sat) worked;
//   端午 06-19..06-21; 中秋 09-25..09-27;
//   国庆 10-01..10-07, 09-20 (Sun) and 10-10 (Sat) worked.
v1::WorkingDayCalendar Official2026() {
  v1::WorkingDayCalendar config;
  AddYear(config, 2026, {"2026-01-01", "2026-01-02", "2026-01-03",  // 元旦
                         "2026-02-15", "2026-02-16", "2026-02-17", "2026-02-18",
                         "2026-02-19", "2026-02-20", "2026-02-21", "2026-02-22",
                         "2026-02-23",                              // 春节
                         "2026-04-04", "2026-04-05", "2026-04-06",  // 清明
                         "2026-05-01", "2026-05-02", "2026-05-03", "2026-05-04",
                         "2026-05-05",                              // 劳动节
                         "2026-06-19", "2026-06-20", "2026-06-21",  // 端午
                         "2026-09-25", "2026-09-26", "2026-09-27",  // 中秋
                         "2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04",
                         "2026-10-05", "2026-10-06", "2026-10-07"},  // 国庆
          {"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20",
           "2026-10-10"});
  return config;
}

WorkingDayCalendar Calendar2026() {
  absl::StatusOr<WorkingDayCalendar> calendar =
      WorkingDayCalendar::FromConfig(Official2026());
  EXPECT_TRUE(calendar.ok()) << calendar.status();
  return calendar.ok() ? *calendar : WorkingDayCalendar();
}

TEST(WorkingDayCalendarTest, OfficialCalendarLoads) {
  absl::StatusOr<WorkingDayCalendar> calendar =
      WorkingDayCalendar::FromConfig(Official2026());
  ASSERT_TRUE(calendar.ok()) << calendar.status();
  EXPECT_TRUE(calendar->Covers(2026));
  EXPECT_FALSE(calendar->Covers(2025));
  EXPECT_FALSE(calendar->Covers(2027));
}

TEST(WorkingDayCalendarTest, WeekendsWorkedInExchangeAreWorkingDays) {
  const WorkingDayCalendar calendar = Calendar2026();
  for (absl::CivilDay day :
       {absl::CivilDay(2026, 1, 4), absl::CivilDay(2026, 2, 14),
        absl::CivilDay(2026, 2, 28), absl::CivilDay(2026, 5, 9),
        absl::CivilDay(2026, 9, 20), absl::CivilDay(2026, 10, 10)}) {
    ASSERT_TRUE(absl::GetWeekday(day) == absl::Weekday::saturday ||
                absl::GetWeekday(day) == absl::Weekday::sunday)
        << day;
    EXPECT_TRUE(calendar.IsWorkingDay(day)) << day;
  }
  // The Saturday before, not worked.
  EXPECT_FALSE(calendar.IsWorkingDay(absl::CivilDay(2026, 2, 7)));
}

TEST(WorkingDayCalendarTest, HolidaysOnWeekdaysAreDaysOff) {
  const WorkingDayCalendar calendar = Calendar2026();
  // Monday of the Spring Festival, the Thursday of 元旦, the Tuesday of
  // 劳动节, the Wednesday of 国庆.
  for (absl::CivilDay day :
       {absl::CivilDay(2026, 2, 16), absl::CivilDay(2026, 1, 1),
        absl::CivilDay(2026, 5, 5), absl::CivilDay(2026, 10, 7)}) {
    ASSERT_NE(absl::GetWeekday(day), absl::Weekday::saturday) << day;
    ASSERT_NE(absl::GetWeekday(day), absl::Weekday::sunday) << day;
    EXPECT_FALSE(calendar.IsWorkingDay(day)) << day;
  }
  // Holidays on a weekend stay days off.
  EXPECT_FALSE(calendar.IsWorkingDay(absl::CivilDay(2026, 2, 21)));
  // Around them, ordinary weekdays.
  EXPECT_TRUE(calendar.IsWorkingDay(absl::CivilDay(2026, 2, 13)));
  EXPECT_TRUE(calendar.IsWorkingDay(absl::CivilDay(2026, 2, 24)));
  EXPECT_TRUE(calendar.IsWorkingDay(absl::CivilDay(2026, 10, 8)));
}

TEST(WorkingDayCalendarTest, Has248WorkingDaysIn2026) {
  // 261 weekdays, 19 of them holidays, 6 weekend days worked: 248, which is
  // also 365 days less 104 weekend days and the 13 statutory holidays.
  const WorkingDayCalendar calendar = Calendar2026();
  int working = 0;
  for (absl::CivilDay day(2026, 1, 1); day < absl::CivilDay(2027, 1, 1);
       ++day) {
    if (calendar.IsWorkingDay(day)) ++working;
  }
  EXPECT_EQ(working, 248);
  EXPECT_EQ(calendar.WorkingDaysLeft(At(2025, 12, 31, 12), At(2027, 1, 1)),
            248);
}

TEST(WorkingDayCalendarTest, UnlistedYearsAreMondayToFriday) {
  const WorkingDayCalendar calendar = Calendar2026();
  EXPECT_FALSE(calendar.Covers(2027));
  // 2027-01-01 is a Friday and will be 元旦, but no 2027 is listed.
  EXPECT_TRUE(calendar.IsWorkingDay(absl::CivilDay(2027, 1, 1)));
  EXPECT_FALSE(calendar.IsWorkingDay(absl::CivilDay(2027, 1, 2)));
  EXPECT_FALSE(calendar.IsWorkingDay(absl::CivilDay(2027, 1, 3)));
  EXPECT_TRUE(calendar.IsWorkingDay(absl::CivilDay(2027, 1, 4)));
  // 2025-10-01 was a holiday; 2025 is not listed either.
  EXPECT_TRUE(calendar.IsWorkingDay(absl::CivilDay(2025, 10, 1)));

  const WorkingDayCalendar plain;
  EXPECT_FALSE(plain.Covers(2026));
  EXPECT_FALSE(plain.IsWorkingDay(absl::CivilDay(2026, 2, 14)));
  EXPECT_TRUE(plain.IsWorkingDay(absl::CivilDay(2026, 2, 16)));
  // Thu 2026-02-12 + 5 weekdays: 13, 16, 17, 18, 19.
  EXPECT_EQ(plain.AddWorkingDays(At(2026, 2, 12, 10), 5), At(2026, 2, 20));
}

TEST(WorkingDayCalendarTest, DeadlineAcrossSpringFestivalAndWorkedSaturday) {
  const WorkingDayCalendar calendar = Calendar2026();
  // From Thu 02-12: Fri 02-13 (1), Sat 02-14 worked (2), 02-15..02-23 off,
  // Tue 02-24 (3), Wed 02-25 (4), Thu 02-26 (5): due at the end of 02-26.
  const absl::Time due = calendar.AddWorkingDays(At(2026, 2, 12, 10, 30), 5);
  EXPECT_EQ(due, At(2026, 2, 27));
  EXPECT_EQ(due, absl::FromCivil(absl::CivilSecond(2026, 2, 26, 16, 0, 0),
                                 absl::UTCTimeZone()));
  // Any time of the start day gives the same deadline.
  EXPECT_EQ(calendar.AddWorkingDays(At(2026, 2, 12), 5), At(2026, 2, 27));
  EXPECT_EQ(calendar.AddWorkingDays(At(2026, 2, 12, 23, 59), 5),
            At(2026, 2, 27));
  // Further on: Fri 02-27 (6), Sat 02-28 worked (7), Mon 03-02 (8).
  EXPECT_EQ(calendar.AddWorkingDays(At(2026, 2, 12, 10), 7), At(2026, 3, 1));
  EXPECT_EQ(calendar.AddWorkingDays(At(2026, 2, 12, 10), 8), At(2026, 3, 3));
}

TEST(WorkingDayCalendarTest, StartDayNeverCounts) {
  const WorkingDayCalendar calendar = Calendar2026();
  // Started on a holiday Monday: the next working day is 02-24.
  EXPECT_EQ(calendar.AddWorkingDays(At(2026, 2, 16, 9), 1), At(2026, 2, 25));
  // Started on the worked Saturday 02-28: it is day 0, Monday 03-02 day 1.
  EXPECT_EQ(calendar.AddWorkingDays(At(2026, 2, 28, 9), 1), At(2026, 3, 3));
  // Friday evening and Saturday (not worked) both end on Monday.
  EXPECT_EQ(calendar.AddWorkingDays(At(2026, 3, 6, 22), 1), At(2026, 3, 10));
  EXPECT_EQ(calendar.AddWorkingDays(At(2026, 3, 7, 9), 1), At(2026, 3, 10));
  // Before 国庆: Wed 09-30, then 10-01..10-07 off, Thu 10-08 (1), Fri
  // 10-09 (2), Sat 10-10 worked (3).
  EXPECT_EQ(calendar.AddWorkingDays(At(2026, 9, 30, 9), 1), At(2026, 10, 9));
  EXPECT_EQ(calendar.AddWorkingDays(At(2026, 9, 30, 9), 3), At(2026, 10, 11));
}

TEST(WorkingDayCalendarTest, DaysAreChinaTimeWhereverTheHubRuns) {
  const WorkingDayCalendar calendar = Calendar2026();
  // 2026-02-12 16:30 UTC is 02-13 00:30 in China: day 0 is Friday 02-13,
  // day 1 the worked Saturday 02-14.
  const absl::Time start = absl::FromCivil(
      absl::CivilSecond(2026, 2, 12, 16, 30, 0), absl::UTCTimeZone());
  EXPECT_EQ(calendar.AddWorkingDays(start, 1), At(2026, 2, 15));
  EXPECT_EQ(calendar.AddCalendarDays(start, 1), At(2026, 2, 15));
}

TEST(WorkingDayCalendarTest, DeadlineIntoAnUnlistedYear) {
  const WorkingDayCalendar calendar = Calendar2026();
  // Wed 2026-12-30: Thu 12-31 (1), Fri 2027-01-01 (2, unlisted), Mon 01-04.
  EXPECT_EQ(calendar.AddWorkingDays(At(2026, 12, 30, 9), 3), At(2027, 1, 5));
}

TEST(WorkingDayCalendarTest, FewerThanOneDayIsTheEndOfTheStartDay) {
  const WorkingDayCalendar calendar = Calendar2026();
  EXPECT_EQ(calendar.AddWorkingDays(At(2026, 2, 16, 9), 0), At(2026, 2, 17));
  EXPECT_EQ(calendar.AddWorkingDays(At(2026, 2, 16, 9), -3), At(2026, 2, 17));
  EXPECT_EQ(calendar.AddCalendarDays(At(2026, 2, 16, 9), 0), At(2026, 2, 17));
  EXPECT_EQ(calendar.AddCalendarDays(At(2026, 2, 16, 9), -3), At(2026, 2, 17));
}

TEST(WorkingDayCalendarTest, AddCalendarDaysEndsAtADayBoundary) {
  const WorkingDayCalendar calendar = Calendar2026();
  // Holidays do not matter: 15 days from 02-12 is the end of 02-27.
  EXPECT_EQ(calendar.AddCalendarDays(At(2026, 2, 12, 10, 30), 15),
            At(2026, 2, 28));
  EXPECT_EQ(calendar.AddCalendarDays(At(2026, 2, 12, 23, 59), 15),
            At(2026, 2, 28));
  // Midnight starts the next day.
  EXPECT_EQ(calendar.AddCalendarDays(At(2026, 2, 13), 15), At(2026, 3, 1));
  EXPECT_EQ(calendar.AddCalendarDays(At(2026, 12, 31, 8), 1), At(2027, 1, 2));
  EXPECT_EQ(calendar.AddCalendarDays(At(2026, 2, 12, 10), 60), At(2026, 4, 14));
}

TEST(WorkingDayCalendarTest, WorkingDaysLeftBeforeADeadline) {
  const WorkingDayCalendar calendar = Calendar2026();
  const absl::Time due = At(2026, 2, 27);  // 5 working days from 02-12
  // Today never counts: 02-13, 02-14, 02-24, 02-25, 02-26.
  EXPECT_EQ(calendar.WorkingDaysLeft(At(2026, 2, 12, 10), due), 5);
  EXPECT_EQ(calendar.WorkingDaysLeft(At(2026, 2, 12, 23, 59), due), 5);
  // 02-14, 02-24, 02-25, 02-26.
  EXPECT_EQ(calendar.WorkingDaysLeft(At(2026, 2, 13), due), 4);
  // On a holiday: 02-24, 02-25, 02-26.
  EXPECT_EQ(calendar.WorkingDaysLeft(At(2026, 2, 18, 9), due), 3);
  EXPECT_EQ(calendar.WorkingDaysLeft(At(2026, 2, 23, 23), due), 3);
  EXPECT_EQ(calendar.WorkingDaysLeft(At(2026, 2, 24, 9), due), 2);
  // Only today remains.
  EXPECT_EQ(calendar.WorkingDaysLeft(At(2026, 2, 26, 9), due), 0);
  // Due, and past due.
  EXPECT_EQ(calendar.WorkingDaysLeft(due, due), 0);
  EXPECT_EQ(calendar.WorkingDaysLeft(At(2026, 3, 2, 9), due), 0);
}

// When a staged warning falls due: 2 working days left from 02-24 (the
// holiday before it leaves 3), 5 from 02-12.
TEST(WorkingDayCalendarTest, WhenWorkingDaysLeftAcrossSpringFestival) {
  const WorkingDayCalendar calendar = Calendar2026();
  const absl::Time due = At(2026, 2, 27);
  EXPECT_EQ(calendar.WhenWorkingDaysLeft(due, 0), At(2026, 2, 26));
  EXPECT_EQ(calendar.WhenWorkingDaysLeft(due, 2), At(2026, 2, 24));
  EXPECT_EQ(calendar.WhenWorkingDaysLeft(due, 3), At(2026, 2, 14));
  EXPECT_EQ(calendar.WhenWorkingDaysLeft(due, 5), At(2026, 2, 12));
  // A deadline in the middle of a day counts the days before that one.
  EXPECT_EQ(calendar.WhenWorkingDaysLeft(At(2026, 2, 26, 15), 2),
            At(2026, 2, 14));
}

// It is the first moment WorkingDaysLeft says so, whatever the deadline.
TEST(WorkingDayCalendarTest, WhenWorkingDaysLeftIsTheFirstSuchMoment) {
  const WorkingDayCalendar calendar = Calendar2026();
  for (absl::CivilDay day(2026, 1, 10); day < absl::CivilDay(2026, 11, 1);
       ++day) {
    const absl::Time due = absl::FromCivil(day, China());
    for (int left = 0; left <= 6; ++left) {
      const absl::Time when = calendar.WhenWorkingDaysLeft(due, left);
      ASSERT_LE(calendar.WorkingDaysLeft(when, due), left)
          << day << " " << left;
      ASSERT_GT(calendar.WorkingDaysLeft(when - absl::Seconds(1), due), left)
          << day << " " << left;
    }
  }
}

TEST(WorkingDayCalendarTest, WorkingDaysLeftCountsOnlyWholeDays) {
  const WorkingDayCalendar calendar = Calendar2026();
  // Due at 15:00 on 02-26: 02-26 is not whole before it.
  EXPECT_EQ(calendar.WorkingDaysLeft(At(2026, 2, 12, 10), At(2026, 2, 26, 15)),
            4);
  // Due later the same day, or at midnight tonight: nothing whole is left.
  EXPECT_EQ(calendar.WorkingDaysLeft(At(2026, 2, 12, 10), At(2026, 2, 12, 18)),
            0);
  EXPECT_EQ(calendar.WorkingDaysLeft(At(2026, 2, 12, 10), At(2026, 2, 13)), 0);
  // Across 国庆: after Wed 09-30 up to 10-10, 10-08, 10-09 and the worked
  // Saturday 10-10.
  EXPECT_EQ(calendar.WorkingDaysLeft(At(2026, 9, 30, 9), At(2026, 10, 11)), 3);
}

TEST(WorkingDayCalendarTest, WorkingDaysLeftUndoesAddWorkingDays) {
  const WorkingDayCalendar calendar = Calendar2026();
  for (absl::CivilDay day(2025, 12, 20); day < absl::CivilDay(2027, 1, 10);
       ++day) {
    const absl::Time start = absl::FromCivil(
        absl::CivilHour(day.year(), day.month(), day.day(), 14), China());
    for (int days = 1; days <= 25; ++days) {
      const absl::Time due = calendar.AddWorkingDays(start, days);
      ASSERT_EQ(calendar.WorkingDaysLeft(start, due), days)
          << "from " << day << ", " << days << " working days";
      // The last day counted is a working day, and the deadline its end.
      const absl::CivilDay last = absl::ToCivilDay(due, China()) - 1;
      ASSERT_TRUE(calendar.IsWorkingDay(last)) << last;
      ASSERT_EQ(due, absl::FromCivil(last + 1, China()));
    }
  }
}

TEST(WorkingDayCalendarTest, WorkingDaysLeftMatchesCountingDayByDay) {
  const WorkingDayCalendar calendar = Calendar2026();
  // Listed and unlisted years, weekends before and after the Monday the
  // count is anchored to.
  const absl::CivilDay first(2025, 11, 1);
  const absl::CivilDay end(2027, 3, 1);
  std::vector<int> working_before = {0};
  for (absl::CivilDay day = first; day < end; ++day) {
    working_before.push_back(working_before.back() +
                             (calendar.IsWorkingDay(day) ? 1 : 0));
  }
  for (absl::CivilDay from = first; from < end; ++from) {
    for (absl::CivilDay to = from; to <= end; to += 3) {
      // Working days after `from` up to the day before `to`.
      const int expected = to - from > 1 ? working_before[to - first] -
                                               working_before[from - first + 1]
                                         : 0;
      ASSERT_EQ(calendar.WorkingDaysLeft(absl::FromCivil(from, China()),
                                         absl::FromCivil(to, China())),
                expected)
          << from << " to " << to;
    }
  }
  // Far from the anchor, both ways.
  const WorkingDayCalendar plain;
  EXPECT_EQ(plain.WorkingDaysLeft(At(1990, 1, 1), At(1990, 1, 15)), 9);
  EXPECT_EQ(plain.WorkingDaysLeft(At(2190, 1, 1), At(2190, 1, 15)), 9);
}

// Validation: every message names the field to fix.

absl::Status LoadError(const v1::WorkingDayCalendar& config) {
  absl::StatusOr<WorkingDayCalendar> calendar =
      WorkingDayCalendar::FromConfig(config);
  if (calendar.ok()) return absl::OkStatus();
  EXPECT_EQ(calendar.status().code(), absl::StatusCode::kInvalidArgument);
  return calendar.status();
}

TEST(WorkingDayCalendarTest, RejectsAYearListedTwice) {
  v1::WorkingDayCalendar config = Official2026();
  AddYear(config, 2027, {"2027-01-01"}, {});
  AddYear(config, 2026, {"2026-12-31"}, {});
  EXPECT_EQ(LoadError(config).message(),
            "calendar.years: year 2026 is listed twice; list each year once");
}

TEST(WorkingDayCalendarTest, RejectsYearsOutOfRange) {
  for (int year : {1999, 2101, 226, 20266}) {
    v1::WorkingDayCalendar config;
    AddYear(config, year, {}, {});
    EXPECT_EQ(
        LoadError(config).message(),
        absl::StrCat("calendar.years: year ", year, " is outside 2000..2100"));
  }
  v1::WorkingDayCalendar missing;
  AddYear(missing, 0, {"2026-01-01"}, {});
  EXPECT_EQ(LoadError(missing).message(),
            "calendar.years: an entry has no year (e.g. year: 2026)");
  // The bounds themselves are fine.
  v1::WorkingDayCalendar bounds;
  AddYear(bounds, 2000, {}, {});
  AddYear(bounds, 2100, {}, {});
  EXPECT_TRUE(LoadError(bounds).ok());
}

TEST(WorkingDayCalendarTest, RejectsDatesNotWrittenYYYYMMDD) {
  for (const char* text :
       {"2026-2-16", "2026/02/16", "20260216", "", "2026-02-16 ", "2026-0a-16",
        "+026-02-16", "2026-02-30", "2026-13-01", "2026-00-10", "2026-04-31"}) {
    v1::WorkingDayCalendar config;
    AddYear(config, 2026, {"2026-02-15", text}, {});
    EXPECT_EQ(LoadError(config).message(),
              absl::StrCat("calendar.years[2026].holidays: \"", text,
                           "\" is not a date in the form YYYY-MM-DD (e.g. "
                           "\"2026-10-01\")"))
        << text;
  }
  v1::WorkingDayCalendar config;
  AddYear(config, 2026, {}, {"2026-2-14"});
  EXPECT_EQ(LoadError(config).message(),
            "calendar.years[2026].working_weekend_days: \"2026-2-14\" is not "
            "a date in the form YYYY-MM-DD (e.g. \"2026-10-01\")");
}

TEST(WorkingDayCalendarTest, RejectsDatesOutsideTheirYear) {
  v1::WorkingDayCalendar config;
  AddYear(config, 2026, {"2025-12-31"}, {});
  EXPECT_EQ(LoadError(config).message(),
            "calendar.years[2026].holidays: 2025-12-31 is not in 2026");

  v1::WorkingDayCalendar worked;
  AddYear(worked, 2026, {}, {"2027-01-02"});
  EXPECT_EQ(LoadError(worked).message(),
            "calendar.years[2026].working_weekend_days: 2027-01-02 is not in "
            "2026");
}

TEST(WorkingDayCalendarTest, RejectsAWeekdayAsAWorkingWeekendDay) {
  v1::WorkingDayCalendar config;
  AddYear(config, 2026, {}, {"2026-02-14", "2026-02-16"});
  EXPECT_EQ(LoadError(config).message(),
            "calendar.years[2026].working_weekend_days: 2026-02-16 is a "
            "Monday, not a weekend day");

  v1::WorkingDayCalendar friday;
  AddYear(friday, 2026, {}, {"2026-10-09"});
  EXPECT_EQ(LoadError(friday).message(),
            "calendar.years[2026].working_weekend_days: 2026-10-09 is a "
            "Friday, not a weekend day");
}

TEST(WorkingDayCalendarTest, RejectsADateListedTwice) {
  v1::WorkingDayCalendar holidays;
  AddYear(holidays, 2026, {"2026-02-16", "2026-02-17", "2026-02-16"}, {});
  EXPECT_EQ(LoadError(holidays).message(),
            "calendar.years[2026].holidays: 2026-02-16 is listed twice");

  v1::WorkingDayCalendar worked;
  AddYear(worked, 2026, {}, {"2026-02-28", "2026-02-28"});
  EXPECT_EQ(LoadError(worked).message(),
            "calendar.years[2026].working_weekend_days: 2026-02-28 is listed "
            "twice");
}

TEST(WorkingDayCalendarTest, RejectsADateInBothLists) {
  v1::WorkingDayCalendar config;
  AddYear(config, 2026, {"2026-02-14", "2026-02-15"}, {"2026-02-14"});
  EXPECT_EQ(LoadError(config).message(),
            "calendar.years[2026].working_weekend_days: 2026-02-14 is also "
            "listed in holidays; a day is either off or worked");
}

TEST(WorkingDayCalendarTest, AnEmptyConfigIsMondayToFriday) {
  absl::StatusOr<WorkingDayCalendar> calendar =
      WorkingDayCalendar::FromConfig(v1::WorkingDayCalendar());
  ASSERT_TRUE(calendar.ok()) << calendar.status();
  EXPECT_FALSE(calendar->Covers(2026));
  EXPECT_TRUE(calendar->IsWorkingDay(absl::CivilDay(2026, 2, 16)));
  EXPECT_FALSE(calendar->IsWorkingDay(absl::CivilDay(2026, 2, 14)));
}

}  // namespace
}  // namespace sx::core
