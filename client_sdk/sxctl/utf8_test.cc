#include "client_sdk/sxctl/utf8.h"

#include <string>

#include "gtest/gtest.h"

namespace sx::sxctl {
namespace {

TEST(DisplayWidthTest, CountsWideCharactersTwice) {
  EXPECT_EQ(DisplayWidth(""), 0u);
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("市纪委监委"), 10u);
  EXPECT_EQ(DisplayWidth("A组，"), 5u);    // full-width comma
  EXPECT_EQ(DisplayWidth("e\u0301"), 1u);  // combining accent
  EXPECT_EQ(DisplayWidth("→"), 1u);
}

TEST(TerminalSafeTest, EscapesControlCharactersButKeepsLines) {
  EXPECT_EQ(TerminalSafe("第一行\n第二行\tx"), "第一行\n第二行\tx");
  EXPECT_EQ(TerminalSafe("\x1b[31mred"), "\\x1b[31mred");
  EXPECT_EQ(TerminalSafe("a\rb"), "a\\x0db");
  EXPECT_EQ(TerminalSafe("\xc2\x9b"), "\\x9b");  // C1 control (CSI)
}

TEST(TerminalSafeTest, ShowsInvalidBytes) {
  EXPECT_EQ(TerminalSafe("a\xffz"), "a\\xffz");
  // A real U+FFFD in the input is kept as it is.
  EXPECT_EQ(TerminalSafe("\xef\xbf\xbd"), "\xef\xbf\xbd");
}

TEST(NextCodePointTest, DecodesEveryLength) {
  const std::string text = "a\u00e9\u4e2d\U0001F600";
  size_t pos = 0;
  EXPECT_EQ(NextCodePoint(text, &pos), U'a');
  EXPECT_EQ(NextCodePoint(text, &pos), U'\u00e9');
  EXPECT_EQ(NextCodePoint(text, &pos), U'\u4e2d');
  EXPECT_EQ(NextCodePoint(text, &pos), U'\U0001F600');
  EXPECT_EQ(pos, text.size());
}

TEST(NextCodePointTest, RejectsCodePointsPastUnicode) {
  const std::string text = "\xf4\x90\x80\x80";  // U+110000
  size_t pos = 0;
  EXPECT_EQ(NextCodePoint(text, &pos), kReplacementCharacter);
  EXPECT_EQ(pos, 1u);
}

TEST(IsValidUtf8Test, FindsInvalidBytesAnywhere) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("problem: 公务接待超标准"));
  EXPECT_TRUE(IsValidUtf8("\xef\xbf\xbd"));       // a real U+FFFD
  EXPECT_FALSE(IsValidUtf8("\xb9\xab\xce\xf1"));  // 公务 in GBK
  EXPECT_FALSE(IsValidUtf8("ok \xe5\x85"));       // cut short
}

TEST(TruncateToWidthTest, CutsByColumnsNeverInsideACharacter) {
  EXPECT_EQ(TruncateToWidth("short", 10), "short");
  EXPECT_EQ(TruncateToWidth("公务接待", 8), "公务接待");
  // 8 columns: "..." and 5 columns of room, which hold two wide characters.
  EXPECT_EQ(TruncateToWidth("公务接待超标准", 8), "公务...");
  EXPECT_EQ(TruncateToWidth("abcdefghijk", 8), "abcde...");
  EXPECT_EQ(TruncateToWidth("abcdef", 2), "...");
}

}  // namespace
}  // namespace sx::sxctl
