// UTF-8 decoding for sxctl's output: leads arrive from other agencies' systems
// and may hold invalid bytes or terminal control sequences, which must neither
// break JSON nor reach a terminal raw. Also measures column widths of Chinese
// text so that tables stay aligned.
#pragma once

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace sx::sxctl {

inline constexpr char32_t kReplacementCharacter = 0xFFFD;

// Decodes the code point at `text[*pos]` and advances *pos past it. An
// invalid or truncated sequence (overlong forms and surrogates included)
// yields kReplacementCharacter and advances by one byte.
char32_t NextCodePoint(absl::string_view text, size_t* pos);

// Appends `code_point` encoded as UTF-8.
void AppendUtf8(char32_t code_point, std::string* out);

// Columns a terminal uses for `text`: 2 for East Asian wide characters,
// 0 for combining marks, 1 otherwise.
size_t DisplayWidth(absl::string_view text);

// `text` made safe for a terminal: valid UTF-8, with control characters other
// than newline and tab shown as \xNN escapes.
std::string TerminalSafe(absl::string_view text);

// Whether `text` is valid UTF-8 throughout (a U+FFFD in it is valid).
bool IsValidUtf8(absl::string_view text);

// `text` cut to at most `columns` terminal columns (at least 3, the "..."
// that ends it when something was cut), never inside a character; for table
// cells that would otherwise run off the screen (a ledger item's problem).
std::string TruncateToWidth(absl::string_view text, size_t columns);

}  // namespace sx::sxctl
