#include "sx/transparency/merkle_verifier.h"

#include <gtest/gtest.h>

#include <functional>

#include "absl/strings/str_cat.h"
#include "sx/transparency/merkle_proofs.h"
#include "transparency/rfc6962_test_vectors.h"
#include "transparency/vector_hash_source.h"

namespace sx::transparency {
namespace {

using testing::ReferenceLeaves;
using testing::Unhex;
using testing::UnhexAll;
using Proof = std::vector<std::string>;

constexpr uint64_t kMaxSweepSize = 70;

MerkleHasher Sha256() {
  return MerkleHasher::Create(HashAlgorithm::kSha256).value();
}

std::string Root(uint64_t n) { return Unhex(testing::kReferenceRoots[n]); }

std::string LeafBytes(int log, uint64_t i) {
  return absl::StrCat("log-", log, "-leaf-", i);
}

// Any changed byte changes the hash; first, middle and last stand for all.
std::vector<size_t> FlippedBytes(size_t size) {
  if (size == 0) return {};
  return {0, size / 2, size - 1};
}

Proof WithByteFlipped(Proof proof, size_t element, size_t byte) {
  proof[element][byte] ^= 0x10;
  return proof;
}

Proof Extended(Proof proof, std::string hash) {
  proof.push_back(std::move(hash));
  return proof;
}

Proof Prepended(Proof proof, std::string hash) {
  proof.insert(proof.begin(), std::move(hash));
  return proof;
}

// A probe is a modified call that must not verify.
struct Probe {
  std::string description;
  std::function<absl::Status()> verify;
};

// Tampered variants of a valid inclusion proof, after transparency-dev's
// corruptInclusionProof plus byte flips.
std::vector<Probe> InclusionProbes(const MerkleHasher& hasher, uint64_t index,
                                   uint64_t size, const std::string& leaf,
                                   const Proof& proof,
                                   const std::string& root) {
  std::vector<Probe> probes;
  auto add = [&](std::string description, uint64_t i, uint64_t n, std::string l,
                 Proof p, std::string r) {
    probes.push_back({std::move(description), [=, &hasher] {
                        return VerifyInclusion(hasher, i, n, l, p, r);
                      }});
  };
  if (index > 0) add("index - 1", index - 1, size, leaf, proof, root);
  if (index + 1 < size) add("index + 1", index + 1, size, leaf, proof, root);
  if ((index ^ 2) < size) add("index ^ 2", index ^ 2, size, leaf, proof, root);
  add("index = size", size, size, leaf, proof, root);
  add("size * 2", index, size * 2, leaf, proof, root);
  if (size / 2 > index) add("size / 2", index, size / 2, leaf, proof, root);
  add("wrong leaf", index, size, hasher.LeafHash("wrong"), proof, root);
  add("empty root", index, size, leaf, proof, hasher.EmptyRoot());
  add("other root", index, size, leaf, proof, hasher.LeafHash("other"));
  add("short root", index, size, leaf, proof, root.substr(1));
  add("trailing empty hash", index, size, leaf, Extended(proof, ""), root);
  add("trailing root", index, size, leaf, Extended(proof, root), root);
  add("preceding root", index, size, leaf, Prepended(proof, root), root);
  if (!proof.empty()) {
    add("truncated", index, size, leaf, Proof(proof.begin(), proof.end() - 1),
        root);
    add("first dropped", index, size, leaf,
        Proof(proof.begin() + 1, proof.end()), root);
  }
  for (size_t e = 0; e < proof.size(); ++e) {
    for (size_t b : FlippedBytes(proof[e].size())) {
      add(absl::StrCat("proof[", e, "] byte ", b), index, size, leaf,
          WithByteFlipped(proof, e, b), root);
    }
  }
  return probes;
}

// After transparency-dev's corruptConsistencyProof, plus byte flips.
std::vector<Probe> ConsistencyProbes(const MerkleHasher& hasher, uint64_t m,
                                     uint64_t n, const std::string& root1,
                                     const std::string& root2,
                                     const Proof& proof) {
  std::vector<Probe> probes;
  auto add = [&](std::string description, uint64_t a, uint64_t b,
                 std::string r1, std::string r2, Proof p) {
    probes.push_back({std::move(description), [=, &hasher] {
                        return VerifyConsistency(hasher, a, b, r1, r2, p);
                      }});
  };
  add("first - 1", m - 1, n, root1, root2, proof);
  add("first + 1", m + 1, n, root1, root2, proof);
  add("first ^ 2", m ^ 2, n, root1, root2, proof);
  add("second * 2", m, n * 2, root1, root2, proof);
  add("second / 2", m, n / 2, root1, root2, proof);
  add("wrong first root", m, n, hasher.LeafHash("wrong"), root2, proof);
  add("wrong second root", m, n, root1, hasher.LeafHash("wrong"), proof);
  add("swapped roots", m, n, root2, root1, proof);
  add("empty proof", m, n, root1, root2, {});
  add("trailing empty hash", m, n, root1, root2, Extended(proof, ""));
  add("trailing root1", m, n, root1, root2, Extended(proof, root1));
  add("trailing root2", m, n, root1, root2, Extended(proof, root2));
  add("preceding root1", m, n, root1, root2, Prepended(proof, root1));
  add("preceding root2", m, n, root1, root2, Prepended(proof, root2));
  add("preceding proof[0]", m, n, root1, root2, Prepended(proof, proof[0]));
  add("truncated", m, n, root1, root2, Proof(proof.begin(), proof.end() - 1));
  for (size_t e = 0; e < proof.size(); ++e) {
    for (size_t b : FlippedBytes(proof[e].size())) {
      add(absl::StrCat("proof[", e, "] byte ", b), m, n, root1, root2,
          WithByteFlipped(proof, e, b));
    }
  }
  return probes;
}

void ExpectAllFail(const std::vector<Probe>& probes,
                   absl::string_view context) {
  for (const Probe& probe : probes) {
    absl::Status status = probe.verify();
    EXPECT_FALSE(status.ok()) << context << ": " << probe.description;
    EXPECT_TRUE(status.code() == absl::StatusCode::kInvalidArgument ||
                status.code() == absl::StatusCode::kDataLoss)
        << context << ": " << probe.description << ": " << status;
  }
}

TEST(VerifyInclusionTest, ReferenceProofsVerifyAndResistTampering) {
  MerkleHasher hasher = Sha256();
  const std::vector<std::string> leaves = ReferenceLeaves();
  for (const auto& vector : testing::ReferenceInclusionProofs()) {
    const std::string leaf = hasher.LeafHash(leaves[vector.index]);
    const Proof proof = UnhexAll(vector.proof);
    const std::string root = Root(vector.tree_size);
    const std::string context =
        absl::StrCat(vector.index, " in ", vector.tree_size);
    EXPECT_TRUE(VerifyInclusion(hasher, vector.index, vector.tree_size, leaf,
                                proof, root)
                    .ok())
        << context;
    ExpectAllFail(InclusionProbes(hasher, vector.index, vector.tree_size, leaf,
                                  proof, root),
                  context);
  }
}

TEST(VerifyInclusionTest, ErrorsSayWhatIsWrong) {
  MerkleHasher hasher = Sha256();
  const std::string leaf = hasher.LeafHash(ReferenceLeaves()[0]);
  const Proof proof = UnhexAll(testing::ReferenceInclusionProofs()[1].proof);
  EXPECT_EQ(VerifyInclusion(hasher, 0, 8, leaf, proof, Root(7)).code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(VerifyInclusion(hasher, 8, 8, leaf, proof, Root(8)).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyInclusion(hasher, 0, 0, leaf, {}, Root(8)).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyInclusion(hasher, 0, 8, "short", proof, Root(8)).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyInclusion(hasher, 0, 8, leaf,
                            Proof(proof.begin(), proof.end() - 1), Root(8))
                .code(),
            absl::StatusCode::kInvalidArgument);
  // A one-leaf tree: the root is the leaf hash and the proof is empty.
  EXPECT_TRUE(VerifyInclusion(hasher, 0, 1, leaf, {}, leaf).ok());
  EXPECT_EQ(VerifyInclusion(hasher, 0, 1, leaf, {leaf}, leaf).code(),
            absl::StatusCode::kInvalidArgument);
}

// Pins the caveat in merkle_verifier.h: the path of leaf 0 has the same
// shape in trees of 3 and 4 leaves, so the size is bound only by the
// checkpoint that pairs it with the root.
TEST(VerifyInclusionTest, SizeIsBoundByTheCheckpointNotTheProof) {
  MerkleHasher hasher = Sha256();
  const std::string leaf = hasher.LeafHash(ReferenceLeaves()[0]);
  VectorHashSource source(hasher);
  for (const std::string& bytes : ReferenceLeaves()) source.AppendLeaf(bytes);
  const Proof proof = InclusionProof(0, 3, source, hasher).value();
  EXPECT_TRUE(VerifyInclusion(hasher, 0, 3, leaf, proof, Root(3)).ok());
  EXPECT_TRUE(VerifyInclusion(hasher, 0, 4, leaf, proof, Root(3)).ok());
  // With the root that really belongs to size 4, the size-3 proof fails.
  EXPECT_EQ(VerifyInclusion(hasher, 0, 4, leaf, proof, Root(4)).code(),
            absl::StatusCode::kDataLoss);
}

// The computation VerifyInclusion checks, for callers whose root is signed
// rather than known: it yields the reference roots, and refuses what
// VerifyInclusion refuses as malformed.
TEST(RootFromInclusionProofTest, YieldsTheReferenceRoots) {
  MerkleHasher hasher = Sha256();
  const std::vector<std::string> leaves = ReferenceLeaves();
  for (const auto& vector : testing::ReferenceInclusionProofs()) {
    absl::StatusOr<std::string> root = RootFromInclusionProof(
        hasher, vector.index, vector.tree_size,
        hasher.LeafHash(leaves[vector.index]), UnhexAll(vector.proof));
    ASSERT_TRUE(root.ok()) << root.status();
    EXPECT_EQ(*root, Root(vector.tree_size))
        << vector.index << " in " << vector.tree_size;
  }
  const std::string leaf = hasher.LeafHash(leaves[0]);
  const Proof proof = UnhexAll(testing::ReferenceInclusionProofs()[1].proof);
  EXPECT_EQ(RootFromInclusionProof(hasher, 8, 8, leaf, proof).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RootFromInclusionProof(hasher, 0, 8, leaf,
                                   Proof(proof.begin(), proof.end() - 1))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RootFromInclusionProof(hasher, 0, 8, leaf, Extended(proof, leaf))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      RootFromInclusionProof(hasher, 0, 8, "short", proof).status().code(),
      absl::StatusCode::kInvalidArgument);
}

TEST(VerifyConsistencyTest, ReferenceProofsVerifyAndResistTampering) {
  MerkleHasher hasher = Sha256();
  for (const auto& vector : testing::ReferenceConsistencyProofs()) {
    const Proof proof = UnhexAll(vector.proof);
    const std::string context =
        absl::StrCat(vector.first_size, " to ", vector.second_size);
    const std::string root1 = Root(vector.first_size);
    const std::string root2 = Root(vector.second_size);
    EXPECT_TRUE(VerifyConsistency(hasher, vector.first_size, vector.second_size,
                                  root1, root2, proof)
                    .ok())
        << context;
    if (proof.empty()) continue;
    ExpectAllFail(ConsistencyProbes(hasher, vector.first_size,
                                    vector.second_size, root1, root2, proof),
                  context);
  }
}

// transparency-dev's TestVerifyConsistency edge cases, with this library's
// stricter rule that a size-0 tree must have the empty root.
TEST(VerifyConsistencyTest, TrivialSizes) {
  MerkleHasher hasher = Sha256();
  const std::string empty = hasher.EmptyRoot();
  const std::string a = hasher.LeafHash("a");
  const std::string b = hasher.LeafHash("b");
  EXPECT_TRUE(VerifyConsistency(hasher, 0, 0, empty, empty, {}).ok());
  EXPECT_TRUE(VerifyConsistency(hasher, 0, 1, empty, a, {}).ok());
  EXPECT_TRUE(VerifyConsistency(hasher, 1, 1, a, a, {}).ok());
  EXPECT_TRUE(VerifyConsistency(hasher, 5, 5, b, b, {}).ok());

  EXPECT_EQ(VerifyConsistency(hasher, 1, 1, a, b, {}).code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(VerifyConsistency(hasher, 0, 0, empty, a, {}).code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(VerifyConsistency(hasher, 0, 3, a, b, {}).code(),
            absl::StatusCode::kDataLoss);
  // Time travel to the past.
  EXPECT_EQ(VerifyConsistency(hasher, 1, 0, a, empty, {}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyConsistency(hasher, 2, 1, a, b, {}).code(),
            absl::StatusCode::kInvalidArgument);
  // A real extension needs a proof.
  EXPECT_EQ(VerifyConsistency(hasher, 1, 2, a, b, {}).code(),
            absl::StatusCode::kInvalidArgument);
  // Trivial cases take no proof.
  EXPECT_EQ(VerifyConsistency(hasher, 0, 0, empty, empty, {empty}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyConsistency(hasher, 0, 1, empty, a, {empty}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyConsistency(hasher, 1, 1, a, a, {empty}).code(),
            absl::StatusCode::kInvalidArgument);
  // Hashes of the wrong length.
  EXPECT_EQ(VerifyConsistency(hasher, 1, 1, "x", "x", {}).code(),
            absl::StatusCode::kInvalidArgument);
}

class SweepTest : public ::testing::TestWithParam<HashAlgorithm> {};

// Every tree size 1..70 and every index / first size: the generated proof
// verifies, and every tampered variant fails.
TEST_P(SweepTest, EveryProofVerifiesAndEveryTamperingFails) {
  const MerkleHasher hasher = MerkleHasher::Create(GetParam()).value();
  VectorHashSource source(hasher);
  std::vector<std::string> roots = {hasher.EmptyRoot()};
  for (uint64_t i = 0; i < kMaxSweepSize; ++i) {
    source.AppendLeaf(LeafBytes(0, i));
    roots.push_back(RootHash(i + 1, source, hasher).value());
  }
  for (uint64_t n = 1; n <= kMaxSweepSize; ++n) {
    for (uint64_t i = 0; i < n; ++i) {
      const std::string leaf = hasher.LeafHash(LeafBytes(0, i));
      const Proof proof = InclusionProof(i, n, source, hasher).value();
      const std::string context = absl::StrCat("leaf ", i, " in ", n);
      ASSERT_TRUE(VerifyInclusion(hasher, i, n, leaf, proof, roots[n]).ok())
          << context;
      ExpectAllFail(InclusionProbes(hasher, i, n, leaf, proof, roots[n]),
                    context);
    }
    for (uint64_t m = 0; m <= n; ++m) {
      const Proof proof = ConsistencyProof(m, n, source, hasher).value();
      const std::string context = absl::StrCat(m, " to ", n);
      ASSERT_TRUE(
          VerifyConsistency(hasher, m, n, roots[m], roots[n], proof).ok())
          << context;
      // Another size's root never passes for size m.
      for (uint64_t other = 0; other <= n; ++other) {
        if (other == m) continue;
        EXPECT_FALSE(
            VerifyConsistency(hasher, m, n, roots[other], roots[n], proof).ok())
            << context << " with the root of " << other;
      }
      if (proof.empty()) continue;
      ExpectAllFail(ConsistencyProbes(hasher, m, n, roots[m], roots[n], proof),
                    context);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(BothHashes, SweepTest,
                         ::testing::Values(HashAlgorithm::kSha256,
                                           HashAlgorithm::kSm3),
                         [](const auto& info) {
                           return std::string(HashAlgorithmName(info.param));
                         });

// Two logs share their first `shared` leaves and then differ (a fork, or a
// rewritten history). An auditor who saw log A at size a must not accept
// log B at size b >= a as its extension; sizes within the shared prefix
// stay consistent.
TEST(VerifyConsistencyTest, ForkedHistoryIsDetected) {
  const MerkleHasher hasher = Sha256();
  constexpr uint64_t kSize = 24;
  for (uint64_t shared = 0; shared < kSize; ++shared) {
    VectorHashSource log_a(hasher);
    VectorHashSource log_b(hasher);
    for (uint64_t i = 0; i < kSize; ++i) {
      log_a.AppendLeaf(LeafBytes(0, i));
      log_b.AppendLeaf(LeafBytes(i < shared ? 0 : 1, i));
    }
    for (uint64_t a = 1; a <= kSize; ++a) {
      const std::string root_a = RootHash(a, log_a, hasher).value();
      for (uint64_t b = a; b <= kSize; ++b) {
        const std::string root_b = RootHash(b, log_b, hasher).value();
        const Proof proof = ConsistencyProof(a, b, log_b, hasher).value();
        const absl::Status status =
            VerifyConsistency(hasher, a, b, root_a, root_b, proof);
        const std::string context =
            absl::StrCat("shared ", shared, ", A at ", a, ", B at ", b);
        if (a <= shared) {
          EXPECT_TRUE(status.ok()) << context << ": " << status;
        } else {
          EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << context;
        }
      }
    }
  }
}

}  // namespace
}  // namespace sx::transparency
