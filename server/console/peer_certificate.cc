#include "server/console/peer_certificate.h"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <memory>

namespace sx::console {

absl::StatusOr<PeerCertificate> PeerCertificateOf(const SSL* ssl) {
  X509* certificate =
      ssl == nullptr ? nullptr : SSL_get0_peer_certificate(ssl);  // not owned
  if (certificate == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) {
    return absl::UnauthenticatedError("no verified client certificate");
  }
  PeerCertificate peer;
  std::unique_ptr<GENERAL_NAMES, decltype(&GENERAL_NAMES_free)> names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(
          certificate, NID_subject_alt_name, nullptr, nullptr)),
      GENERAL_NAMES_free);
  for (int i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names.get());
       ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type != GEN_URI) continue;
    const ASN1_IA5STRING* uri = name->d.uniformResourceIdentifier;
    peer.uris.emplace_back(
        reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
        static_cast<size_t>(ASN1_STRING_length(uri)));
  }
  std::unique_ptr<BIO, decltype(&BIO_free)> pem(BIO_new(BIO_s_mem()),
                                                 BIO_free);
  if (pem == nullptr || PEM_write_bio_X509(pem.get(), certificate) != 1) {
    return absl::InternalError("cannot write the client certificate as PEM");
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(pem.get(), &data);
  peer.pem.assign(data, static_cast<size_t>(size));
  return peer;
}

}  // namespace sx::console
