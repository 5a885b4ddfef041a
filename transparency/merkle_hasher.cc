#include "sx/transparency/merkle_hasher.h"

#include <openssl/evp.h>

#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "sx/base/openssl_handles.h"

namespace sx::transparency {
namespace {

constexpr char kLeafPrefix[] = {0x00};
constexpr char kNodePrefix[] = {0x01};

}  // namespace

absl::string_view HashAlgorithmName(HashAlgorithm algorithm) {
  switch (algorithm) {
    case HashAlgorithm::kSha256:
      return "sha256";
    case HashAlgorithm::kSm3:
      return "sm3";
  }
  return "unknown";
}

absl::StatusOr<HashAlgorithm> ParseHashAlgorithm(absl::string_view name) {
  if (name == "sha256") return HashAlgorithm::kSha256;
  if (name == "sm3") return HashAlgorithm::kSm3;
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown hash algorithm \"", name, "\" (expected sha256 or sm3)"));
}

size_t HashAlgorithmDigestSize(HashAlgorithm algorithm) {
  switch (algorithm) {
    case HashAlgorithm::kSha256:
    case HashAlgorithm::kSm3:
      return 32;
  }
  return 0;
}

absl::StatusOr<MerkleHasher> MerkleHasher::Create(HashAlgorithm algorithm) {
  const char* openssl_name =
      algorithm == HashAlgorithm::kSm3 ? "SM3" : "SHA2-256";
  // An explicit fetch fails here, at startup, if the provider lacks the
  // digest, rather than on the first append; it also spares every hash call
  // the implicit fetch that EVP_sm3()/EVP_sha256() would do.
  EVP_MD* md = EVP_MD_fetch(nullptr, openssl_name, nullptr);
  if (md == nullptr) {
    return openssl::OpenSslError(
        absl::StatusCode::kFailedPrecondition,
        absl::StrCat("OpenSSL cannot provide ", HashAlgorithmName(algorithm)));
  }
  std::shared_ptr<const evp_md_st> shared(md, openssl::OpenSslFree());
  const int size = EVP_MD_get_size(md);
  if (size <= 0 ||
      static_cast<size_t>(size) != HashAlgorithmDigestSize(algorithm)) {
    return absl::InternalError(absl::StrCat("OpenSSL reports a digest size of ",
                                            size, " for ", openssl_name));
  }
  return MerkleHasher(algorithm, std::move(shared), static_cast<size_t>(size));
}

std::string MerkleHasher::LeafHash(absl::string_view leaf) const {
  return Hash(absl::string_view(kLeafPrefix, 1), leaf);
}

std::string MerkleHasher::NodeHash(absl::string_view left,
                                   absl::string_view right) const {
  return Hash(absl::string_view(kNodePrefix, 1), left, right);
}

std::string MerkleHasher::EmptyRoot() const { return Hash({}); }

std::string MerkleHasher::Digest(absl::string_view data) const {
  return Hash(data);
}

std::string MerkleHasher::Hash(absl::string_view a, absl::string_view b,
                               absl::string_view c) const {
  std::string digest(size_, '\0');
  unsigned int length = 0;
  openssl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  // These only fail on allocation failure inside OpenSSL (the digest was
  // fetched and checked in Create); there is no sensible way to go on
  // building an audit log after that, as in sx::Sha256.
  if (ctx == nullptr ||
      EVP_DigestInit_ex2(ctx.get(), md_.get(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), a.data(), a.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), b.data(), b.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), c.data(), c.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(),
                         reinterpret_cast<unsigned char*>(digest.data()),
                         &length) != 1 ||
      length != size_) {
    std::abort();
  }
  return digest;
}

}  // namespace sx::transparency
