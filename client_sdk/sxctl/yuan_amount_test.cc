#include "client_sdk/sxctl/yuan_amount.h"

#include <cstdint>
#include <limits>

#include "gtest/gtest.h"

namespace sx::sxctl {
namespace {

int64_t Fen(absl::string_view text) {
  int64_t fen = -1;
  EXPECT_TRUE(ParseYuanAsFen(text, &fen)) << text;
  return fen;
}

TEST(YuanAmountTest, ReadsYuanExactlyAsFen) {
  EXPECT_EQ(Fen("12.5"), 1250);
  EXPECT_EQ(Fen("12.50"), 1250);
  EXPECT_EQ(Fen("0.05"), 5);
  EXPECT_EQ(Fen("0"), 0);
  EXPECT_EQ(Fen("300"), 30000);
  // 0.29 is not exact in binary; 0.29 * 100 as a double is 28.999...
  EXPECT_EQ(Fen("0.29"), 29);
  EXPECT_EQ(Fen("1234567.89"), 123456789);
  EXPECT_EQ(Fen("92233720368547758.07"), std::numeric_limits<int64_t>::max());
}

TEST(YuanAmountTest, RefusesWhatIsNotPlainYuan) {
  for (const char* bad : {"", ".", "12.", ".5", "12.345", "-1", "+1", "1e3",
                          "1,000", " 12", "12 ", "12.5元", "¥12", "0x10",
                          "92233720368547758.08", "99999999999999999999"}) {
    int64_t fen = 7;
    EXPECT_FALSE(ParseYuanAsFen(bad, &fen)) << bad;
    EXPECT_EQ(fen, 7) << "a failed parse must not write: " << bad;
  }
}

TEST(YuanAmountTest, PrintsFenAsYuanWithTwoDecimals) {
  EXPECT_EQ(FormatFenAsYuan(1250), "12.50");
  EXPECT_EQ(FormatFenAsYuan(5), "0.05");
  EXPECT_EQ(FormatFenAsYuan(0), "0.00");
  EXPECT_EQ(FormatFenAsYuan(-5), "-0.05");
  EXPECT_EQ(FormatFenAsYuan(std::numeric_limits<int64_t>::min()),
            "-92233720368547758.08");
}

}  // namespace
}  // namespace sx::sxctl
