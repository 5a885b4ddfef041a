#include "client_sdk/sxctl/utf8.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace sx::sxctl {
namespace {

bool IsContinuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

bool IsWide(char32_t c) {
  return (c >= 0x1100 && c <= 0x115F) ||    // Hangul Jamo
         (c >= 0x2E80 && c <= 0x303E) ||    // CJK radicals, punctuation
         (c >= 0x3041 && c <= 0x33FF) ||    // kana, CJK symbols
         (c >= 0x3400 && c <= 0x4DBF) ||    // CJK extension A
         (c >= 0x4E00 && c <= 0x9FFF) ||    // CJK unified ideographs
         (c >= 0xA000 && c <= 0xA4CF) ||    // Yi
         (c >= 0xAC00 && c <= 0xD7A3) ||    // Hangul syllables
         (c >= 0xF900 && c <= 0xFAFF) ||    // CJK compatibility ideographs
         (c >= 0xFE30 && c <= 0xFE4F) ||    // CJK compatibility forms
         (c >= 0xFF00 && c <= 0xFF60) ||    // full-width forms
         (c >= 0xFFE0 && c <= 0xFFE6) ||    // full-width signs
         (c >= 0x1F300 && c <= 0x1F64F) ||  // pictographs, emoticons
         (c >= 0x1F900 && c <= 0x1F9FF) ||
         (c >= 0x20000 && c <= 0x3FFFD);  // CJK extensions B and later
}

bool IsCombining(char32_t c) {
  return (c >= 0x0300 && c <= 0x036F) || (c >= 0x200B && c <= 0x200F) ||
         (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xFE20 && c <= 0xFE2F);
}

size_t CodePointWidth(char32_t c) {
  if (IsCombining(c)) return 0;
  return IsWide(c) ? 2 : 1;
}

// NextCodePoint returned kReplacementCharacter for the one byte at `start`
// because it was not valid, not because the text held a real U+FFFD.
bool IsInvalidByte(absl::string_view text, size_t start, size_t pos,
                   char32_t c) {
  return c == kReplacementCharacter && pos - start == 1 &&
         static_cast<unsigned char>(text[start]) >= 0x80;
}

}  // namespace

char32_t NextCodePoint(absl::string_view text, size_t* pos) {
  const auto lead = static_cast<unsigned char>(text[*pos]);
  if (lead < 0x80) {
    ++*pos;
    return lead;
  }
  int length;
  char32_t code_point;
  char32_t minimum;
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    code_point = lead & 0x1F;
    minimum = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    code_point = lead & 0x0F;
    minimum = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    code_point = lead & 0x07;
    minimum = 0x10000;
  } else {
    ++*pos;
    return kReplacementCharacter;
  }
  if (*pos + length > text.size()) {
    ++*pos;
    return kReplacementCharacter;
  }
  for (int i = 1; i < length; ++i) {
    const auto byte = static_cast<unsigned char>(text[*pos + i]);
    if (!IsContinuation(byte)) {
      ++*pos;
      return kReplacementCharacter;
    }
    code_point = (code_point << 6) | (byte & 0x3F);
  }
  if (code_point < minimum || code_point > 0x10FFFF ||
      (code_point >= 0xD800 && code_point <= 0xDFFF)) {
    ++*pos;
    return kReplacementCharacter;
  }
  *pos += length;
  return code_point;
}

void AppendUtf8(char32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

size_t DisplayWidth(absl::string_view text) {
  size_t width = 0;
  size_t pos = 0;
  while (pos < text.size()) width += CodePointWidth(NextCodePoint(text, &pos));
  return width;
}

bool IsValidUtf8(absl::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t start = pos;
    if (IsInvalidByte(text, start, pos, NextCodePoint(text, &pos))) {
      return false;
    }
  }
  return true;
}

std::string TruncateToWidth(absl::string_view text, size_t columns) {
  if (DisplayWidth(text) <= columns) return std::string(text);
  constexpr absl::string_view kEllipsis = "...";
  const size_t room =
      columns > kEllipsis.size() ? columns - kEllipsis.size() : 0;
  size_t width = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t next = pos;
    const size_t added = CodePointWidth(NextCodePoint(text, &next));
    if (width + added > room) break;
    width += added;
    pos = next;
  }
  return absl::StrCat(text.substr(0, pos), kEllipsis);
}

std::string TerminalSafe(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t start = pos;
    const char32_t c = NextCodePoint(text, &pos);
    const bool control = (c < 0x20 && c != '\n' && c != '\t') || c == 0x7F ||
                         (c >= 0x80 && c < 0xA0);
    if (control) {
      absl::StrAppendFormat(&out, "\\x%02x", static_cast<uint32_t>(c));
    } else if (IsInvalidByte(text, start, pos, c)) {
      // An invalid byte: show which one, so the sender can find it.
      absl::StrAppendFormat(&out, "\\x%02x",
                            static_cast<unsigned char>(text[start]));
    } else {
      AppendUtf8(c, &out);
    }
  }
  return out;
}

}  // namespace sx::sxctl
