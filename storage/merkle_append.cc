#include "storage/merkle_append.h"

#include "absl/strings/str_cat.h"
#include "sx/base/status_macros.h"

namespace sx::storage {

absl::Status AppendMerkleLeaf(const transparency::MerkleHasher& hasher,
                              uint64_t leaf_index, absl::string_view leaf_bytes,
                              const ReadMerkleNode& read,
                              const WriteMerkleNode& write) {
  std::string hash = hasher.LeafHash(leaf_bytes);
  SX_RETURN_IF_ERROR(write(0, leaf_index, hash));
  // Leaf n completes the perfect subtree at level k iff n+1 is a multiple of
  // 2^k; its left sibling is already stored.
  uint64_t index = leaf_index;
  for (uint64_t level = 1; (index & 1) == 1; ++level) {
    index >>= 1;
    SX_ASSIGN_OR_RETURN(std::optional<std::string> left,
                        read(level - 1, index * 2));
    if (!left.has_value()) {
      return absl::DataLossError(
          absl::StrCat("storage: transparency log node (", level - 1, ", ",
                       index * 2, ") is missing"));
    }
    hash = hasher.NodeHash(*left, hash);
    SX_RETURN_IF_ERROR(write(level, index, hash));
  }
  return absl::OkStatus();
}

}  // namespace sx::storage
