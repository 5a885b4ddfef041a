// Owning handles for the OpenSSL objects the project uses, and the one place
// that turns OpenSSL's thread-local error queue into an absl::Status.
// Used by sx::transparency (signatures, hashing) and the hub's CRL reading;
// not part of any client API.
#pragma once

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/x509.h>

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace sx::openssl {

struct OpenSslFree {
  void operator()(BIGNUM* number) const { BN_free(number); }
  void operator()(BIO* bio) const { BIO_free(bio); }
  void operator()(EVP_MD* md) const { EVP_MD_free(md); }
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
  void operator()(EVP_PKEY* pkey) const { EVP_PKEY_free(pkey); }
  void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
  void operator()(OSSL_PARAM* params) const { OSSL_PARAM_free(params); }
  void operator()(X509* cert) const { X509_free(cert); }
  void operator()(X509_CRL* crl) const { X509_CRL_free(crl); }
};

using BignumPtr = std::unique_ptr<BIGNUM, OpenSslFree>;
using BioPtr = std::unique_ptr<BIO, OpenSslFree>;
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, OpenSslFree>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslFree>;
using EvpPkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, OpenSslFree>;
using OsslParamPtr = std::unique_ptr<OSSL_PARAM, OpenSslFree>;
using X509Ptr = std::unique_ptr<X509, OpenSslFree>;
using X509CrlPtr = std::unique_ptr<X509_CRL, OpenSslFree>;

// A read-only memory BIO over `data`, which must outlive the BIO.
BioPtr MemoryBio(absl::string_view data);

// Status with `code` and message "<what>: <drained OpenSSL error queue>".
// Always empties the queue, so a stale error never leaks into a later call
// on the same thread.
absl::Status OpenSslError(absl::StatusCode code, absl::string_view what);

// Empties the error queue after a failure that is reported another way.
void ClearOpenSslErrors();

}  // namespace sx::openssl
