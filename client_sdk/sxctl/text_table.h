// Column-aligned plain-text tables for sxctl's human-readable output. Widths
// are measured in terminal columns, so Chinese agency names and subjects line
// up with ASCII ones.
//
//   TextTable table({"ID", "STATE"});
//   table.AddRow({referral.referral_id, ToString(referral.state)});
//   std::cout << table.Render();
//
// Not thread-safe.
#pragma once

#include <string>
#include <vector>

namespace sx::sxctl {

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header);

  // Cells are made terminal-safe; missing cells are blank, extra ones dropped.
  void AddRow(std::vector<std::string> cells);
  bool empty() const { return rows_.empty(); }

  // Header and rows, columns two spaces apart, each line ending in "\n"; the
  // last column is not padded.
  std::string Render() const;

 private:
  const std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// A block of "label  value" lines with the labels padded to one width.
// Multi-line values continue under the value column.
class KeyValueBlock {
 public:
  explicit KeyValueBlock(int indent = 0) : indent_(indent) {}

  // Skipped when `value` is empty, so optional fields need no special case.
  void Add(const std::string& label, const std::string& value);
  std::string Render() const;

 private:
  const int indent_;
  std::vector<std::pair<std::string, std::string>> lines_;
};

// Every non-empty line of `text` with `columns` spaces before it, each
// ending in "\n": a rendered table or block as a section under a heading.
std::string Indent(const std::string& text, int columns);

}  // namespace sx::sxctl
