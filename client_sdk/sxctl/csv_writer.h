// CSV as spreadsheet programs read it, for reports that go on into Excel or
// WPS (`sxctl stats --csv`): RFC 4180 records (fields separated by commas,
// each record ending in CRLF, a field quoted when it holds a comma, a quote,
// CR or LF, with quotes doubled inside), after a UTF-8 byte order mark,
// without which Excel reads the file in the system's code page and garbles
// Chinese text.
//
//   CsvWriter csv;
//   csv.AddRecord({"单位", "移送"});
//   csv.AddRecord({"inspection-office", "52"});
//   std::cout << csv.text();
//
// Not thread-safe; one writer per document.
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace sx::sxctl {

// The UTF-8 encoding of U+FEFF.
inline constexpr char kUtf8ByteOrderMark[] = "\xEF\xBB\xBF";

class CsvWriter {
 public:
  // The document starts with the byte order mark.
  CsvWriter();

  // One record; every record of a document should have as many fields as
  // the first (the header), which this writer leaves to its caller.
  void AddRecord(const std::vector<std::string>& fields);

  // The document so far.
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

// `field` as it stands in a record: as it is, or quoted if it must be.
std::string CsvField(absl::string_view field);

}  // namespace sx::sxctl
