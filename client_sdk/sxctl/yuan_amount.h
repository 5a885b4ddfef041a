// Amounts of money on the command line and in output: people write yuan
// ("12.5"), the contract counts fen (分, 1/100 yuan) so that sums are exact,
// and no binary fraction may come between the two.
#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace sx::sxctl {

// "12.5" → 1250, "0.05" → 5, "300" → 30000. Digits with at most two after
// the point; no sign, exponent, separators or spaces. False for anything
// else, and for amounts past int64 fen.
bool ParseYuanAsFen(absl::string_view text, int64_t* fen);

// 1250 → "12.50", 5 → "0.05", -5 → "-0.05".
std::string FormatFenAsYuan(int64_t fen);

}  // namespace sx::sxctl
