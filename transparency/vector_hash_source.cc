#include "transparency/vector_hash_source.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace sx::transparency {

VectorHashSource::VectorHashSource(MerkleHasher hasher)
    : hasher_(std::move(hasher)) {}

void VectorHashSource::AppendLeaf(absl::string_view leaf) {
  Append(hasher_.LeafHash(leaf));
}

absl::Status VectorHashSource::AppendLeafHash(std::string leaf_hash) {
  if (leaf_hash.size() != hasher_.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("leaf hash has ", leaf_hash.size(), " bytes, expected ",
                     hasher_.size()));
  }
  Append(std::move(leaf_hash));
  return absl::OkStatus();
}

void VectorHashSource::Append(std::string leaf_hash) {
  const uint64_t leaf_index = size();
  if (levels_.empty()) levels_.emplace_back();
  levels_[0].push_back(std::move(leaf_hash));
  // The same bookkeeping a store does: each node that the new leaf completes
  // is the hash of two nodes already kept one level down.
  for (const auto& [level, index] : NewPerfectNodes(leaf_index)) {
    if (levels_.size() <= level) levels_.emplace_back();
    const std::vector<std::string>& below = levels_[level - 1];
    levels_[level].push_back(
        hasher_.NodeHash(below[2 * index], below[2 * index + 1]));
  }
}

absl::StatusOr<std::string> VectorHashSource::PerfectSubtreeHash(
    uint64_t level, uint64_t index) {
  if (level >= levels_.size() || index >= levels_[level].size()) {
    return absl::OutOfRangeError(absl::StrCat("node (", level, ", ", index,
                                              ") is not complete in a ",
                                              "tree of ", size(), " leaves"));
  }
  return levels_[level][index];
}

}  // namespace sx::transparency
