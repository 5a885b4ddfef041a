#include "sx/transparency/merkle_hasher.h"

#include <gtest/gtest.h>

#include "absl/strings/escaping.h"

namespace sx::transparency {
namespace {

std::string Hex(absl::string_view bytes) {
  return absl::BytesToHexString(bytes);
}

MerkleHasher Hasher(HashAlgorithm algorithm) {
  absl::StatusOr<MerkleHasher> hasher = MerkleHasher::Create(algorithm);
  EXPECT_TRUE(hasher.ok()) << hasher.status();
  return *std::move(hasher);
}

TEST(MerkleHasherTest, Sha256MatchesRfc6962) {
  MerkleHasher hasher = Hasher(HashAlgorithm::kSha256);
  EXPECT_EQ(hasher.size(), 32u);
  EXPECT_EQ(hasher.name(), "sha256");
  EXPECT_EQ(Hex(hasher.EmptyRoot()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // The tree of the one empty leaf: SHA-256(0x00).
  EXPECT_EQ(Hex(hasher.LeafHash("")),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  // Node hash prefixes 0x01 and concatenates.
  const std::string left = hasher.LeafHash("");
  const std::string right = hasher.LeafHash(std::string(1, '\0'));
  EXPECT_EQ(hasher.NodeHash(left, right),
            hasher.Digest(std::string(1, '\x01') + left + right));
  EXPECT_EQ(Hex(hasher.NodeHash(left, right)),
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125");
  // Leaf and node domains differ for the same bytes.
  EXPECT_NE(hasher.LeafHash(left + right), hasher.NodeHash(left, right));
}

TEST(MerkleHasherTest, Sm3KnownAnswers) {
  MerkleHasher hasher = Hasher(HashAlgorithm::kSm3);
  EXPECT_EQ(hasher.size(), 32u);
  EXPECT_EQ(hasher.name(), "sm3");
  // GB/T 32905-2016 appendix A.1.
  EXPECT_EQ(Hex(hasher.Digest("abc")),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
  EXPECT_EQ(Hex(hasher.EmptyRoot()),
            "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b");
  EXPECT_EQ(hasher.LeafHash("abc"), hasher.Digest(std::string("\0abc", 4)));
  EXPECT_NE(hasher.LeafHash("abc"),
            Hasher(HashAlgorithm::kSha256).LeafHash("abc"));
}

TEST(MerkleHasherTest, CopiesShareTheDigest) {
  MerkleHasher hasher = Hasher(HashAlgorithm::kSm3);
  MerkleHasher copy = hasher;
  EXPECT_EQ(copy.LeafHash("x"), hasher.LeafHash("x"));
  EXPECT_EQ(copy.algorithm(), HashAlgorithm::kSm3);
}

TEST(HashAlgorithmTest, NamesRoundTrip) {
  for (HashAlgorithm algorithm :
       {HashAlgorithm::kSha256, HashAlgorithm::kSm3}) {
    absl::StatusOr<HashAlgorithm> parsed =
        ParseHashAlgorithm(HashAlgorithmName(algorithm));
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(*parsed, algorithm);
    EXPECT_EQ(HashAlgorithmDigestSize(algorithm), 32u);
  }
}

TEST(HashAlgorithmTest, ParseIsExact) {
  for (absl::string_view name :
       {"", "SHA256", "sha-256", "SM3", " sm3", "sm3 ", "sha512"}) {
    absl::StatusOr<HashAlgorithm> parsed = ParseHashAlgorithm(name);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument)
        << name;
  }
}

}  // namespace
}  // namespace sx::transparency
