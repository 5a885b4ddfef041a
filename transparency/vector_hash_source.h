// An in-memory SubtreeHashSource: every leaf hash and every perfect-subtree
// node, kept as the tree grows. For tests, and for checking a complete export
// offline without a store.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sx/transparency/merkle_hasher.h"
#include "sx/transparency/merkle_proofs.h"

namespace sx::transparency {

// Not thread-safe: callers synchronize appends and reads. Holds about two
// hashes per leaf.
class VectorHashSource : public SubtreeHashSource {
 public:
  explicit VectorHashSource(MerkleHasher hasher);

  // Appends LeafHash(leaf).
  void AppendLeaf(absl::string_view leaf);
  // Appends a leaf by its hash; INVALID_ARGUMENT unless it is
  // hasher.size() bytes.
  absl::Status AppendLeafHash(std::string leaf_hash);

  uint64_t size() const { return levels_.empty() ? 0 : levels_[0].size(); }
  const MerkleHasher& hasher() const { return hasher_; }

  // OUT_OF_RANGE for a node whose leaves are not all appended yet.
  absl::StatusOr<std::string> PerfectSubtreeHash(uint64_t level,
                                                 uint64_t index) override;

 private:
  // REQUIRES: leaf_hash.size() == hasher_.size().
  void Append(std::string leaf_hash);

  const MerkleHasher hasher_;
  // levels_[k][i] is node (k, i).
  std::vector<std::vector<std::string>> levels_;
};

}  // namespace sx::transparency
