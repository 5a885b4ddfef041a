// The two hashes of an RFC 6962 / RFC 9162 Merkle tree, over SHA-256 or SM3:
// leaf hash H(0x00 || leaf) and node hash H(0x01 || left || right).
//
//   SX_ASSIGN_OR_RETURN(MerkleHasher hasher, MerkleHasher::Create(
//                                                HashAlgorithm::kSm3));
//   std::string leaf = hasher.LeafHash(event_bytes);
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

// OpenSSL's digest type, kept out of this header.
struct evp_md_st;

namespace sx::transparency {

enum class HashAlgorithm { kSha256, kSm3 };

// "sha256" or "sm3": the names used in checkpoints and configuration.
absl::string_view HashAlgorithmName(HashAlgorithm algorithm);
// Inverse of HashAlgorithmName; exact, lower-case match only.
absl::StatusOr<HashAlgorithm> ParseHashAlgorithm(absl::string_view name);
// Digest length in bytes, known without asking OpenSSL: 32 for both.
size_t HashAlgorithmDigestSize(HashAlgorithm algorithm);

// Thread-safe: immutable after Create, cheap to copy (copies share the
// OpenSSL digest), and every hash call uses its own digest context.
class MerkleHasher {
 public:
  // FAILED_PRECONDITION if OpenSSL cannot provide the digest (e.g. SM3 under
  // a FIPS-only provider configuration).
  static absl::StatusOr<MerkleHasher> Create(HashAlgorithm algorithm);

  // H(0x00 || leaf).
  std::string LeafHash(absl::string_view leaf) const;
  // H(0x01 || left || right).
  std::string NodeHash(absl::string_view left, absl::string_view right) const;
  // H(""): the root of the empty tree.
  std::string EmptyRoot() const;
  // Plain H(data), without a domain prefix.
  std::string Digest(absl::string_view data) const;

  // Digest length in bytes (32 for both algorithms).
  size_t size() const { return size_; }
  HashAlgorithm algorithm() const { return algorithm_; }
  absl::string_view name() const { return HashAlgorithmName(algorithm_); }

 private:
  MerkleHasher(HashAlgorithm algorithm, std::shared_ptr<const evp_md_st> md,
               size_t size)
      : algorithm_(algorithm), md_(std::move(md)), size_(size) {}

  // Hashes the concatenation of the pieces (up to three).
  std::string Hash(absl::string_view a, absl::string_view b = {},
                   absl::string_view c = {}) const;

  HashAlgorithm algorithm_;
  std::shared_ptr<const evp_md_st> md_;
  size_t size_;
};

}  // namespace sx::transparency
