// Verification of RFC 6962 inclusion and consistency proofs, exactly as the
// algorithms of RFC 9162 sections 2.1.3.2 and 2.1.4.2. Pure functions: they
// need only the hasher, the sizes, the hashes and the proof.
//
//   absl::Status s = VerifyInclusion(hasher, index, checkpoint.tree_size,
//                                    hasher.LeafHash(event_bytes), proof,
//                                    checkpoint.root_hash);
//
// Errors: INVALID_ARGUMENT when the input cannot be a proof for these sizes
// (wrong hash length, index out of range, too many or too few hashes);
// DATA_LOSS when it is well formed but the hashes do not add up, i.e. the log
// (or the proof) was altered.
//
// The proof math binds the root, the leaf and the first size, but not the
// (second) tree size on its own: trees of different sizes can share the
// shape along a proof's path, so a proof may also "verify" for such a size
// against the same root. Take tree sizes and roots together from one
// signature-checked checkpoint, never from separate sources.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sx/transparency/merkle_hasher.h"

namespace sx::transparency {

// Checks that `leaf_hash` is leaf `index` of the tree of `tree_size` leaves
// whose root is `root`.
absl::Status VerifyInclusion(const MerkleHasher& hasher, uint64_t index,
                             uint64_t tree_size, absl::string_view leaf_hash,
                             const std::vector<std::string>& proof,
                             absl::string_view root);

// The root that `leaf_hash` at `index` of a tree of `tree_size` leaves and
// `proof` lead to: what VerifyInclusion compares with the tree's root, for
// callers whose root is not known but signed (a signature over the result is
// what binds it). INVALID_ARGUMENT as for VerifyInclusion.
absl::StatusOr<std::string> RootFromInclusionProof(
    const MerkleHasher& hasher, uint64_t index, uint64_t tree_size,
    absl::string_view leaf_hash, const std::vector<std::string>& proof);

// Checks that the tree of `second_size` leaves with `second_root` extends the
// tree of `first_size` leaves with `first_root`. Beyond RFC 9162, which
// defines only 0 < first_size < second_size:
//   first_size == second_size: the proof must be empty and the roots equal;
//   first_size == 0: the proof must be empty and first_root must be the
//     empty tree's root (every tree extends the empty one);
//   first_size > second_size: INVALID_ARGUMENT.
absl::Status VerifyConsistency(const MerkleHasher& hasher, uint64_t first_size,
                               uint64_t second_size,
                               absl::string_view first_root,
                               absl::string_view second_root,
                               const std::vector<std::string>& proof);

}  // namespace sx::transparency
