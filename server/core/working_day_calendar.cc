#include "sx/core/working_day_calendar.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

// Wide enough for any calendar the hub will count in; narrow enough that a
// slipped digit (226, 20266) is caught at load rather than listing a year
// no deadline will ever reach.
constexpr uint32_t kFirstYear = 2000;
constexpr uint32_t kLastYear = 2100;

absl::TimeZone ChinaTime() {
  static const absl::TimeZone kChinaTime = absl::FixedTimeZone(8 * 60 * 60);
  return kChinaTime;
}

// The instant a day ends: 00:00 China time of the next day.
absl::Time EndOfDay(absl::CivilDay day) {
  return absl::FromCivil(day + 1, ChinaTime());
}

bool IsWeekend(absl::CivilDay day) {
  const absl::Weekday weekday = absl::GetWeekday(day);
  return weekday == absl::Weekday::saturday || weekday == absl::Weekday::sunday;
}

// The one rule, for IsWorkingDay and for the walk in AddWorkingDays.
bool IsWorkingDayGiven(absl::CivilDay day, bool listed_holiday,
                       bool listed_working_weekend_day) {
  if (listed_working_weekend_day) return true;
  return !listed_holiday && !IsWeekend(day);
}

// Monday to Friday in [kMonday, day), negative before kMonday; any Monday
// does, one far from the dates counted keeps the numbers small.
int64_t WeekdaysBefore(absl::CivilDay day) {
  static const absl::CivilDay kMonday(2000, 1, 3);
  const int64_t days = day - kMonday;
  // Whole weeks, rounded down also before kMonday, then the part week.
  const int64_t weeks = days >= 0 ? days / 7 : -((-days + 6) / 7);
  return weeks * 5 + std::min<int64_t>(days - weeks * 7, 5);
}

// The listed days in [first, last].
std::pair<std::vector<absl::CivilDay>::const_iterator,
          std::vector<absl::CivilDay>::const_iterator>
ListedBetween(const std::vector<absl::CivilDay>& days, absl::CivilDay first,
              absl::CivilDay last) {
  return {std::lower_bound(days.begin(), days.end(), first),
          std::upper_bound(days.begin(), days.end(), last)};
}

absl::string_view WeekdayName(absl::CivilDay day) {
  switch (absl::GetWeekday(day)) {
    case absl::Weekday::monday:
      return "Monday";
    case absl::Weekday::tuesday:
      return "Tuesday";
    case absl::Weekday::wednesday:
      return "Wednesday";
    case absl::Weekday::thursday:
      return "Thursday";
    case absl::Weekday::friday:
      return "Friday";
    case absl::Weekday::saturday:
      return "Saturday";
    case absl::Weekday::sunday:
      return "Sunday";
  }
  return "?";
}

// Exactly "YYYY-MM-DD", the way the notices' dates are written down, and a
// day that exists: CivilDay alone would quietly turn 2026-02-30 into
// 2026-03-02.
std::optional<absl::CivilDay> ParseDate(absl::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return std::nullopt;
  }
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) {
      return std::nullopt;
    }
  }
  int year = 0;
  int month = 0;
  int day = 0;
  if (!absl::SimpleAtoi(text.substr(0, 4), &year) ||
      !absl::SimpleAtoi(text.substr(5, 2), &month) ||
      !absl::SimpleAtoi(text.substr(8, 2), &day)) {
    return std::nullopt;
  }
  const absl::CivilDay parsed(year, month, day);
  if (parsed.year() != year || parsed.month() != month || parsed.day() != day) {
    return std::nullopt;
  }
  return parsed;
}

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

struct YearDays {
  std::vector<absl::CivilDay> holidays;
  std::vector<absl::CivilDay> working_weekend_days;
};

// The two lists of one year, checked. Paths name the year, not the entry's
// position: that is what a person finds in the file.
absl::StatusOr<YearDays> ParseYear(const v1::CalendarYear& entry) {
  const int year = static_cast<int>(entry.year());
  const std::string path = absl::StrCat("calendar.years[", year, "]");
  YearDays parsed;
  // Each day seen so far in this year, and the list it was in.
  std::map<absl::CivilDay, absl::string_view> seen;

  struct List {
    absl::string_view name;
    const google::protobuf::RepeatedPtrField<std::string>& dates;
    bool weekend_only;
    std::vector<absl::CivilDay>* days;
  };
  const List lists[] = {
      {"holidays", entry.holidays(), false, &parsed.holidays},
      {"working_weekend_days", entry.working_weekend_days(), true,
       &parsed.working_weekend_days},
  };
  for (const List& list : lists) {
    const std::string field = absl::StrCat(path, ".", list.name);
    for (const std::string& text : list.dates) {
      const std::optional<absl::CivilDay> day = ParseDate(text);
      if (!day) {
        return Invalid(field, absl::StrCat("\"", text,
                                           "\" is not a date in the form "
                                           "YYYY-MM-DD (e.g. \"",
                                           year, "-10-01\")"));
      }
      const std::string date = absl::FormatCivilTime(*day);
      if (day->year() != year) {
        return Invalid(field, absl::StrCat(date, " is not in ", year));
      }
      if (list.weekend_only && !IsWeekend(*day)) {
        return Invalid(field, absl::StrCat(date, " is a ", WeekdayName(*day),
                                           ", not a weekend day"));
      }
      const auto [earlier, inserted] = seen.emplace(*day, list.name);
      if (!inserted) {
        return Invalid(field, earlier->second == list.name
                                  ? absl::StrCat(date, " is listed twice")
                                  : absl::StrCat(date, " is also listed in ",
                                                 earlier->second,
                                                 "; a day is either off or "
                                                 "worked"));
      }
      list.days->push_back(*day);
    }
  }
  return parsed;
}

}  // namespace

absl::StatusOr<WorkingDayCalendar> WorkingDayCalendar::FromConfig(
    const v1::WorkingDayCalendar& config) {
  WorkingDayCalendar calendar;
  for (const v1::CalendarYear& entry : config.years()) {
    if (entry.year() == 0) {
      return Invalid("calendar.years",
                     "an entry has no year (e.g. year: 2026)");
    }
    if (entry.year() < kFirstYear || entry.year() > kLastYear) {
      return Invalid("calendar.years",
                     absl::StrCat("year ", entry.year(), " is outside ",
                                  kFirstYear, "..", kLastYear));
    }
    const int year = static_cast<int>(entry.year());
    if (std::find(calendar.years_.begin(), calendar.years_.end(), year) !=
        calendar.years_.end()) {
      return Invalid(
          "calendar.years",
          absl::StrCat("year ", year, " is listed twice; list each year once"));
    }
    calendar.years_.push_back(year);
    absl::StatusOr<YearDays> days = ParseYear(entry);
    if (!days.ok()) return days.status();
    calendar.holidays_.insert(calendar.holidays_.end(), days->holidays.begin(),
                              days->holidays.end());
    calendar.working_weekend_days_.insert(calendar.working_weekend_days_.end(),
                                          days->working_weekend_days.begin(),
                                          days->working_weekend_days.end());
  }
  std::sort(calendar.years_.begin(), calendar.years_.end());
  std::sort(calendar.holidays_.begin(), calendar.holidays_.end());
  std::sort(calendar.working_weekend_days_.begin(),
            calendar.working_weekend_days_.end());
  return calendar;
}

bool WorkingDayCalendar::IsWorkingDay(absl::CivilDay day) const {
  return IsWorkingDayGiven(
      day, std::binary_search(holidays_.begin(), holidays_.end(), day),
      std::binary_search(working_weekend_days_.begin(),
                         working_weekend_days_.end(), day));
}

bool WorkingDayCalendar::Covers(int year) const {
  return std::binary_search(years_.begin(), years_.end(), year);
}

absl::Time WorkingDayCalendar::WhenWorkingDaysLeft(absl::Time due,
                                                   int days_left) const {
  absl::CivilDay day = absl::ToCivilDay(due, ChinaTime());
  for (int counted = 0; counted <= days_left;) {
    --day;
    if (IsWorkingDay(day)) ++counted;
  }
  return absl::FromCivil(day, ChinaTime());
}

absl::Time WorkingDayCalendar::AddWorkingDays(absl::Time start,
                                              int days) const {
  absl::CivilDay day = absl::ToCivilDay(start, ChinaTime());
  // The lists are walked alongside the days, so each day costs a comparison
  // rather than a search.
  auto holiday = std::upper_bound(holidays_.begin(), holidays_.end(), day);
  auto worked = std::upper_bound(working_weekend_days_.begin(),
                                 working_weekend_days_.end(), day);
  for (int counted = 0; counted < days;) {
    ++day;
    const bool listed_holiday = holiday != holidays_.end() && *holiday == day;
    if (listed_holiday) ++holiday;
    const bool listed_worked =
        worked != working_weekend_days_.end() && *worked == day;
    if (listed_worked) ++worked;
    if (IsWorkingDayGiven(day, listed_holiday, listed_worked)) ++counted;
  }
  return EndOfDay(day);
}

absl::Time WorkingDayCalendar::AddCalendarDays(absl::Time start,
                                               int days) const {
  return EndOfDay(absl::ToCivilDay(start, ChinaTime()) + std::max(days, 0));
}

int WorkingDayCalendar::WorkingDaysLeft(absl::Time now, absl::Time due) const {
  if (due <= now) return 0;
  const absl::CivilDay first = absl::ToCivilDay(now, ChinaTime()) + 1;
  // The last day over by `due`. If due is 00:00 of D, D-1 ends exactly
  // then; if due is later on D, D is not whole.
  const absl::CivilDay last = absl::ToCivilDay(due, ChinaTime()) - 1;
  if (last < first) return 0;
  // Counted, not walked: a watcher may ask this of every open deadline.
  int64_t left = WeekdaysBefore(last + 1) - WeekdaysBefore(first);
  const auto [holiday, holidays_end] = ListedBetween(holidays_, first, last);
  left -= std::count_if(holiday, holidays_end,
                        [](absl::CivilDay day) { return !IsWeekend(day); });
  const auto [worked, worked_end] =
      ListedBetween(working_weekend_days_, first, last);
  left += worked_end - worked;
  return static_cast<int>(left);
}

}  // namespace sx::core
