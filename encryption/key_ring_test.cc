#include "sx/encryption/key_ring.h"

#include <sys/stat.h>

#include <fstream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace sx::encryption {
namespace {

using ::sx::testing::TempDir;

constexpr char kKeyA[] =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr char kKeyB[] =
    "1314d7d85667aa7c40dc733bc6e70fb799573951385701314ccada8179290e2c";
// Computed once with the OpenSSL command line, independently of this code:
//   printf 'sxhub key fingerprint' |
//       openssl mac -digest SHA256 -macopt hexkey:<key> HMAC
// (the first 16 hex digits, in lower case).
constexpr char kFingerprintA[] = "c424b408fc477bb8";
constexpr char kFingerprintB[] = "e6e537a18aa45600";

std::string KeyLine(absl::string_view name, absl::string_view hex) {
  return absl::StrCat(name, " ", hex, "\n");
}

std::string TwoKeyText() {
  return absl::StrCat("# sxhub key file\n", KeyLine("2026-12", kKeyA),
                      KeyLine("2026-06", kKeyB));
}

// Writes `text` to a file of mode `mode` in `dir` and returns its path.
std::string WriteKeyFile(const TempDir& dir, const std::string& text,
                         mode_t mode) {
  const std::string path = dir.Sub("keys");
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  EXPECT_EQ(chmod(path.c_str(), mode), 0);
  return path;
}

// Neither key, nor any 16-digit run of either, in either case.
void ExpectQuotesNoKey(const absl::Status& status) {
  const std::string message = absl::AsciiStrToLower(status.message());
  for (absl::string_view key : {kKeyA, kKeyB}) {
    for (size_t start = 0; start + 16 <= key.size(); ++start) {
      EXPECT_FALSE(absl::StrContains(message, key.substr(start, 16)))
          << "the message quotes key material: " << status.message();
    }
  }
}

TEST(KeyRingTest, LoadsTwoKeysAndTheFirstIsCurrent) {
  TempDir dir;
  absl::StatusOr<KeyRing> ring =
      KeyRing::LoadFile(WriteKeyFile(dir, TwoKeyText(), 0600));
  ASSERT_TRUE(ring.ok()) << ring.status();

  ASSERT_EQ(ring->keys().size(), 2u);
  EXPECT_EQ(ring->current().name, "2026-12");
  EXPECT_EQ(ring->current().secret, absl::HexStringToBytes(kKeyA));
  EXPECT_EQ(ring->current().fingerprint, kFingerprintA);
  EXPECT_EQ(ring->keys()[1].name, "2026-06");
  EXPECT_EQ(ring->keys()[1].secret, absl::HexStringToBytes(kKeyB));
  EXPECT_EQ(ring->keys()[1].fingerprint, kFingerprintB);
}

TEST(KeyRingTest, FindsKeysByFingerprintOnly) {
  absl::StatusOr<KeyRing> ring = KeyRing::Parse(TwoKeyText(), "keys");
  ASSERT_TRUE(ring.ok()) << ring.status();

  EXPECT_EQ(ring->Find(kFingerprintA), &ring->keys()[0]);
  EXPECT_EQ(ring->Find(kFingerprintB), &ring->keys()[1]);
  EXPECT_EQ(ring->Find("2026-12"), nullptr);
  EXPECT_EQ(ring->Find("0000000000000000"), nullptr);
  EXPECT_EQ(ring->Find(""), nullptr);
}

TEST(KeyRingTest, FingerprintMatchesTheOpensslCommandLine) {
  EXPECT_EQ(KeyFingerprint(absl::HexStringToBytes(kKeyA)), kFingerprintA);
  EXPECT_EQ(KeyFingerprint(absl::HexStringToBytes(kKeyB)), kFingerprintB);
}

TEST(KeyRingTest, AcceptsCommentsBlankLinesUpperCaseAndTrailingSpace) {
  const std::string text =
      absl::StrCat("\n# rotated 2026-12\n   # an indented comment\n\n   \n",
                   "2026-12 ", absl::AsciiStrToUpper(kKeyA), "  \t\r\n",  //
                   "\n", "2026-06\t", kKeyB);  // No newline at the end.
  absl::StatusOr<KeyRing> ring = KeyRing::Parse(text, "keys");
  ASSERT_TRUE(ring.ok()) << ring.status();

  ASSERT_EQ(ring->keys().size(), 2u);
  EXPECT_EQ(ring->current().secret, absl::HexStringToBytes(kKeyA));
  EXPECT_EQ(ring->current().fingerprint, kFingerprintA);
  EXPECT_EQ(ring->keys()[1].name, "2026-06");
}

TEST(KeyRingTest, AcceptsAReadOnlyFile) {
  TempDir dir;
  absl::StatusOr<KeyRing> ring =
      KeyRing::LoadFile(WriteKeyFile(dir, TwoKeyText(), 0400));
  ASSERT_TRUE(ring.ok()) << ring.status();
  EXPECT_EQ(ring->keys().size(), 2u);
}

TEST(KeyRingTest, RefusesAFileOthersMayRead) {
  TempDir dir;
  const std::string path = WriteKeyFile(dir, TwoKeyText(), 0644);
  absl::StatusOr<KeyRing> ring = KeyRing::LoadFile(path);

  EXPECT_EQ(ring.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(ring.status().message(), path));
  EXPECT_TRUE(absl::StrContains(ring.status().message(),
                                "is readable by others (mode 0644)"))
      << ring.status();
  EXPECT_TRUE(absl::StrContains(ring.status().message(), "chmod 600"));
  ExpectQuotesNoKey(ring.status());
}

TEST(KeyRingTest, RefusesAnyAccessByGroupOrOthers) {
  for (mode_t mode : {0640, 0620, 0610, 0604, 0602, 0601}) {
    TempDir dir;
    absl::StatusOr<KeyRing> ring =
        KeyRing::LoadFile(WriteKeyFile(dir, TwoKeyText(), mode));
    EXPECT_EQ(ring.status().code(), absl::StatusCode::kFailedPrecondition)
        << std::oct << mode;
  }
}

TEST(KeyRingTest, RefusesAMissingFileNamingItAndWhy) {
  TempDir dir;
  const std::string path = dir.Sub("no-such-keys");
  absl::StatusOr<KeyRing> ring = KeyRing::LoadFile(path);

  EXPECT_EQ(ring.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(ring.status().message(), path));
  EXPECT_TRUE(
      absl::StrContains(ring.status().message(), "No such file or directory"))
      << ring.status();
}

TEST(KeyRingTest, RefusesADirectory) {
  TempDir dir;  // mkdtemp makes it 0700, so only its type is wrong.
  absl::StatusOr<KeyRing> ring = KeyRing::LoadFile(dir.path());

  EXPECT_EQ(ring.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(ring.status().message(), "not a regular file"))
      << ring.status();
}

TEST(KeyRingTest, RefusesAFileWithoutKeys) {
  for (const std::string& text :
       {std::string(""), std::string("\n\n"), std::string("# only\n  \n")}) {
    absl::StatusOr<KeyRing> ring = KeyRing::Parse(text, "keys");
    EXPECT_EQ(ring.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StrContains(ring.status().message(), "no key"))
        << ring.status();
  }
  TempDir dir;
  absl::StatusOr<KeyRing> ring = KeyRing::LoadFile(WriteKeyFile(dir, "", 0600));
  EXPECT_EQ(ring.status().code(), absl::StatusCode::kInvalidArgument);
}

struct BadLineCase {
  const char* test_name;
  // A line that Parse must refuse, put on line 3 after a comment and a good
  // key.
  std::string line;
};

// Names the case in failure messages instead of dumping its bytes.
void PrintTo(const BadLineCase& bad_line, std::ostream* out) {
  *out << bad_line.test_name;
}

class KeyRingBadLineTest : public ::testing::TestWithParam<BadLineCase> {
 protected:
  static std::string Text() {
    return absl::StrCat("# keys\n", KeyLine("2026-12", kKeyA), GetParam().line,
                        "\n", KeyLine("2025-12", kKeyB));
  }
};

TEST_P(KeyRingBadLineTest, IsRefusedNamingTheLineButNotTheKey) {
  absl::StatusOr<KeyRing> ring = KeyRing::Parse(Text(), "/etc/sxhub/keys");

  EXPECT_EQ(ring.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(ring.status().message(), "/etc/sxhub/keys:3: "))
      << ring.status();
  ExpectQuotesNoKey(ring.status());
}

TEST_P(KeyRingBadLineTest, IsRefusedFromAFileNamingItsPath) {
  TempDir dir;
  const std::string path = WriteKeyFile(dir, Text(), 0600);
  absl::StatusOr<KeyRing> ring = KeyRing::LoadFile(path);

  EXPECT_EQ(ring.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(ring.status().message(), path + ":3: "))
      << ring.status();
  ExpectQuotesNoKey(ring.status());
}

std::string WithDigitReplaced(absl::string_view hex, size_t at, char digit) {
  std::string changed(hex);
  changed[at] = digit;
  return changed;
}

INSTANTIATE_TEST_SUITE_P(
    Lines, KeyRingBadLineTest,
    ::testing::Values(
        BadLineCase{"NotHex", "2026-06 " + WithDigitReplaced(kKeyB, 40, 'g')},
        BadLineCase{"ShortKey", "2026-06 " + std::string(kKeyB).substr(0, 62)},
        BadLineCase{"LongKey", absl::StrCat("2026-06 ", kKeyB, "00")},
        BadLineCase{"KeyWithoutName", kKeyB},
        BadLineCase{"KeyBeforeName", absl::StrCat(kKeyB, " 2026-06")},
        BadLineCase{"ThreeFields", absl::StrCat("2026 06 ", kKeyB)},
        BadLineCase{"DuplicateName", absl::StrCat("2026-12 ", kKeyB)},
        BadLineCase{"DuplicateKey", absl::StrCat("2026-06 ", kKeyA)},
        BadLineCase{"DuplicateKeyInUpperCase",
                    absl::StrCat("2026-06 ", absl::AsciiStrToUpper(kKeyA))}),
    [](const ::testing::TestParamInfo<BadLineCase>& info) {
      return std::string(info.param.test_name);
    });

TEST(KeyRingTest, NamesWhereADuplicateWasFirstUsed) {
  absl::StatusOr<KeyRing> by_name = KeyRing::Parse(
      absl::StrCat(KeyLine("a", kKeyA), "\n", KeyLine("a", kKeyB)), "keys");
  EXPECT_EQ(by_name.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(by_name.status().message(), "keys:3:"));
  EXPECT_TRUE(absl::StrContains(by_name.status().message(), "on line 1"))
      << by_name.status();

  absl::StatusOr<KeyRing> by_key = KeyRing::Parse(
      absl::StrCat(KeyLine("a", kKeyA), KeyLine("b", kKeyA)), "keys");
  EXPECT_EQ(by_key.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(by_key.status().message(), "keys:2:"));
  EXPECT_TRUE(absl::StrContains(by_key.status().message(), "same key"))
      << by_key.status();
}

TEST(KeyRingTest, CopiesHoldTheSameKeys) {
  absl::StatusOr<KeyRing> ring = KeyRing::Parse(TwoKeyText(), "keys");
  ASSERT_TRUE(ring.ok()) << ring.status();
  std::optional<KeyRing> copy(*ring);
  absl::StatusOr<KeyRing> other =
      KeyRing::Parse(KeyLine("other", kKeyB), "keys");
  ASSERT_TRUE(other.ok()) << other.status();
  ring = absl::InternalError("gone");  // the original goes; the copy stays

  ASSERT_EQ(copy->keys().size(), 2u);
  EXPECT_EQ(copy->current().secret, absl::HexStringToBytes(kKeyA));
  EXPECT_EQ(other->current().secret, absl::HexStringToBytes(kKeyB));
}

}  // namespace
}  // namespace sx::encryption
