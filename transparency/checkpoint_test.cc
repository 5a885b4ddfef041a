#include "sx/transparency/checkpoint.h"

#include <gtest/gtest.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_replace.h"

namespace sx::transparency {
namespace {

constexpr char kRootHex[] =
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328";

Checkpoint Example() {
  Checkpoint checkpoint;
  checkpoint.origin = "demo-hub";
  checkpoint.hash_name = "sha256";
  checkpoint.tree_size = 8;
  checkpoint.root_hash = absl::HexStringToBytes(kRootHex);
  checkpoint.time = absl::FromUnixSeconds(1714564800);  // 2024-05-01 12:00 UTC
  return checkpoint;
}

constexpr char kExampleText[] =
    "sxhub-checkpoint/v1\n"
    "origin demo-hub\n"
    "hash sha256\n"
    "size 8\n"
    "root XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n"
    "time 2024-05-01T12:00:00Z\n";

TEST(CheckpointTest, FormatsTheDocumentedText) {
  absl::StatusOr<std::string> text = FormatCheckpoint(Example());
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(*text, kExampleText);
}

TEST(CheckpointTest, ParsesTheDocumentedText) {
  absl::StatusOr<Checkpoint> parsed = ParseCheckpoint(kExampleText);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, Example());
}

TEST(CheckpointTest, RoundTrips) {
  std::vector<Checkpoint> cases;
  cases.push_back(Example());
  Checkpoint sm3 = Example();
  sm3.hash_name = "sm3";
  sm3.tree_size = 0;
  sm3.root_hash = std::string(32, '\xff');
  sm3.time = absl::FromUnixMillis(1714564800250);  // .25 s
  cases.push_back(sm3);
  Checkpoint big = Example();
  big.tree_size = ~uint64_t{0};
  big.time = absl::FromUnixNanos(1714564800000000001);
  big.origin = "a";
  cases.push_back(big);
  for (const Checkpoint& checkpoint : cases) {
    absl::StatusOr<std::string> text = FormatCheckpoint(checkpoint);
    ASSERT_TRUE(text.ok()) << text.status();
    absl::StatusOr<Checkpoint> parsed = ParseCheckpoint(*text);
    ASSERT_TRUE(parsed.ok()) << *text << parsed.status();
    EXPECT_EQ(*parsed, checkpoint) << *text;
  }
  EXPECT_NE(FormatCheckpoint(sm3).value().find("time 2024-05-01T12:00:00.25Z"),
            std::string::npos);
}

TEST(CheckpointTest, FormatRejectsFieldsThatWouldBreakTheText) {
  auto with = [](auto change) {
    Checkpoint checkpoint = Example();
    change(checkpoint);
    return FormatCheckpoint(checkpoint).status().code();
  };
  const auto kInvalid = absl::StatusCode::kInvalidArgument;
  EXPECT_EQ(with([](Checkpoint& c) { c.origin = ""; }), kInvalid);
  EXPECT_EQ(with([](Checkpoint& c) { c.origin = "hub\nsize 9"; }), kInvalid);
  EXPECT_EQ(with([](Checkpoint& c) { c.origin = "two words"; }), kInvalid);
  EXPECT_EQ(with([](Checkpoint& c) { c.origin = "监委"; }), kInvalid);
  EXPECT_EQ(with([](Checkpoint& c) { c.hash_name = "SHA256"; }), kInvalid);
  EXPECT_EQ(with([](Checkpoint& c) { c.root_hash.pop_back(); }), kInvalid);
  EXPECT_EQ(with([](Checkpoint& c) { c.time = absl::InfiniteFuture(); }),
            kInvalid);
}

TEST(CheckpointTest, ParseIsStrict) {
  const std::string good = kExampleText;
  auto replaced = [&](absl::string_view from, absl::string_view to) {
    std::string text = absl::StrReplaceAll(good, {{from, to}});
    EXPECT_NE(text, good) << from;
    return text;
  };
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"no final newline", good.substr(0, good.size() - 1)},
      {"extra blank line", good + "\n"},
      {"extra line", good + "extra 1\n"},
      {"CRLF", replaced("\n", "\r\n")},
      {"other version", replaced("/v1", "/v2")},
      {"swapped lines",
       replaced("hash sha256\nsize 8\n", "size 8\nhash sha256\n")},
      {"missing line", replaced("hash sha256\n", "")},
      {"double space", replaced("size 8", "size  8")},
      {"tab", replaced("size 8", "size\t8")},
      {"upper-case key", replaced("size 8", "SIZE 8")},
      {"empty origin", replaced("origin demo-hub", "origin ")},
      {"origin with space", replaced("origin demo-hub", "origin demo hub")},
      {"unknown hash", replaced("hash sha256", "hash sha512")},
      {"upper-case hash", replaced("hash sha256", "hash SHA256")},
      {"empty size", replaced("size 8", "size ")},
      {"leading zero", replaced("size 8", "size 08")},
      {"plus sign", replaced("size 8", "size +8")},
      {"negative size", replaced("size 8", "size -8")},
      {"hex size", replaced("size 8", "size 0x8")},
      {"size overflow", replaced("size 8", "size 18446744073709551616")},
      {"trailing space", replaced("size 8", "size 8 ")},
      {"unpadded root", replaced("Qyg=", "Qyg")},
      {"url-safe root", replaced("z+Nw7/Rg", "z-Nw7_Rg")},
      {"root with space", replaced("root Xcna", "root  Xcna")},
      {"short root", replaced("XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=",
                              "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/Rg")},
      {"not base64", replaced("Qyg=", "Q*g=")},
      {"offset time", replaced("12:00:00Z", "12:00:00+00:00")},
      {"other zone", replaced("12:00:00Z", "20:00:00+08:00")},
      {"lower-case z", replaced("12:00:00Z", "12:00:00z")},
      {"lower-case t", replaced("01T12", "01t12")},
      {"trailing zero fraction", replaced("12:00:00Z", "12:00:00.0Z")},
      {"no seconds", replaced("12:00:00Z", "12:00Z")},
      {"date only", replaced("2024-05-01T12:00:00Z", "2024-05-01")},
      {"infinite time", replaced("2024-05-01T12:00:00Z", "infinite-future")},
      {"invalid date", replaced("2024-05-01", "2024-02-30")},
      {"empty", ""},
  };
  for (const auto& [description, text] : bad) {
    absl::StatusOr<Checkpoint> parsed = ParseCheckpoint(text);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument)
        << description << ":\n"
        << text;
  }
}

TEST(CheckpointTest, ParseErrorsNameTheLine) {
  absl::StatusOr<Checkpoint> parsed = ParseCheckpoint(
      absl::StrReplaceAll(kExampleText, {{"size 8", "size 08"}}));
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("line 4"), absl::string_view::npos)
      << parsed.status();
}

}  // namespace
}  // namespace sx::transparency
