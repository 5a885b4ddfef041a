#include "sx/transparency/merkle_proofs.h"

#include <gtest/gtest.h>

#include <map>
#include <utility>

#include "transparency/rfc6962_test_vectors.h"
#include "transparency/vector_hash_source.h"

namespace sx::transparency {
namespace {

using testing::ReferenceLeaves;
using testing::Unhex;
using testing::UnhexAll;

MerkleHasher Sha256() {
  return MerkleHasher::Create(HashAlgorithm::kSha256).value();
}

// The RFC 6962 section 2.1 definitions, transcribed literally over a list of
// leaf hashes: an oracle independent of the subtree-based code under test.
class NaiveTree {
 public:
  NaiveTree(const MerkleHasher& hasher, std::vector<std::string> leaf_hashes)
      : hasher_(hasher), leaves_(std::move(leaf_hashes)) {}

  std::string Mth(uint64_t begin, uint64_t end) const {
    if (end == begin) return hasher_.EmptyRoot();
    if (end - begin == 1) return leaves_[begin];
    const uint64_t k = Split(end - begin);
    return hasher_.NodeHash(Mth(begin, begin + k), Mth(begin + k, end));
  }

  std::vector<std::string> Path(uint64_t m, uint64_t begin,
                                uint64_t end) const {
    if (end - begin == 1) return {};
    const uint64_t k = Split(end - begin);
    std::vector<std::string> path;
    if (m < k) {
      path = Path(m, begin, begin + k);
      path.push_back(Mth(begin + k, end));
    } else {
      path = Path(m - k, begin + k, end);
      path.push_back(Mth(begin, begin + k));
    }
    return path;
  }

  std::vector<std::string> Proof(uint64_t m, uint64_t n) const {
    if (m == 0 || m == n) return {};
    return SubProof(m, 0, n, true);
  }

 private:
  static uint64_t Split(uint64_t n) {
    uint64_t k = 1;
    while (k * 2 < n) k *= 2;
    return k;
  }

  std::vector<std::string> SubProof(uint64_t m, uint64_t begin, uint64_t end,
                                    bool b) const {
    const uint64_t n = end - begin;
    if (m == n) {
      if (b) return {};
      return {Mth(begin, end)};
    }
    const uint64_t k = Split(n);
    std::vector<std::string> proof;
    if (m <= k) {
      proof = SubProof(m, begin, begin + k, b);
      proof.push_back(Mth(begin + k, end));
    } else {
      proof = SubProof(m - k, begin + k, end, false);
      proof.push_back(Mth(begin, begin + k));
    }
    return proof;
  }

  const MerkleHasher& hasher_;
  std::vector<std::string> leaves_;
};

// Counts reads and serves a VectorHashSource.
class CountingSource : public SubtreeHashSource {
 public:
  explicit CountingSource(VectorHashSource& inner) : inner_(inner) {}
  absl::StatusOr<std::string> PerfectSubtreeHash(uint64_t level,
                                                 uint64_t index) override {
    ++reads;
    return inner_.PerfectSubtreeHash(level, index);
  }
  int reads = 0;

 private:
  VectorHashSource& inner_;
};

VectorHashSource ReferenceSource() {
  VectorHashSource source(Sha256());
  for (const std::string& leaf : ReferenceLeaves()) source.AppendLeaf(leaf);
  return source;
}

std::string LeafBytes(int i) { return "leaf-" + std::to_string(i); }

TEST(RootHashTest, MatchesReferenceRoots) {
  MerkleHasher hasher = Sha256();
  VectorHashSource source = ReferenceSource();
  for (uint64_t size = 0; size <= 8; ++size) {
    absl::StatusOr<std::string> root = RootHash(size, source, hasher);
    ASSERT_TRUE(root.ok()) << root.status();
    EXPECT_EQ(*root, Unhex(testing::kReferenceRoots[size])) << size;
  }
}

TEST(InclusionProofTest, MatchesReferenceProofs) {
  MerkleHasher hasher = Sha256();
  VectorHashSource source = ReferenceSource();
  for (const auto& vector : testing::ReferenceInclusionProofs()) {
    absl::StatusOr<std::vector<std::string>> proof =
        InclusionProof(vector.index, vector.tree_size, source, hasher);
    ASSERT_TRUE(proof.ok()) << proof.status();
    EXPECT_EQ(*proof, UnhexAll(vector.proof))
        << vector.index << " in " << vector.tree_size;
  }
}

TEST(ConsistencyProofTest, MatchesReferenceProofs) {
  MerkleHasher hasher = Sha256();
  VectorHashSource source = ReferenceSource();
  for (const auto& vector : testing::ReferenceConsistencyProofs()) {
    absl::StatusOr<std::vector<std::string>> proof =
        ConsistencyProof(vector.first_size, vector.second_size, source, hasher);
    ASSERT_TRUE(proof.ok()) << proof.status();
    EXPECT_EQ(*proof, UnhexAll(vector.proof))
        << vector.first_size << " to " << vector.second_size;
  }
}

// Every size, index and first size up to 70 against the literal RFC
// definitions, for both hash algorithms.
TEST(MerkleProofsTest, AgreeWithRfcDefinitionsForAllSmallTrees) {
  for (HashAlgorithm algorithm :
       {HashAlgorithm::kSha256, HashAlgorithm::kSm3}) {
    MerkleHasher hasher = MerkleHasher::Create(algorithm).value();
    VectorHashSource source(hasher);
    std::vector<std::string> leaf_hashes;
    for (int i = 0; i < 70; ++i) {
      source.AppendLeaf(LeafBytes(i));
      leaf_hashes.push_back(hasher.LeafHash(LeafBytes(i)));
    }
    NaiveTree naive(hasher, leaf_hashes);
    for (uint64_t n = 0; n <= 70; ++n) {
      ASSERT_EQ(RootHash(n, source, hasher).value(), naive.Mth(0, n)) << n;
      for (uint64_t m = 0; m < n; ++m) {
        ASSERT_EQ(InclusionProof(m, n, source, hasher).value(),
                  naive.Path(m, 0, n))
            << m << " in " << n;
      }
      for (uint64_t m = 0; m <= n; ++m) {
        ASSERT_EQ(ConsistencyProof(m, n, source, hasher).value(),
                  naive.Proof(m, n))
            << m << " to " << n;
      }
    }
  }
}

TEST(MerkleProofsTest, ReadLogarithmicallyManyNodes) {
  MerkleHasher hasher = Sha256();
  VectorHashSource inner(hasher);
  for (int i = 0; i < 5000; ++i) inner.AppendLeaf(LeafBytes(i));
  CountingSource source(inner);
  for (uint64_t n : {1u, 2u, 3u, 1024u, 1025u, 4097u, 4999u, 5000u}) {
    source.reads = 0;
    ASSERT_TRUE(RootHash(n, source, hasher).ok());
    // One read per perfect subtree of the decomposition: a set bit of n.
    EXPECT_EQ(source.reads, __builtin_popcountll(n)) << n;

    source.reads = 0;
    ASSERT_TRUE(InclusionProof(n / 3, n, source, hasher).ok());
    EXPECT_LE(source.reads, 2 * 13) << n;

    source.reads = 0;
    ASSERT_TRUE(ConsistencyProof(n / 2 + 1, n, source, hasher).ok());
    EXPECT_LE(source.reads, 2 * 13) << n;
  }
}

TEST(MerkleProofsTest, RejectsImpossibleRequests) {
  MerkleHasher hasher = Sha256();
  VectorHashSource source = ReferenceSource();
  EXPECT_EQ(InclusionProof(0, 0, source, hasher).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(InclusionProof(8, 8, source, hasher).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ConsistencyProof(5, 4, source, hasher).status().code(),
            absl::StatusCode::kInvalidArgument);
  // Sizes beyond what the source holds surface the source's error.
  EXPECT_EQ(RootHash(9, source, hasher).status().code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(InclusionProof(0, 9, source, hasher).status().code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(ConsistencyProof(3, 9, source, hasher).status().code(),
            absl::StatusCode::kOutOfRange);
}

TEST(MerkleProofsTest, TrivialConsistencyProofsAreEmpty) {
  MerkleHasher hasher = Sha256();
  VectorHashSource source = ReferenceSource();
  EXPECT_TRUE(ConsistencyProof(0, 0, source, hasher).value().empty());
  EXPECT_TRUE(ConsistencyProof(0, 8, source, hasher).value().empty());
  EXPECT_TRUE(ConsistencyProof(8, 8, source, hasher).value().empty());
}

class BrokenStoreSource : public SubtreeHashSource {
 public:
  absl::StatusOr<std::string> PerfectSubtreeHash(uint64_t, uint64_t) override {
    return std::string("short");
  }
};

TEST(MerkleProofsTest, StoredHashOfWrongSizeIsDataLoss) {
  MerkleHasher hasher = Sha256();
  BrokenStoreSource source;
  EXPECT_EQ(RootHash(3, source, hasher).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(NewPerfectNodesTest, OneNodePerTrailingOneBit) {
  using Nodes = std::vector<std::pair<uint64_t, uint64_t>>;
  EXPECT_EQ(NewPerfectNodes(0), Nodes{});
  EXPECT_EQ(NewPerfectNodes(1), (Nodes{{1, 0}}));
  EXPECT_EQ(NewPerfectNodes(2), Nodes{});
  EXPECT_EQ(NewPerfectNodes(3), (Nodes{{1, 1}, {2, 0}}));
  EXPECT_EQ(NewPerfectNodes(6), Nodes{});
  EXPECT_EQ(NewPerfectNodes(7), (Nodes{{1, 3}, {2, 1}, {3, 0}}));
  EXPECT_EQ(NewPerfectNodes(11), (Nodes{{1, 5}, {2, 2}}));
  EXPECT_EQ(NewPerfectNodes(~uint64_t{0}).size(), 63u);
}

// Replays appends the way a store would and checks that every perfect node
// is produced exactly once, right after its last leaf, from nodes already
// stored.
TEST(NewPerfectNodesTest, ProducesEveryPerfectNodeOnceFromStoredChildren) {
  MerkleHasher hasher = Sha256();
  std::map<std::pair<uint64_t, uint64_t>, std::string> stored;
  std::vector<std::string> leaf_hashes;
  for (uint64_t n = 0; n < 300; ++n) {
    leaf_hashes.push_back(hasher.LeafHash(LeafBytes(static_cast<int>(n))));
    stored[{0, n}] = leaf_hashes.back();
    uint64_t previous_level = 0;
    for (const auto& [level, index] : NewPerfectNodes(n)) {
      EXPECT_EQ(level, previous_level + 1);
      previous_level = level;
      // Its last leaf is the one just appended.
      EXPECT_EQ(((index + 1) << level) - 1, n);
      ASSERT_EQ(stored.count({level, index}), 0u);
      auto left = stored.find({level - 1, 2 * index});
      auto right = stored.find({level - 1, 2 * index + 1});
      ASSERT_NE(left, stored.end());
      ASSERT_NE(right, stored.end());
      stored[{level, index}] = hasher.NodeHash(left->second, right->second);
    }
  }
  // Exactly the complete perfect nodes of a 300-leaf tree exist.
  size_t expected = 0;
  for (uint64_t level = 0; (uint64_t{1} << level) <= 300; ++level) {
    expected += 300 >> level;
  }
  EXPECT_EQ(stored.size(), expected);
  NaiveTree naive(hasher, leaf_hashes);
  EXPECT_EQ(stored[std::make_pair(8, 0)], naive.Mth(0, 256));
  EXPECT_EQ(stored[std::make_pair(2, 70)], naive.Mth(280, 284));
}

}  // namespace
}  // namespace sx::transparency
