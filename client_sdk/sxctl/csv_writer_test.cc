#include "client_sdk/sxctl/csv_writer.h"

#include <string>

#include "gtest/gtest.h"

namespace sx::sxctl {
namespace {

TEST(CsvWriterTest, StartsWithTheByteOrderMarkAndEndsRecordsWithCrlf) {
  CsvWriter csv;
  EXPECT_EQ(csv.text(), "\xEF\xBB\xBF") << "even an empty document";
  csv.AddRecord({"单位", "移送", "接收"});
  csv.AddRecord({"inspection-office", "52", "0"});
  EXPECT_EQ(csv.text(),
            "\xEF\xBB\xBF"
            "单位,移送,接收\r\n"
            "inspection-office,52,0\r\n");
}

TEST(CsvWriterTest, QuotesOnlyFieldsThatNeedIt) {
  EXPECT_EQ(CsvField("市纪委监委"), "市纪委监委");
  EXPECT_EQ(CsvField(""), "");
  EXPECT_EQ(CsvField("12.5%"), "12.5%");
  // Commas, quotes and line breaks would split or end a field.
  EXPECT_EQ(CsvField("纪委监委,组织部"), "\"纪委监委,组织部\"");
  EXPECT_EQ(CsvField("所谓\"一把手\""), "\"所谓\"\"一把手\"\"\"");
  EXPECT_EQ(CsvField("第一行\n第二行"), "\"第一行\n第二行\"");
  EXPECT_EQ(CsvField("a\r\nb"), "\"a\r\nb\"");
  EXPECT_EQ(CsvField("\""), "\"\"\"\"");
}

TEST(CsvWriterTest, EmptyFieldsKeepTheirPlace) {
  CsvWriter csv;
  csv.AddRecord({"合计", "", "106", ""});
  EXPECT_EQ(csv.text(), std::string(kUtf8ByteOrderMark) + "合计,,106,\r\n");
}

}  // namespace
}  // namespace sx::sxctl
