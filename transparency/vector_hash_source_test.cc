#include "transparency/vector_hash_source.h"

#include <gtest/gtest.h>

namespace sx::transparency {
namespace {

TEST(VectorHashSourceTest, ServesLeavesAndCompleteNodesOnly) {
  const MerkleHasher hasher =
      MerkleHasher::Create(HashAlgorithm::kSha256).value();
  VectorHashSource source(hasher);
  EXPECT_EQ(source.size(), 0u);
  EXPECT_EQ(source.PerfectSubtreeHash(0, 0).status().code(),
            absl::StatusCode::kOutOfRange);
  for (const char* leaf : {"a", "b", "c"}) source.AppendLeaf(leaf);
  EXPECT_EQ(source.size(), 3u);
  EXPECT_EQ(source.PerfectSubtreeHash(0, 2).value(), hasher.LeafHash("c"));
  EXPECT_EQ(source.PerfectSubtreeHash(1, 0).value(),
            hasher.NodeHash(hasher.LeafHash("a"), hasher.LeafHash("b")));
  // Node (1, 1) needs leaf 3; node (2, 0) too.
  EXPECT_EQ(source.PerfectSubtreeHash(1, 1).status().code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(source.PerfectSubtreeHash(2, 0).status().code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(source.PerfectSubtreeHash(70, 0).status().code(),
            absl::StatusCode::kOutOfRange);
}

TEST(VectorHashSourceTest, AppendLeafHashChecksTheLength) {
  const MerkleHasher hasher = MerkleHasher::Create(HashAlgorithm::kSm3).value();
  VectorHashSource source(hasher);
  EXPECT_EQ(source.AppendLeafHash("short").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(source.size(), 0u);
  EXPECT_TRUE(source.AppendLeafHash(hasher.LeafHash("a")).ok());
  EXPECT_EQ(source.size(), 1u);
}

}  // namespace
}  // namespace sx::transparency
