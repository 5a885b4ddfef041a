#include "client_sdk/sxctl/deadline_date.h"

#include <string>

namespace sx::sxctl {
namespace {

absl::TimeZone ChinaStandardTime() { return absl::FixedTimeZone(8 * 60 * 60); }

}  // namespace

bool ParseDeadline(absl::string_view text, absl::Time* deadline) {
  std::string error;
  absl::Time time;
  // Exactly YYYY-MM-DD: absl::ParseTime alone would accept "2025-3-31".
  if (text.size() == 10 && text[4] == '-' && text[7] == '-' &&
      absl::ParseTime("%Y-%m-%d", text, ChinaStandardTime(), &time, &error)) {
    const absl::CivilDay day = absl::ToCivilDay(time, ChinaStandardTime()) + 1;
    *deadline = absl::FromCivil(day, ChinaStandardTime());
    return true;
  }
  if (absl::ParseTime(absl::RFC3339_full, text, &time, &error)) {
    *deadline = time;
    return true;
  }
  return false;
}

std::string FormatDeadlineDay(absl::Time deadline) {
  if (deadline == absl::InfinitePast()) return "";
  // The end of a day is the first moment of the next; step back into the day
  // it ends.
  return absl::FormatTime("%Y-%m-%d", deadline - absl::Nanoseconds(1),
                          ChinaStandardTime());
}

}  // namespace sx::sxctl
