#include "storage/keys.h"

#include <limits>

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

}  // namespace
}  // namespace sx::storage::keys
