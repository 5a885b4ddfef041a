// A minimal streaming JSON writer for sxctl's --json output: no JSON library
// is available on the target systems, and sxctl only ever writes JSON.
//
//   JsonWriter json(JsonWriter::Style::kPretty);
//   json.BeginObject();
//   json.Key("referral_id").String(referral.referral_id);
//   json.Key("version").Int(referral.version);
//   json.EndObject();
//   std::cout << json.text() << "\n";
//
// Strings are emitted as valid UTF-8 whatever their input: control characters
// are escaped and invalid byte sequences become U+FFFD, so that a lead typed
// in a legacy encoding cannot make the output unparseable.
//
// Not thread-safe; one writer per document.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace sx::sxctl {

class JsonWriter {
 public:
  enum class Style {
    kPretty,   // two-space indentation, for people and single results
    kCompact,  // one line, for line-per-entry streams
  };

  explicit JsonWriter(Style style) : style_(style) {}

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  // Inside an object: names the next value.
  JsonWriter& Key(absl::string_view name);
  JsonWriter& String(absl::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Uint(uint64_t value);
  // Six significant digits; null for NaN and infinities.
  JsonWriter& Double(double value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();

  // The document so far; complete once every Begin has its End.
  const std::string& text() const { return text_; }

 private:
  struct Scope {
    bool is_object;
    bool empty = true;
  };

  // Separators and indentation before a value (or a key) at the current depth.
  void BeforeValue();
  void NewLine();
  JsonWriter& Close(char bracket);

  const Style style_;
  std::string text_;
  std::vector<Scope> scopes_;
  // Set by Key(): the next value follows it on the same line.
  bool after_key_ = false;
};

// `value` as a JSON string literal, quotes included.
std::string JsonQuote(absl::string_view value);

}  // namespace sx::sxctl
