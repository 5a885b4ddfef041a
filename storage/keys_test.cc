#include "storage/keys.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace sx::storage::keys {
namespace {

TEST(KeysTest, Uint64RoundTripsAndSortsNumerically) {
  for (uint64_t value : {uint64_t{0}, uint64_t{1}, uint64_t{255}, uint64_t{256},
                         std::numeric_limits<uint64_t>::max()}) {
    uint64_t decoded = 0;
    ASSERT_TRUE(DecodeUint64(EncodeUint64(value), &decoded));
    EXPECT_EQ(decoded, value);
  }
  EXPECT_LT(EncodeUint64(255), EncodeUint64(256));
  EXPECT_LT(InboxKey("a", 9), InboxKey("a", 10));
}

TEST(KeysTest, DecodeRejectsWrongLength) {
  uint64_t value = 0;
  EXPECT_FALSE(DecodeUint64("1234567", &value));
  EXPECT_FALSE(DecodeUint64("123456789", &value));
}

TEST(KeysTest, PrefixesDoNotOverlapBetweenAgencies) {
  // "audit" must not see "audit-bureau"'s entries when scanning its prefix.
  EXPECT_NE(InboxKey("audit-bureau", 1).rfind(InboxPrefix("audit"), 0), 0u);
  EXPECT_NE(PartyIndexKey("audit-bureau", Side::kSender, "x")
                .rfind(PartyIndexPrefix("audit", Side::kSender), 0),
            0u);
  EXPECT_NE(PartyIndexPrefix("a", Side::kSender),
            PartyIndexPrefix("a", Side::kRecipient));
}

TEST(KeysTest, ItemDeadlineKeysRoundTrip) {
  const absl::Time due = absl::FromUnixSeconds(1735689600);  // 2025-01-01
  for (uint32_t number : {uint32_t{1}, uint32_t{12}, uint32_t{289},
                          std::numeric_limits<uint32_t>::max()}) {
    for (const char* referral_id :
         {"test-hub-0000000042", "sxhub-2-0000000007", "x"}) {
      SCOPED_TRACE(::testing::Message() << referral_id << " item " << number);
      Deadline parsed;
      ASSERT_TRUE(ParseDeadlineKey(DeadlineKey(DeadlineKind::kRectificationItem,
                                               due, referral_id, number),
                                   &parsed));
      EXPECT_EQ(parsed.kind, DeadlineKind::kRectificationItem);
      EXPECT_EQ(parsed.due, due);
      EXPECT_EQ(parsed.referral_id, referral_id);
      EXPECT_EQ(parsed.item_number, number);
    }
  }
  // The referral's own deadlines still parse as before, without a number.
  for (DeadlineKind kind :
       {DeadlineKind::kAccept, DeadlineKind::kFeedback, DeadlineKind::kReview,
        DeadlineKind::kBlueWarning, DeadlineKind::kYellowWarning,
        DeadlineKind::kReport}) {
    Deadline parsed;
    ASSERT_TRUE(ParseDeadlineKey(DeadlineKey(kind, due, "test-hub-0000000042"),
                                 &parsed));
    EXPECT_EQ(parsed.kind, kind);
    EXPECT_EQ(parsed.due, due);
    EXPECT_EQ(parsed.referral_id, "test-hub-0000000042");
    EXPECT_EQ(parsed.item_number, 0u);
  }
  // Items of one referral are different keys.
  EXPECT_NE(DeadlineKey(DeadlineKind::kRectificationItem, due, "r-1", 1),
            DeadlineKey(DeadlineKind::kRectificationItem, due, "r-1", 2));
}

TEST(KeysTest, DeadlinesSortByDueTimeWhateverTheirKind) {
  const absl::Time t0 = absl::FromUnixSeconds(1735689600);
  // Written in due order; later referral ids and larger numbers come first
  // within the list, so only the time can put them in this order.
  const std::vector<std::string> in_due_order = {
      DeadlineKey(DeadlineKind::kFeedback, t0, "test-hub-0000000099"),
      DeadlineKey(DeadlineKind::kRectificationItem, t0 + absl::Seconds(1),
                  "test-hub-0000000099", 300),
      DeadlineKey(DeadlineKind::kAccept, t0 + absl::Hours(1),
                  "test-hub-0000000050"),
      DeadlineKey(DeadlineKind::kRectificationItem, t0 + absl::Hours(24),
                  "test-hub-0000000002", 7),
      DeadlineKey(DeadlineKind::kRectificationItem, t0 + absl::Hours(48),
                  "test-hub-0000000001", 2),
      DeadlineKey(DeadlineKind::kFeedback, t0 + absl::Hours(24) * 30,
                  "test-hub-0000000001"),
      DeadlineKey(DeadlineKind::kRectificationItem, t0 + absl::Hours(24) * 365,
                  "test-hub-0000000001", 1),
  };
  EXPECT_TRUE(std::is_sorted(in_due_order.begin(), in_due_order.end()));
  // At the same time, one referral's items sort by number (2 before 10).
  EXPECT_LT(DeadlineKey(DeadlineKind::kRectificationItem, t0,
                        "test-hub-0000000001", 2),
            DeadlineKey(DeadlineKind::kRectificationItem, t0,
                        "test-hub-0000000001", 10));
}

TEST(KeysTest, MalformedItemDeadlineKeysAreRejected) {
  const absl::Time due = absl::FromUnixSeconds(1735689600);
  const std::string good = DeadlineKey(DeadlineKind::kRectificationItem, due,
                                       "test-hub-0000000042", 3);
  Deadline parsed;
  ASSERT_TRUE(ParseDeadlineKey(good, &parsed));
  const std::string when = good.substr(0, 8);
  const std::string zero(1, '\0');

  // Without the number, with a short number, or with its separator lost.
  EXPECT_FALSE(ParseDeadlineKey(good.substr(0, good.size() - 8), &parsed));
  EXPECT_FALSE(ParseDeadlineKey(good.substr(0, good.size() - 1), &parsed));
  std::string no_separator = good;
  no_separator[no_separator.size() - 9] = 'x';
  EXPECT_FALSE(ParseDeadlineKey(no_separator, &parsed));
  // No referral id at all.
  EXPECT_FALSE(ParseDeadlineKey(when + "I" + zero + EncodeUint64(3), &parsed));
  EXPECT_FALSE(ParseDeadlineKey(when + "I", &parsed));
  // A number past uint32.
  EXPECT_FALSE(ParseDeadlineKey(
      when + "I" + "test-hub-0000000042" + zero +
          EncodeUint64(uint64_t{std::numeric_limits<uint32_t>::max()} + 1),
      &parsed));
  // An 'A' key's layout under the 'I' tag.
  EXPECT_FALSE(ParseDeadlineKey(when + "Itest-hub-0000000042", &parsed));
  // An unknown tag.
  EXPECT_FALSE(ParseDeadlineKey(
      when + "X" + "test-hub-0000000042" + zero + EncodeUint64(3), &parsed));
}

TEST(KeysTest, DecodeSequenceAtEndReadsTheLastEightBytes) {
  uint64_t sequence = 0;
  ASSERT_TRUE(DecodeSequenceAtEnd(
      absl::StrCat("Gagency", std::string(1, '\0'), EncodeUint64(42)),
      &sequence));
  EXPECT_EQ(sequence, 42u);
  EXPECT_FALSE(DecodeSequenceAtEnd("short", &sequence));
}

}  // namespace
}  // namespace sx::storage::keys
