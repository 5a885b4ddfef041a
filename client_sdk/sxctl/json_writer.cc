#include "client_sdk/sxctl/json_writer.h"

#include <cmath>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client_sdk/sxctl/utf8.h"

namespace sx::sxctl {

std::string JsonQuote(absl::string_view value) {
  std::string out = "\"";
  out.reserve(value.size() + 2);
  size_t pos = 0;
  while (pos < value.size()) {
    const char32_t c = NextCodePoint(value, &pos);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        // Other control characters, DEL, and the two line separators that
        // JavaScript string literals reject are escaped; everything else is
        // written as UTF-8 so that Chinese text stays readable.
        if (c < 0x20 || c == 0x7F || c == 0x2028 || c == 0x2029) {
          absl::StrAppendFormat(&out, "\\u%04x", static_cast<uint32_t>(c));
        } else {
          AppendUtf8(c, &out);
        }
    }
  }
  out += "\"";
  return out;
}

void JsonWriter::NewLine() {
  if (style_ != Style::kPretty) return;
  text_ += "\n";
  text_.append(2 * scopes_.size(), ' ');
}

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (scopes_.empty()) return;
  Scope& scope = scopes_.back();
  if (!scope.empty) text_ += ",";
  scope.empty = false;
  NewLine();
}

JsonWriter& JsonWriter::BeginObject() {
  BeforeValue();
  text_ += "{";
  scopes_.push_back({/*is_object=*/true});
  return *this;
}

JsonWriter& JsonWriter::BeginArray() {
  BeforeValue();
  text_ += "[";
  scopes_.push_back({/*is_object=*/false});
  return *this;
}

JsonWriter& JsonWriter::Close(char bracket) {
  const bool had_members = !scopes_.back().empty;
  scopes_.pop_back();
  if (had_members) NewLine();
  text_ += bracket;
  return *this;
}

JsonWriter& JsonWriter::EndObject() { return Close('}'); }

JsonWriter& JsonWriter::EndArray() { return Close(']'); }

JsonWriter& JsonWriter::Key(absl::string_view name) {
  BeforeValue();
  text_ += JsonQuote(name);
  text_ += style_ == Style::kPretty ? ": " : ":";
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::String(absl::string_view value) {
  BeforeValue();
  text_ += JsonQuote(value);
  return *this;
}

JsonWriter& JsonWriter::Int(int64_t value) {
  BeforeValue();
  absl::StrAppend(&text_, value);
  return *this;
}

JsonWriter& JsonWriter::Uint(uint64_t value) {
  BeforeValue();
  absl::StrAppend(&text_, value);
  return *this;
}

JsonWriter& JsonWriter::Double(double value) {
  // JSON has no NaN or infinity.
  if (!std::isfinite(value)) return Null();
  BeforeValue();
  absl::StrAppendFormat(&text_, "%.6g", value);
  return *this;
}

JsonWriter& JsonWriter::Bool(bool value) {
  BeforeValue();
  text_ += value ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::Null() {
  BeforeValue();
  text_ += "null";
  return *this;
}

}  // namespace sx::sxctl
