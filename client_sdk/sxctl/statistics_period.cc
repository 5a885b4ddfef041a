#include "client_sdk/sxctl/statistics_period.h"

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace sx::sxctl {
namespace {

// The four ways, as option names.
constexpr char kFrom[] = "from";
constexpr char kTo[] = "to";
constexpr char kMonth[] = "month";
constexpr char kQuarter[] = "quarter";
constexpr char kYear[] = "year";

constexpr char kWays[] =
    "--from DAY --to DAY, --month YYYY-MM, --quarter YYYY-QN or --year YYYY";

// Exactly `digits` decimal digits.
bool ParseDigits(absl::string_view text, size_t digits, int64_t* value) {
  if (text.size() != digits) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return absl::SimpleAtoi(text, value);
}

// "2026-03-31", a day that exists: not 2026-02-30, which absl would carry
// into March.
bool ParseDay(absl::string_view text, absl::CivilDay* day) {
  int64_t year, month, day_of_month;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' ||
      !ParseDigits(text.substr(0, 4), 4, &year) ||
      !ParseDigits(text.substr(5, 2), 2, &month) ||
      !ParseDigits(text.substr(8, 2), 2, &day_of_month)) {
    return false;
  }
  const absl::CivilDay parsed(year, month, day_of_month);
  if (parsed.month() != month || parsed.day() != day_of_month) return false;
  *day = parsed;
  return true;
}

bool ParseMonth(absl::string_view text, StatisticsPeriod* period) {
  int64_t year, month;
  if (text.size() != 7 || text[4] != '-' ||
      !ParseDigits(text.substr(0, 4), 4, &year) ||
      !ParseDigits(text.substr(5, 2), 2, &month) || month < 1 || month > 12) {
    return false;
  }
  const absl::CivilMonth first(year, month);
  period->first = absl::CivilDay(first);
  period->last = absl::CivilDay(first + 1) - 1;
  return true;
}

// "2026-Q1" (or "2026-q1"): January to March.
bool ParseQuarter(absl::string_view text, StatisticsPeriod* period) {
  int64_t year, quarter;
  if (text.size() != 7 || text[4] != '-' ||
      absl::ascii_toupper(static_cast<unsigned char>(text[5])) != 'Q' ||
      !ParseDigits(text.substr(0, 4), 4, &year) ||
      !ParseDigits(text.substr(6, 1), 1, &quarter) || quarter < 1 ||
      quarter > 4) {
    return false;
  }
  const absl::CivilMonth first(year, 3 * (quarter - 1) + 1);
  period->first = absl::CivilDay(first);
  period->last = absl::CivilDay(first + 3) - 1;
  return true;
}

bool ParseYear(absl::string_view text, StatisticsPeriod* period) {
  int64_t year;
  if (!ParseDigits(text, 4, &year)) return false;
  period->first = absl::CivilDay(year, 1, 1);
  period->last = absl::CivilDay(year, 12, 31);
  return true;
}

absl::Status Malformed(absl::string_view option, absl::string_view value,
                       absl::string_view example) {
  return UsageError(
      absl::StrCat("--", option, " '", value, "' is not ", example));
}

absl::StatusOr<StatisticsPeriod> FromDays(const Invocation& in) {
  if (!in.Has(kFrom) || !in.Has(kTo)) {
    return UsageError(
        "--from and --to go together: the first and the last day of the "
        "period");
  }
  StatisticsPeriod period;
  if (!ParseDay(in.Value(kFrom), &period.first)) {
    return Malformed(kFrom, in.Value(kFrom), "a day such as 2026-01-01");
  }
  if (!ParseDay(in.Value(kTo), &period.last)) {
    return Malformed(kTo, in.Value(kTo), "a day such as 2026-03-31");
  }
  if (period.last < period.first) {
    return UsageError(absl::StrCat("--to ", in.Value(kTo), " is before --from ",
                                   in.Value(kFrom),
                                   "; both days are included"));
  }
  return period;
}

}  // namespace

absl::StatusOr<StatisticsPeriod> PeriodFromOptions(const Invocation& in) {
  const int ways = (in.Has(kFrom) || in.Has(kTo) ? 1 : 0) +
                   (in.Has(kMonth) ? 1 : 0) + (in.Has(kQuarter) ? 1 : 0) +
                   (in.Has(kYear) ? 1 : 0);
  if (ways == 0) {
    return UsageError(absl::StrCat("name the period: ", kWays));
  }
  if (ways > 1) {
    return UsageError(absl::StrCat("name the period one way only: ", kWays));
  }
  if (in.Has(kFrom) || in.Has(kTo)) return FromDays(in);
  StatisticsPeriod period;
  if (in.Has(kMonth)) {
    if (!ParseMonth(in.Value(kMonth), &period)) {
      return Malformed(kMonth, in.Value(kMonth), "a month such as 2026-03");
    }
  } else if (in.Has(kQuarter)) {
    if (!ParseQuarter(in.Value(kQuarter), &period)) {
      return Malformed(kQuarter, in.Value(kQuarter),
                       "a quarter such as 2026-Q1");
    }
  } else if (!ParseYear(in.Value(kYear), &period)) {
    return Malformed(kYear, in.Value(kYear), "a year such as 2026");
  }
  return period;
}

std::string FormatDay(absl::CivilDay day) { return absl::FormatCivilTime(day); }

}  // namespace sx::sxctl
