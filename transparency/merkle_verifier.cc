#include "sx/transparency/merkle_verifier.h"

#include "absl/strings/str_cat.h"
#include "sx/base/status_macros.h"

namespace sx::transparency {
namespace {

absl::Status CheckHashSize(const MerkleHasher& hasher, absl::string_view what,
                           absl::string_view hash) {
  if (hash.size() == hasher.size()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(what, " has ", hash.size(), " bytes, but ", hasher.name(),
                   " hashes have ", hasher.size()));
}

absl::Status CheckProofHashSizes(const MerkleHasher& hasher,
                                 const std::vector<std::string>& proof) {
  for (size_t i = 0; i < proof.size(); ++i) {
    SX_RETURN_IF_ERROR(
        CheckHashSize(hasher, absl::StrCat("proof hash ", i), proof[i]));
  }
  return absl::OkStatus();
}

absl::Status ProofTooLong(size_t size) {
  return absl::InvalidArgumentError(absl::StrCat(
      "proof has ", size, " hashes, more than a proof for these sizes"));
}

absl::Status ProofTooShort(size_t size) {
  return absl::InvalidArgumentError(absl::StrCat(
      "proof has ", size, " hashes, fewer than a proof for these sizes"));
}

bool Lsb(uint64_t n) { return (n & 1) != 0; }

}  // namespace

absl::StatusOr<std::string> RootFromInclusionProof(
    const MerkleHasher& hasher, uint64_t index, uint64_t tree_size,
    absl::string_view leaf_hash, const std::vector<std::string>& proof) {
  SX_RETURN_IF_ERROR(CheckHashSize(hasher, "leaf hash", leaf_hash));
  SX_RETURN_IF_ERROR(CheckProofHashSizes(hasher, proof));
  // RFC 9162 section 2.1.3.2, step by step.
  // 1.
  if (index >= tree_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "leaf index ", index, " is not in a tree of ", tree_size, " leaves"));
  }
  // 2., 3.
  uint64_t fn = index;
  uint64_t sn = tree_size - 1;
  std::string r(leaf_hash);
  // 4.
  for (const std::string& p : proof) {
    if (sn == 0) return ProofTooLong(proof.size());  // a.
    if (Lsb(fn) || fn == sn) {                       // b.
      r = hasher.NodeHash(p, r);
      while (!Lsb(fn) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = hasher.NodeHash(r, p);
    }
    fn >>= 1;  // c.
    sn >>= 1;
  }
  // 5. (the comparison with the root is the caller's)
  if (sn != 0) return ProofTooShort(proof.size());
  return r;
}

absl::Status VerifyInclusion(const MerkleHasher& hasher, uint64_t index,
                             uint64_t tree_size, absl::string_view leaf_hash,
                             const std::vector<std::string>& proof,
                             absl::string_view root) {
  SX_RETURN_IF_ERROR(CheckHashSize(hasher, "root hash", root));
  SX_ASSIGN_OR_RETURN(
      const std::string r,
      RootFromInclusionProof(hasher, index, tree_size, leaf_hash, proof));
  if (r != root) {
    return absl::DataLossError(
        absl::StrCat("inclusion proof for leaf ", index,
                     " leads to a root other than the "
                     "tree's: the log was altered or the proof is corrupt"));
  }
  return absl::OkStatus();
}

absl::Status VerifyConsistency(const MerkleHasher& hasher, uint64_t first_size,
                               uint64_t second_size,
                               absl::string_view first_root,
                               absl::string_view second_root,
                               const std::vector<std::string>& proof) {
  SX_RETURN_IF_ERROR(CheckHashSize(hasher, "first root hash", first_root));
  SX_RETURN_IF_ERROR(CheckHashSize(hasher, "second root hash", second_root));
  SX_RETURN_IF_ERROR(CheckProofHashSizes(hasher, proof));
  if (first_size > second_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tree size ", second_size, " cannot extend the larger ", first_size));
  }
  if (first_size == second_size || first_size == 0) {
    if (!proof.empty()) return ProofTooLong(proof.size());
    if (first_size == 0 && first_root != hasher.EmptyRoot()) {
      return absl::DataLossError(
          "root of the empty tree is not the hash of the empty string");
    }
    if (first_size == second_size && first_root != second_root) {
      return absl::DataLossError(
          absl::StrCat("two different roots for tree size ", first_size,
                       ": the log was altered"));
    }
    return absl::OkStatus();
  }

  // RFC 9162 section 2.1.4.2, step by step.
  // 1.
  if (proof.empty()) return ProofTooShort(0);
  // 2.
  std::vector<absl::string_view> path;
  path.reserve(proof.size() + 1);
  if ((first_size & (first_size - 1)) == 0) path.push_back(first_root);
  for (const std::string& c : proof) path.push_back(c);
  // 3.
  uint64_t fn = first_size - 1;
  uint64_t sn = second_size - 1;
  // 4.
  while (Lsb(fn)) {
    fn >>= 1;
    sn >>= 1;
  }
  // 5.
  std::string fr(path[0]);
  std::string sr(path[0]);
  // 6.
  for (size_t i = 1; i < path.size(); ++i) {
    const absl::string_view c = path[i];
    if (sn == 0) return ProofTooLong(proof.size());
    if (Lsb(fn) || fn == sn) {
      fr = hasher.NodeHash(c, fr);
      sr = hasher.NodeHash(c, sr);
      while (!Lsb(fn) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = hasher.NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  // 7.
  if (sn != 0) return ProofTooShort(proof.size());
  if (fr != first_root) {
    return absl::DataLossError(absl::StrCat(
        "consistency proof does not lead to the root of tree size ", first_size,
        ": the log was altered or the proof is corrupt"));
  }
  if (sr != second_root) {
    return absl::DataLossError(absl::StrCat(
        "tree size ", second_size, " does not extend tree size ", first_size,
        " with the given roots: the log was altered or the proof is corrupt"));
  }
  return absl::OkStatus();
}

}  // namespace sx::transparency
