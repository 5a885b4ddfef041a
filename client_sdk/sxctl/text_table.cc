#include "client_sdk/sxctl/text_table.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "client_sdk/sxctl/utf8.h"

namespace sx::sxctl {
namespace {

// A table cell must stay on one line.
std::string CellText(const std::string& value) {
  return absl::StrReplaceAll(TerminalSafe(value), {{"\n", " "}, {"\t", " "}});
}

void AppendPadded(const std::string& text, size_t width, std::string* out) {
  out->append(text);
  const size_t used = DisplayWidth(text);
  if (used < width) out->append(width - used, ' ');
}

}  // namespace

TextTable::TextTable(std::vector<std::string> header)
    : header_(std::move(header)) {}

void TextTable::AddRow(std::vector<std::string> cells) {
  cells.resize(header_.size());
  for (std::string& cell : cells) cell = CellText(cell);
  rows_.push_back(std::move(cells));
}

std::string TextTable::Render() const {
  std::vector<size_t> widths(header_.size());
  for (size_t column = 0; column < header_.size(); ++column) {
    widths[column] = DisplayWidth(header_[column]);
    for (const auto& row : rows_) {
      widths[column] = std::max(widths[column], DisplayWidth(row[column]));
    }
  }
  std::string out;
  auto render_line = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t column = 0; column < cells.size(); ++column) {
      if (column + 1 == cells.size()) {
        line += cells[column];
      } else {
        AppendPadded(cells[column], widths[column] + 2, &line);
      }
    }
    // Blank trailing cells would leave trailing spaces.
    line.erase(line.find_last_not_of(' ') + 1);
    out += line;
    out += "\n";
  };
  render_line(header_);
  for (const auto& row : rows_) render_line(row);
  return out;
}

void KeyValueBlock::Add(const std::string& label, const std::string& value) {
  if (value.empty()) return;
  lines_.emplace_back(label, TerminalSafe(value));
}

std::string KeyValueBlock::Render() const {
  size_t label_width = 0;
  for (const auto& [label, value] : lines_) {
    label_width = std::max(label_width, DisplayWidth(label));
  }
  const std::string margin(indent_, ' ');
  const std::string continuation(indent_ + label_width + 2, ' ');
  std::string out;
  for (const auto& [label, value] : lines_) {
    out += margin;
    AppendPadded(label, label_width + 2, &out);
    bool first = true;
    for (absl::string_view part : absl::StrSplit(value, '\n')) {
      if (!first) {
        out += "\n";
        out += continuation;
      }
      out.append(part.data(), part.size());
      first = false;
    }
    out += "\n";
  }
  return out;
}

std::string Indent(const std::string& text, int columns) {
  const std::string margin(columns, ' ');
  std::string out;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.empty()) continue;
    absl::StrAppend(&out, margin, line, "\n");
  }
  return out;
}

}  // namespace sx::sxctl
