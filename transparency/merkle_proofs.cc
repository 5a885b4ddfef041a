#include "sx/transparency/merkle_proofs.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "sx/base/status_macros.h"

namespace sx::transparency {
namespace {

bool IsPowerOfTwo(uint64_t n) { return n != 0 && (n & (n - 1)) == 0; }

// floor(log2(n)) for n > 0.
uint64_t Log2(uint64_t n) {
  return 63 - static_cast<uint64_t>(__builtin_clzll(n));
}

// The k of RFC 6962's split: the largest power of two smaller than n (n > 1).
uint64_t SplitPoint(uint64_t n) { return uint64_t{1} << Log2(n - 1); }

// Reads MTH of ranges of the tree through the source. Every range the RFC
// recursions visit starts at a multiple of its split point, so each range is
// one perfect subtree plus a right part that recurses: O(log n) reads.
class TreeReader {
 public:
  TreeReader(SubtreeHashSource& source, const MerkleHasher& hasher)
      : source_(source), hasher_(hasher) {}

  // MTH(D[begin:end]), begin < end.
  absl::StatusOr<std::string> RangeHash(uint64_t begin, uint64_t end) {
    const uint64_t n = end - begin;
    if (IsPowerOfTwo(n) && begin % n == 0) {
      const uint64_t level = Log2(n);
      SX_ASSIGN_OR_RETURN(std::string hash,
                          source_.PerfectSubtreeHash(level, begin >> level));
      if (hash.size() != hasher_.size()) {
        return absl::DataLossError(absl::StrCat(
            "stored hash of node (", level, ", ", begin >> level, ") has ",
            hash.size(), " bytes, expected ", hasher_.size()));
      }
      return hash;
    }
    // Also correct for unaligned ranges, just slower; the RFC recursions
    // below never produce them.
    const uint64_t k = SplitPoint(n);
    SX_ASSIGN_OR_RETURN(std::string left, RangeHash(begin, begin + k));
    SX_ASSIGN_OR_RETURN(std::string right, RangeHash(begin + k, end));
    return hasher_.NodeHash(left, right);
  }

  // Appends PATH(index, D[begin:end]), leaf side first.
  absl::Status Path(uint64_t index, uint64_t begin, uint64_t end,
                    std::vector<std::string>& proof) {
    const uint64_t n = end - begin;
    if (n == 1) return absl::OkStatus();
    const uint64_t k = SplitPoint(n);
    if (index < begin + k) {
      SX_RETURN_IF_ERROR(Path(index, begin, begin + k, proof));
      SX_ASSIGN_OR_RETURN(std::string sibling, RangeHash(begin + k, end));
      proof.push_back(std::move(sibling));
    } else {
      SX_RETURN_IF_ERROR(Path(index, begin + k, end, proof));
      SX_ASSIGN_OR_RETURN(std::string sibling, RangeHash(begin, begin + k));
      proof.push_back(std::move(sibling));
    }
    return absl::OkStatus();
  }

  // Appends SUBPROOF(m, D[begin:end], complete), 0 < m <= end - begin.
  absl::Status SubProof(uint64_t m, uint64_t begin, uint64_t end, bool complete,
                        std::vector<std::string>& proof) {
    const uint64_t n = end - begin;
    if (m == n) {
      if (!complete) {
        SX_ASSIGN_OR_RETURN(std::string hash, RangeHash(begin, end));
        proof.push_back(std::move(hash));
      }
      return absl::OkStatus();
    }
    const uint64_t k = SplitPoint(n);
    if (m <= k) {
      SX_RETURN_IF_ERROR(SubProof(m, begin, begin + k, complete, proof));
      SX_ASSIGN_OR_RETURN(std::string right, RangeHash(begin + k, end));
      proof.push_back(std::move(right));
    } else {
      SX_RETURN_IF_ERROR(SubProof(m - k, begin + k, end, false, proof));
      SX_ASSIGN_OR_RETURN(std::string left, RangeHash(begin, begin + k));
      proof.push_back(std::move(left));
    }
    return absl::OkStatus();
  }

 private:
  SubtreeHashSource& source_;
  const MerkleHasher& hasher_;
};

}  // namespace

std::vector<std::pair<uint64_t, uint64_t>> NewPerfectNodes(
    uint64_t leaf_index) {
  std::vector<std::pair<uint64_t, uint64_t>> nodes;
  // Leaf n completes one node per trailing one bit of n.
  for (uint64_t level = 1; level < 64 && ((leaf_index >> (level - 1)) & 1);
       ++level) {
    nodes.emplace_back(level, leaf_index >> level);
  }
  return nodes;
}

absl::StatusOr<std::string> RootHash(uint64_t tree_size,
                                     SubtreeHashSource& source,
                                     const MerkleHasher& hasher) {
  if (tree_size == 0) return hasher.EmptyRoot();
  return TreeReader(source, hasher).RangeHash(0, tree_size);
}

absl::StatusOr<std::vector<std::string>> InclusionProof(
    uint64_t index, uint64_t tree_size, SubtreeHashSource& source,
    const MerkleHasher& hasher) {
  if (index >= tree_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "leaf index ", index, " is not in a tree of ", tree_size, " leaves"));
  }
  std::vector<std::string> proof;
  SX_RETURN_IF_ERROR(
      TreeReader(source, hasher).Path(index, 0, tree_size, proof));
  return proof;
}

absl::StatusOr<std::vector<std::string>> ConsistencyProof(
    uint64_t first_size, uint64_t second_size, SubtreeHashSource& source,
    const MerkleHasher& hasher) {
  if (first_size > second_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("no consistency proof from tree size ", first_size,
                     " to the smaller size ", second_size));
  }
  std::vector<std::string> proof;
  if (first_size == 0 || first_size == second_size) return proof;
  SX_RETURN_IF_ERROR(TreeReader(source, hasher)
                         .SubProof(first_size, 0, second_size,
                                   /*complete=*/true, proof));
  return proof;
}

}  // namespace sx::transparency
