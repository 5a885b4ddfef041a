#include "client_sdk/sxctl/command_context.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client_sdk/sxctl/deadline_date.h"
#include "gtest/gtest.h"

namespace sx::sxctl {
namespace {

// What the parser would have checked and stored: option name → values.
Invocation With(std::map<std::string, std::vector<std::string>> values) {
  Invocation invocation;
  invocation.values = std::move(values);
  return invocation;
}

TEST(CommandContextTest, IdListsSplitAtCommasInTheOrderGiven) {
  absl::StatusOr<std::vector<std::string>> ids = IdListOption(
      With(
          {{"cites", {"demo-0000000014, demo-0000000015", "demo-0000000016"}}}),
      "cites", "referral");
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_EQ(*ids,
            (std::vector<std::string>{"demo-0000000014", "demo-0000000015",
                                      "demo-0000000016"}));

  ids = IdListOption(With({}), "cites", "referral");
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_TRUE(ids->empty()) << "not given: none";

  const absl::Status empty =
      IdListOption(With({{"to", {"a,,b"}}}), "to", "agency").status();
  EXPECT_TRUE(IsUsageError(empty)) << empty;
  EXPECT_EQ(empty.message(),
            "--to 'a,,b' names an empty agency; separate agency ids with "
            "single commas");
  EXPECT_EQ(IdListOption(With({{"cites", {""}}}), "cites", "referral")
                .status()
                .message(),
            "--cites '' names an empty referral; separate referral ids with "
            "single commas");
}

// Deadlines are read as deadline_date.h reads them: a day is by its end in
// China Standard Time.
TEST(CommandContextTest, DeadlinesAreDaysEndingInChinaStandardTime) {
  absl::Time due = absl::InfinitePast();
  ASSERT_TRUE(
      DeadlineOption(With({{"due", {"2026-01-20"}}}), "due", &due).ok());
  // 2026-01-21T00:00:00+08:00.
  EXPECT_EQ(due, absl::FromUnixSeconds(1768924800));

  absl::Time untouched = absl::InfinitePast();
  ASSERT_TRUE(DeadlineOption(With({}), "due", &untouched).ok());
  EXPECT_EQ(untouched, absl::InfinitePast()) << "not given: left alone";

  const absl::Status bad =
      DeadlineOption(With({{"due", {"2026/01/20"}}}), "due", &untouched);
  EXPECT_TRUE(IsUsageError(bad)) << bad;
  EXPECT_EQ(bad.message(),
            std::string("--due '2026/01/20' is not ") + kDeadlineForms);
  EXPECT_EQ(untouched, absl::InfinitePast());
}

TEST(CommandContextTest, ReviewDateGoesWithItsChoiceOnlyAndIsRequiredThere) {
  absl::Time review = absl::InfinitePast();
  ASSERT_TRUE(ReviewDateOption(With({{"review-date", {"2026-06-30"}}}), true,
                               "--method kept_pending", "when", &review)
                  .ok());
  // 2026-07-01T00:00:00+08:00: by the end of the day.
  EXPECT_EQ(review, absl::FromUnixSeconds(1782835200));

  absl::Time unset = absl::InfinitePast();
  EXPECT_TRUE(
      ReviewDateOption(With({}), false, "--kind long_term", "when", &unset)
          .ok());
  EXPECT_EQ(unset, absl::InfinitePast());

  const absl::Status missing =
      ReviewDateOption(With({}), true, "--method kept_pending",
                       "when the lead is reviewed again", &unset);
  EXPECT_TRUE(IsUsageError(missing)) << missing;
  EXPECT_EQ(missing.message(),
            "--method kept_pending needs --review-date DATE: when the lead is "
            "reviewed again");
  const absl::Status stray =
      ReviewDateOption(With({{"review-date", {"2026-06-30"}}}), false,
                       "--method kept_pending", "when", &unset);
  EXPECT_TRUE(IsUsageError(stray)) << stray;
  EXPECT_EQ(stray.message(),
            "--review-date goes with --method kept_pending only");
  const absl::Status bad =
      ReviewDateOption(With({{"review-date", {"明年六月"}}}), true,
                       "--method kept_pending", "when", &unset);
  EXPECT_TRUE(IsUsageError(bad)) << bad;
  EXPECT_EQ(unset, absl::InfinitePast()) << "nothing set by a failed check";
}

}  // namespace
}  // namespace sx::sxctl
