#include "client_sdk/sxctl/yuan_amount.h"

#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"

namespace sx::sxctl {
namespace {

constexpr int kFenPerYuan = 100;
constexpr int kMaxDecimals = 2;

bool AllDigits(absl::string_view text) {
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

bool ParseYuanAsFen(absl::string_view text, int64_t* fen) {
  const size_t point = text.find('.');
  const absl::string_view whole = text.substr(0, point);
  absl::string_view decimals;
  if (point != absl::string_view::npos) decimals = text.substr(point + 1);
  if (whole.empty() || !AllDigits(whole) || !AllDigits(decimals) ||
      decimals.size() > kMaxDecimals ||
      (point != absl::string_view::npos && decimals.empty())) {
    return false;
  }
  int64_t value = 0;
  for (char c : whole) {
    const int digit = c - '0';
    if (value > (std::numeric_limits<int64_t>::max() - digit) / 10) {
      return false;
    }
    value = value * 10 + digit;
  }
  int64_t cents = 0;
  for (size_t i = 0; i < kMaxDecimals; ++i) {
    cents = cents * 10 + (i < decimals.size() ? decimals[i] - '0' : 0);
  }
  if (value > (std::numeric_limits<int64_t>::max() - cents) / kFenPerYuan) {
    return false;
  }
  *fen = value * kFenPerYuan + cents;
  return true;
}

std::string FormatFenAsYuan(int64_t fen) {
  // Unsigned, so that the most negative int64 has a magnitude too.
  const uint64_t magnitude =
      fen < 0 ? 0 - static_cast<uint64_t>(fen) : static_cast<uint64_t>(fen);
  return absl::StrFormat("%s%d.%02d", fen < 0 ? "-" : "",
                         magnitude / kFenPerYuan, magnitude % kFenPerYuan);
}

}  // namespace sx::sxctl
