#include "sx/base/openssl_handles.h"

#include <openssl/err.h>

#include <string>

#include "absl/strings/str_cat.h"

namespace sx::openssl {

BioPtr MemoryBio(absl::string_view data) {
  // BIO_new_mem_buf takes an int length; PEM inputs are small, and a larger
  // one simply yields a BIO that fails to parse.
  if (data.size() > static_cast<size_t>(INT32_MAX)) return nullptr;
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

absl::Status OpenSslError(absl::StatusCode code, absl::string_view what) {
  std::string detail;
  unsigned long error = 0;
  while ((error = ERR_get_error()) != 0) {
    char buffer[256];
    ERR_error_string_n(error, buffer, sizeof(buffer));
    absl::StrAppend(&detail, detail.empty() ? "" : "; ", buffer);
  }
  if (detail.empty()) return absl::Status(code, what);
  return absl::Status(code, absl::StrCat(what, ": ", detail));
}

void ClearOpenSslErrors() { ERR_clear_error(); }

}  // namespace sx::openssl
