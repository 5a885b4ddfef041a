#include "client_sdk/sxctl/deadline_date.h"

#include "gtest/gtest.h"

namespace sx::sxctl {
namespace {

TEST(DeadlineDateTest, ADayEndsAtMidnightChinaStandardTime) {
  absl::Time deadline;
  ASSERT_TRUE(ParseDeadline("2025-03-31", &deadline));
  // 2025-04-01T00:00:00+08:00.
  EXPECT_EQ(deadline, absl::FromUnixSeconds(1743436800));
  EXPECT_EQ(FormatDeadlineDay(deadline), "2025-03-31");
  // Month and year ends roll over.
  ASSERT_TRUE(ParseDeadline("2025-12-31", &deadline));
  EXPECT_EQ(FormatDeadlineDay(deadline), "2025-12-31");
  ASSERT_TRUE(ParseDeadline("2028-02-29", &deadline));
  EXPECT_EQ(FormatDeadlineDay(deadline), "2028-02-29");
}

TEST(DeadlineDateTest, TimesAreTakenAsTheyAre) {
  absl::Time deadline;
  ASSERT_TRUE(ParseDeadline("2025-03-31T18:00:00+08:00", &deadline));
  EXPECT_EQ(deadline, absl::FromUnixSeconds(1743415200));
  EXPECT_EQ(FormatDeadlineDay(deadline), "2025-03-31");
  // 20:00 UTC is already the next day in Beijing.
  ASSERT_TRUE(ParseDeadline("2025-03-31T20:00:00Z", &deadline));
  EXPECT_EQ(FormatDeadlineDay(deadline), "2025-04-01");
}

TEST(DeadlineDateTest, RefusesOtherForms) {
  absl::Time deadline = absl::InfinitePast();
  for (const char* bad : {"", "2025-3-31", "2025/03/31", "31.03.2025",
                          "2025-02-30", "2025-03-31T18:00:00", "明天"}) {
    EXPECT_FALSE(ParseDeadline(bad, &deadline)) << bad;
  }
  EXPECT_EQ(deadline, absl::InfinitePast()) << "a failed parse must not write";
  EXPECT_EQ(FormatDeadlineDay(absl::InfinitePast()), "");
}

}  // namespace
}  // namespace sx::sxctl
