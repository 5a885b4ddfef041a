// Root hashes, inclusion proofs and consistency proofs of an RFC 6962 /
// RFC 9162 Merkle tree, built from stored perfect-subtree hashes so that a
// proof costs O(log n) reads and hashes, never a pass over the leaves.
//
//   // When appending leaf n, store its leaf hash as node (0, n), then:
//   for (auto [level, index] : NewPerfectNodes(n)) {
//     Store(level, index, hasher.NodeHash(Node(level - 1, 2 * index),
//                                         Node(level - 1, 2 * index + 1)));
//   }
//   SX_ASSIGN_OR_RETURN(std::vector<std::string> proof,
//                       InclusionProof(index, tree_size, source, hasher));
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "sx/transparency/merkle_hasher.h"

namespace sx::transparency {

// Where proofs read the tree from. Node (level, index) is the root of the
// perfect subtree over the 2^level leaves [index * 2^level,
// (index + 1) * 2^level); level 0 is the leaf hash of leaf `index`.
// The functions below only ask for nodes whose leaves all lie inside the
// tree size they were given.
// Thread-safety is up to the implementation; the functions below call it
// from the calling thread only.
class SubtreeHashSource {
 public:
  virtual ~SubtreeHashSource() = default;
  virtual absl::StatusOr<std::string> PerfectSubtreeHash(uint64_t level,
                                                         uint64_t index) = 0;
};

// The perfect-subtree nodes that become complete when leaf `leaf_index` is
// appended (i.e. when the tree grows to leaf_index + 1 leaves), as
// (level, index) pairs in increasing level, from level 1 up. Node
// (level, index) is NodeHash(node(level - 1, 2 * index),
// node(level - 1, 2 * index + 1)), so computing them in order needs only the
// new leaf hash and nodes stored earlier. Empty for every even leaf_index.
std::vector<std::pair<uint64_t, uint64_t>> NewPerfectNodes(uint64_t leaf_index);

// MTH(D[0:tree_size]); the empty tree's root is hasher.EmptyRoot().
absl::StatusOr<std::string> RootHash(uint64_t tree_size,
                                     SubtreeHashSource& source,
                                     const MerkleHasher& hasher);

// RFC 6962 PATH(index, D[0:tree_size]) (RFC 9162 section 2.1.3.1): sibling
// hashes from the leaf up to the root. INVALID_ARGUMENT unless
// index < tree_size.
absl::StatusOr<std::vector<std::string>> InclusionProof(
    uint64_t index, uint64_t tree_size, SubtreeHashSource& source,
    const MerkleHasher& hasher);

// RFC 6962 PROOF(first_size, D[0:second_size]) (RFC 9162 section 2.1.4.1).
// For first_size == 0 or first_size == second_size the proof is empty:
// RFC 9162 defines proofs only for 0 < first < second, and for those two
// cases there is nothing to prove (VerifyConsistency checks the roots
// directly). INVALID_ARGUMENT if first_size > second_size.
absl::StatusOr<std::vector<std::string>> ConsistencyProof(
    uint64_t first_size, uint64_t second_size, SubtreeHashSource& source,
    const MerkleHasher& hasher);

}  // namespace sx::transparency
