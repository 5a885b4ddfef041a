#include "client_sdk/sxctl/csv_writer.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace sx::sxctl {

CsvWriter::CsvWriter() : text_(kUtf8ByteOrderMark) {}

void CsvWriter::AddRecord(const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) text_ += ',';
    text_ += CsvField(fields[i]);
  }
  text_ += "\r\n";
}

std::string CsvField(absl::string_view field) {
  if (field.find_first_of(",\"\r\n") == absl::string_view::npos) {
    return std::string(field);
  }
  return absl::StrCat("\"", absl::StrReplaceAll(field, {{"\"", "\"\""}}), "\"");
}

}  // namespace sx::sxctl
