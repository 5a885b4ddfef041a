#include "server/console/serving_credentials.h"

#include <openssl/pem.h>
#include <openssl/x509_vfy.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "sx/base/file_stamp.h"
#include "sx/base/openssl_handles.h"

namespace sx::console {

// Owned OpenSSL objects; an SSL that is given them takes references.
struct ServingCredentials::Material {
  ~Material() {
    X509_free(certificate);
    sk_X509_pop_free(chain, X509_free);
    EVP_PKEY_free(key);
    X509_STORE_free(client_cas);
    sk_X509_NAME_pop_free(client_ca_names, X509_NAME_free);
  }
  X509* certificate = nullptr;
  STACK_OF(X509)* chain = nullptr;
  EVP_PKEY* key = nullptr;
  X509_STORE* client_cas = nullptr;
  STACK_OF(X509_NAME)* client_ca_names = nullptr;
};

namespace {

absl::Status Unreadable(absl::string_view field, const std::string& path) {
  return openssl::OpenSslError(
      absl::StatusCode::kFailedPrecondition,
      absl::StrCat("console: tls.", field, " ", path));
}

}  // namespace

absl::StatusOr<std::unique_ptr<ServingCredentials>> ServingCredentials::Load(
    const ::supervision::v1::TlsConfig& tls) {
  std::unique_ptr<ServingCredentials> credentials(new ServingCredentials(tls));
  credentials->stamp_ = credentials->FilesStamp();
  absl::StatusOr<std::shared_ptr<const Material>> material =
      credentials->Read();
  if (!material.ok()) return material.status();
  credentials->current_ = *std::move(material);
  return credentials;
}

ServingCredentials::~ServingCredentials() = default;

std::string ServingCredentials::FilesStamp() const {
  return absl::StrCat(base::FileStamp(tls_.cert_file()), "\n",
                      base::FileStamp(tls_.key_file()), "\n",
                      base::FileStamp(tls_.ca_file()));
}

absl::StatusOr<std::shared_ptr<const ServingCredentials::Material>>
ServingCredentials::Read() const {
  auto material = std::make_shared<Material>();
  openssl::BioPtr chain_file(BIO_new_file(tls_.cert_file().c_str(), "r"));
  if (chain_file == nullptr) return Unreadable("cert_file", tls_.cert_file());
  material->certificate =
      PEM_read_bio_X509(chain_file.get(), nullptr, nullptr, nullptr);
  if (material->certificate == nullptr) {
    return Unreadable("cert_file", tls_.cert_file());
  }
  material->chain = sk_X509_new_null();
  while (X509* issuer =
             PEM_read_bio_X509(chain_file.get(), nullptr, nullptr, nullptr)) {
    sk_X509_push(material->chain, issuer);
  }
  openssl::ClearOpenSslErrors();  // the end of the file reads as an error
  openssl::BioPtr key_file(BIO_new_file(tls_.key_file().c_str(), "r"));
  if (key_file != nullptr) {
    material->key =
        PEM_read_bio_PrivateKey(key_file.get(), nullptr, nullptr, nullptr);
  }
  if (material->key == nullptr ||
      X509_check_private_key(material->certificate, material->key) != 1) {
    return Unreadable("key_file", tls_.key_file());
  }
  material->client_cas = X509_STORE_new();
  if (X509_STORE_load_file(material->client_cas, tls_.ca_file().c_str()) !=
      1) {
    return Unreadable("ca_file", tls_.ca_file());
  }
  if (!tls_.crl_directory().empty()) {
    // Hashed-name lookup, as gRPC's: each CRL is read when a handshake
    // first needs it. The hub's own re-read list (CertificateRevocations)
    // checks every request on top of this.
    if (X509_STORE_load_path(material->client_cas,
                             tls_.crl_directory().c_str()) != 1) {
      return Unreadable("crl_directory", tls_.crl_directory());
    }
    X509_STORE_set_flags(material->client_cas,
                         X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
  }
  material->client_ca_names = SSL_load_client_CA_file(tls_.ca_file().c_str());
  if (material->client_ca_names == nullptr) {
    return Unreadable("ca_file", tls_.ca_file());
  }
  return std::shared_ptr<const Material>(std::move(material));
}

bool ServingCredentials::Install(SSL* ssl) {
  std::shared_ptr<const Material> material;
  {
    absl::MutexLock lock(&mu_);
    const std::string stamp = FilesStamp();
    if (stamp != stamp_) {
      absl::StatusOr<std::shared_ptr<const Material>> read = Read();
      if (read.ok()) {
        current_ = *std::move(read);
        stamp_ = stamp;
      }
      // Otherwise the next handshake tries again (a rotation half done).
    }
    material = current_;
  }
  STACK_OF(X509_NAME)* names = SSL_dup_CA_list(material->client_ca_names);
  if (names == nullptr) return false;
  SSL_set_client_CA_list(ssl, names);  // takes ownership
  return SSL_use_cert_and_key(ssl, material->certificate, material->key,
                              material->chain, /*override=*/1) == 1 &&
         SSL_set1_verify_cert_store(ssl, material->client_cas) == 1;
}

}  // namespace sx::console
