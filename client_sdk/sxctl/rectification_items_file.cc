#include "client_sdk/sxctl/rectification_items_file.h"

#include <cstddef>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "client_sdk/sxctl/deadline_date.h"
#include "client_sdk/sxctl/local_files.h"
#include "client_sdk/sxctl/utf8.h"

namespace sx::sxctl {
namespace {

constexpr absl::string_view kByteOrderMark = "\xEF\xBB\xBF";
constexpr absl::string_view kFullWidthColon = "\xEF\xBC\x9A";  // ：
constexpr absl::string_view kFieldNames =
    "problem, category, measure, unit or due";

// The item being read, and where each single-valued field was given, so that
// a second one can point at the first.
struct PendingItem {
  int first_line = 0;  // 0: no item open
  client::RectificationItemDraft draft;
  int problem_line = 0;
  int category_line = 0;
  int unit_line = 0;
  int due_line = 0;
};

class ItemsParser {
 public:
  explicit ItemsParser(absl::string_view file_name) : file_name_(file_name) {}

  absl::StatusOr<std::vector<client::RectificationItemDraft>> Parse(
      absl::string_view text) {
    if (absl::StartsWith(text, kByteOrderMark)) {
      text.remove_prefix(kByteOrderMark.size());
    }
    int line_number = 0;
    for (absl::string_view line : absl::StrSplit(text, '\n')) {
      ++line_number;
      if (absl::EndsWith(line, "\r")) line.remove_suffix(1);
      const absl::Status status = Line(line_number, line);
      if (!status.ok()) return status;
    }
    const absl::Status last = FinishItem();
    if (!last.ok()) return last;
    if (items_.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          file_name_, ": no items (each item needs a \"problem:\" line)"));
    }
    return std::move(items_);
  }

 private:
  absl::Status Error(int line, absl::string_view message) const {
    return absl::InvalidArgumentError(
        absl::StrCat(file_name_, ":", line, ": ", message));
  }

  absl::Status Line(int number, absl::string_view line) {
    if (!IsValidUtf8(line)) {
      return Error(number, "not valid UTF-8 (save the file as UTF-8)");
    }
    const absl::string_view trimmed = absl::StripAsciiWhitespace(line);
    if (trimmed.empty()) return FinishItem();
    if (absl::StartsWith(trimmed, "#")) return absl::OkStatus();
    // The field name is ASCII, so the first colon of either width ends it.
    size_t colon = trimmed.find(':');
    size_t colon_size = 1;
    const size_t wide = trimmed.find(kFullWidthColon);
    if (wide != absl::string_view::npos &&
        (colon == absl::string_view::npos || wide < colon)) {
      colon = wide;
      colon_size = kFullWidthColon.size();
    }
    if (colon == absl::string_view::npos) {
      return Error(number, absl::StrCat("expected \"field: value\" with a "
                                        "field of ",
                                        kFieldNames));
    }
    const std::string field = absl::AsciiStrToLower(
        absl::StripAsciiWhitespace(trimmed.substr(0, colon)));
    const absl::string_view value =
        absl::StripAsciiWhitespace(trimmed.substr(colon + colon_size));
    if (pending_.first_line == 0) pending_.first_line = number;
    client::RectificationItemDraft& draft = pending_.draft;
    if (field == "measure") {
      if (value.empty()) return Error(number, "empty measure");
      draft.measures.emplace_back(value);
      return absl::OkStatus();
    }
    if (field == "problem") {
      return Single(number, field, value, &pending_.problem_line,
                    &draft.problem);
    }
    if (field == "category") {
      return Single(number, field, value, &pending_.category_line,
                    &draft.category);
    }
    if (field == "unit") {
      return Single(number, field, value, &pending_.unit_line,
                    &draft.responsible_unit);
    }
    if (field == "due") {
      std::string due;
      const absl::Status status =
          Single(number, field, value, &pending_.due_line, &due);
      if (!status.ok()) return status;
      if (!ParseDeadline(due, &draft.due_at)) {
        return Error(number,
                     absl::StrCat("due '", due, "' is not ", kDeadlineForms));
      }
      return absl::OkStatus();
    }
    // Only an ASCII name is quoted: anything else may be a problem's text
    // that lost its field name.
    if (IsAsciiName(field)) {
      return Error(number, absl::StrCat("unknown field '", field,
                                        "' (fields: ", kFieldNames, ")"));
    }
    return Error(number, absl::StrCat("expected \"field: value\" with a "
                                      "field of ",
                                      kFieldNames));
  }

  // A field an item has at most once.
  absl::Status Single(int number, absl::string_view field,
                      absl::string_view value, int* seen_at,
                      std::string* out) const {
    if (*seen_at != 0) {
      return Error(number, absl::StrCat(field,
                                        " given twice in one item (first on "
                                        "line ",
                                        *seen_at,
                                        "); separate items with a blank line"));
    }
    if (value.empty()) return Error(number, absl::StrCat("empty ", field));
    *seen_at = number;
    *out = std::string(value);
    return absl::OkStatus();
  }

  absl::Status FinishItem() {
    if (pending_.first_line == 0) return absl::OkStatus();
    if (pending_.problem_line == 0) {
      return Error(pending_.first_line,
                   "this item has no \"problem:\" line, which every item "
                   "needs");
    }
    items_.push_back(std::move(pending_.draft));
    pending_ = PendingItem();
    return absl::OkStatus();
  }

  static bool IsAsciiName(absl::string_view field) {
    if (field.empty()) return false;
    for (char c : field) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' &&
          c != '-' && c != ' ') {
        return false;
      }
    }
    return true;
  }

  const std::string file_name_;
  PendingItem pending_;
  std::vector<client::RectificationItemDraft> items_;
};

}  // namespace

absl::StatusOr<std::vector<client::RectificationItemDraft>>
ParseRectificationItems(absl::string_view text, absl::string_view file_name) {
  return ItemsParser(file_name).Parse(text);
}

absl::StatusOr<std::vector<client::RectificationItemDraft>>
ReadRectificationItemsFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadLocalFile(path, "read items file");
  if (!text.ok()) return text.status();
  return ParseRectificationItems(*text, path);
}

}  // namespace sx::sxctl
