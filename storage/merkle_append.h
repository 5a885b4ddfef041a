// Adding a leaf to the transparency log as the stores keep it: every perfect
// subtree's hash, written when its last leaf arrives, so that a proof reads
// O(log n) stored nodes and never rehashes the history.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sx/transparency/merkle_hasher.h"

namespace sx::storage {

// The stored hash of node (level, index), or nullopt.
using ReadMerkleNode =
    std::function<absl::StatusOr<std::optional<std::string>>(uint64_t level,
                                                             uint64_t index)>;
using WriteMerkleNode = std::function<absl::Status(
    uint64_t level, uint64_t index, absl::string_view hash)>;

// Writes leaf `leaf_index`'s hash and that of every perfect subtree it
// completes (their left siblings are read: all stored already).
absl::Status AppendMerkleLeaf(const transparency::MerkleHasher& hasher,
                              uint64_t leaf_index, absl::string_view leaf_bytes,
                              const ReadMerkleNode& read,
                              const WriteMerkleNode& write);

}  // namespace sx::storage
