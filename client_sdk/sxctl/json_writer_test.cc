#include "client_sdk/sxctl/json_writer.h"

#include <cmath>
#include <string>

#include "gtest/gtest.h"

namespace sx::sxctl {
namespace {

TEST(JsonQuoteTest, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(JsonQuote("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(JsonQuote("\n\r\t\b\f"), R"("\n\r\t\b\f")");
  EXPECT_EQ(JsonQuote(std::string("\x01\x1f\x7f", 3)),
            R"("\u0001\u001f\u007f")");
  EXPECT_EQ(JsonQuote(std::string("a\0b", 3)), R"("a\u0000b")");
}

TEST(JsonQuoteTest, KeepsChineseAsUtf8) {
  EXPECT_EQ(JsonQuote("县土地储备中心"), "\"县土地储备中心\"");
  EXPECT_EQ(JsonQuote("😀"), "\"😀\"");
}

TEST(JsonQuoteTest, EscapesJavaScriptLineSeparators) {
  EXPECT_EQ(JsonQuote("\u2028\u2029"), R"("\u2028\u2029")");
}

TEST(JsonQuoteTest, ReplacesInvalidUtf8) {
  // A GBK-encoded byte pair, a lone continuation byte, an overlong '/', a
  // UTF-16 surrogate and a truncated sequence.
  EXPECT_EQ(JsonQuote("\xcf\xdf"), "\"\xef\xbf\xbd\xef\xbf\xbd\"");
  EXPECT_EQ(JsonQuote("a\x80z"), "\"a\xef\xbf\xbdz\"");
  EXPECT_EQ(JsonQuote("\xc0\xaf"), "\"\xef\xbf\xbd\xef\xbf\xbd\"");
  EXPECT_EQ(JsonQuote("\xed\xa0\x80"),
            "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
  EXPECT_EQ(JsonQuote("\xe5\x8e"), "\"\xef\xbf\xbd\xef\xbf\xbd\"");
}

TEST(JsonWriterTest, CompactNestsObjectsAndArrays) {
  JsonWriter json(JsonWriter::Style::kCompact);
  json.BeginObject();
  json.Key("id").String("R-1");
  json.Key("n").Int(-3);
  json.Key("seq").Uint(18446744073709551615u);
  json.Key("ok").Bool(true);
  json.Key("lead").Null();
  json.Key("tags").BeginArray().String("a").BeginObject().EndObject();
  json.BeginArray().EndArray().EndArray();
  json.EndObject();
  EXPECT_EQ(json.text(),
            R"({"id":"R-1","n":-3,"seq":18446744073709551615,"ok":true,)"
            R"("lead":null,"tags":["a",{},[]]})");
}

TEST(JsonWriterTest, PrettyIndentsByTwo) {
  JsonWriter json(JsonWriter::Style::kPretty);
  json.BeginObject();
  json.Key("a").BeginArray().Int(1).Int(2).EndArray();
  json.Key("b").BeginObject().EndObject();
  json.EndObject();
  EXPECT_EQ(json.text(),
            "{\n"
            "  \"a\": [\n"
            "    1,\n"
            "    2\n"
            "  ],\n"
            "  \"b\": {}\n"
            "}");
}

TEST(JsonWriterTest, TopLevelArrayOfObjects) {
  JsonWriter json(JsonWriter::Style::kCompact);
  json.BeginArray();
  json.BeginObject().Key("k").String("v").EndObject();
  json.BeginObject().EndObject();
  json.EndArray();
  EXPECT_EQ(json.text(), R"([{"k":"v"},{}])");
}

TEST(JsonWriterTest, DoublesAreNumbersOrNull) {
  JsonWriter json(JsonWriter::Style::kCompact);
  json.BeginArray();
  json.Double(1.5).Double(0).Double(2.0 / 3).Double(std::nan(""));
  json.EndArray();
  EXPECT_EQ(json.text(), "[1.5,0,0.666667,null]");
}

}  // namespace
}  // namespace sx::sxctl
