// Working days (工作日) by the official calendar: Monday to Friday, less the
// public holidays (法定节假日), plus the weekend days worked in exchange
// (调休上班), as the config lists them year by year. Deadlines counted in
// working days or in calendar days, and the working days left before one.
//
// Days are China Standard Time's (a fixed UTC+8), wherever the hub runs.
// Every deadline ends at a day boundary: the end of its last day, which is
// 00:00 China time of the next one.
//
//   SX_ASSIGN_OR_RETURN(WorkingDayCalendar calendar,
//                       WorkingDayCalendar::FromConfig(config.calendar()));
//   // Received Thu 2026-02-12, 5 working days to answer: 02-13, the 调休
//   // Saturday 02-14, then (after the Spring Festival, 02-15..02-23)
//   // 02-24, 02-25 and 02-26, so it is due at 2026-02-27 00:00 +08:00.
//   absl::Time due = calendar.AddWorkingDays(received, 5);
//   if (calendar.WorkingDaysLeft(now, due) <= 2) { /* warn yellow */ }
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "supervision/v1/config.pb.h"

namespace sx::core {

// Immutable once made, so a const calendar may be shared between threads
// without locking. Copyable: it holds a few dozen days per listed year.
class WorkingDayCalendar {
 public:
  // Monday to Friday in every year, no year listed: what a hub without a
  // `calendar` in its config counts in.
  WorkingDayCalendar() = default;

  // The calendar `config` lists, or INVALID_ARGUMENT naming the field to
  // fix, e.g. "calendar.years[2026].working_weekend_days: 2026-02-16 is a
  // Monday, not a weekend day". Checked: each year (2000..2100) at most
  // once; dates "YYYY-MM-DD", real, and inside their year; no date listed
  // twice, nor in both lists; working weekend days are Saturdays or
  // Sundays. Holidays may be any day, weekends included (the notices list
  // whole holiday periods).
  static absl::StatusOr<WorkingDayCalendar> FromConfig(
      const ::supervision::v1::WorkingDayCalendar& config);

  // A listed working weekend day, or Monday to Friday unless a listed
  // holiday. Days of years not listed are plain Monday to Friday.
  bool IsWorkingDay(absl::CivilDay day) const;

  // Whether `year` is listed. Outside the listed years holidays are not
  // known, so a deadline there may come too early: callers can warn.
  bool Covers(int year) const;

  // The deadline `days` working days after `start`: the end of the
  // `days`-th working day after start's day. Start's day itself is day 0
  // and never counts, working day or not, so a referral received on a
  // Friday evening and one received on Saturday (not worked) with 1 working
  // day are both due at the end of the next Monday. `days` < 1 counts as 0:
  // the end of start's own day. Costs the days walked (the deadline's
  // length plus the days off it crosses), never a year's worth. `start`
  // finite.
  absl::Time AddWorkingDays(absl::Time start, int days) const;

  // The same for calendar days: the end of the `days`-th day after start's
  // day, e.g. 15 days from any time on 2026-02-12 is 2026-02-28 00:00
  // +08:00. `days` < 1 counts as 0. `start` finite.
  absl::Time AddCalendarDays(absl::Time start, int days) const;

  // Whole working days left before `due`: the working days after now's day
  // (today is never counted, however much of it is left) whose end is not
  // after `due`, i.e. up to the day before the one `due` falls in. For a
  // deadline from AddWorkingDays, due 00:00 of day D, that is up to D-1, and
  // WorkingDaysLeft(start, AddWorkingDays(start, n)) == n.
  //
  // For the example above, due 2026-02-27 00:00: on 02-12 (any time) 5 are
  // left; on holiday 02-18, 3 (02-24, 02-25, 02-26); on 02-24, 2; on 02-26
  // 0: it is due at the end of today. 0 also once `due` <= `now`; tell the
  // two apart by comparing the times. Both times finite.
  int WorkingDaysLeft(absl::Time now, absl::Time due) const;
  // The first moment at which WorkingDaysLeft(moment, due) <= `days_left`:
  // the start (00:00 China time) of the (days_left+1)-th working day before
  // the day `due` falls in. For the example above, 2 working days left from
  // 2026-02-24 00:00 on. A warning "2 working days left" is due then.
  // Costs the days walked back. `days_left` >= 0, `due` finite.
  absl::Time WhenWorkingDaysLeft(absl::Time due, int days_left) const;

 private:
  // Sorted and disjoint: days off (any weekday) and weekend days worked.
  std::vector<absl::CivilDay> holidays_;
  std::vector<absl::CivilDay> working_weekend_days_;
  // Sorted.
  std::vector<int> years_;
};

}  // namespace sx::core
