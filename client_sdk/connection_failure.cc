#include "client_sdk/connection_failure.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace sx::client::internal {
namespace {

// gRPC 1.51 puts the subchannel's last error after this prefix.
constexpr char kLastErrorPrefix[] = "last error: ";

// gRPC's own words for the cause, without its "failed to connect to all
// addresses" preamble.
std::string Detail(const grpc::Status& status) {
  // error_message() returns a copy: keep it while viewing it.
  const std::string message = status.error_message();
  const size_t last_error = message.find(kLastErrorPrefix);
  if (last_error == std::string::npos) return message;
  return message.substr(last_error + sizeof(kLastErrorPrefix) - 1);
}

}  // namespace

ConnectionFailure ClassifyConnectionFailure(const grpc::Status& status) {
  if (status.error_code() != grpc::StatusCode::UNAVAILABLE) {
    return ConnectionFailure::kNone;
  }
  // error_message() returns a copy: keep it while searching it.
  const std::string message = status.error_message();
  // An alert from the hub during the handshake (TLS 1.2, or a TLS 1.3 hub
  // that alerts before closing) is the hub refusing our certificate, not us
  // refusing its: it must not send the user to --ca.
  for (const char* alert :
       {"alert unknown ca", "alert bad certificate", "alert certificate",
        "alert handshake failure", "alert access denied"}) {
    if (absl::StrContains(message, alert)) {
      return ConnectionFailure::kClosedInHandshake;
    }
  }
  if (absl::StrContains(message, "Ssl handshake failed") ||
      absl::StrContains(message, "is not in peer certificate")) {
    return ConnectionFailure::kHubCertificateRejected;
  }
  if (absl::StrContains(message, "Socket closed") ||
      absl::StrContains(message, "Connection reset by peer")) {
    return ConnectionFailure::kClosedInHandshake;
  }
  if (absl::StrContains(message, "DNS resolution failed")) {
    return ConnectionFailure::kUnresolvable;
  }
  if (absl::StrContains(message, "failed to connect to all addresses") ||
      absl::StrContains(message, "Connection refused")) {
    return ConnectionFailure::kUnreachable;
  }
  return ConnectionFailure::kNone;
}

bool ConnectionFailureIsRetryable(ConnectionFailure failure,
                                  const ConnectionHistory& history) {
  switch (failure) {
    case ConnectionFailure::kHubCertificateRejected:
      return false;
    case ConnectionFailure::kClosedInHandshake:
      // A refusal of our certificate stays a refusal; a hub that answered
      // before and now closes connections is restarting.
    case ConnectionFailure::kUnresolvable:
      return history.answered();
    case ConnectionFailure::kNone:
    case ConnectionFailure::kUnreachable:
      return true;
  }
  return true;
}

grpc::Status ExplainConnectionFailure(const grpc::Status& status,
                                      ConnectionFailure failure,
                                      const ConnectionHistory& history) {
  const std::string& address = history.address();
  switch (failure) {
    case ConnectionFailure::kNone:
      return status;
    case ConnectionFailure::kUnreachable:
      return grpc::Status(
          grpc::StatusCode::UNAVAILABLE,
          absl::StrCat("cannot reach the hub at ", address,
                       " (is it running, and is the address (--hub) "
                       "right?): ",
                       Detail(status)));
    case ConnectionFailure::kUnresolvable:
      return grpc::Status(
          grpc::StatusCode::UNAVAILABLE,
          absl::StrCat("cannot resolve the host of the hub address ", address,
                       " (--hub): ", Detail(status)));
    case ConnectionFailure::kHubCertificateRejected:
      return grpc::Status(
          grpc::StatusCode::UNAUTHENTICATED,
          absl::StrCat(
              "TLS handshake with the hub at ", address,
              " failed: its certificate is not signed by the CA given as "
              "--ca (ca_file), or does not carry the name the client "
              "expects (--server-name, or the host in --hub): ",
              Detail(status)));
    case ConnectionFailure::kClosedInHandshake:
      if (history.answered()) {
        return grpc::Status(
            grpc::StatusCode::UNAVAILABLE,
            absl::StrCat("the hub at ", address,
                         " closed the connection and did not accept a new "
                         "one in time: ",
                         Detail(status)));
      }
      return grpc::Status(
          grpc::StatusCode::UNAUTHENTICATED,
          absl::StrCat(
              "the hub at ", address,
              " refused this client certificate in the TLS handshake. TLS "
              "does not tell a client why; the hub refuses a certificate "
              "that is revoked by its CRL, names no configured agency or "
              "operator (its URI SAN), was issued by a CA it does not "
              "trust, or has expired, and its log names which (",
              Detail(status), ")"));
  }
  return status;
}

}  // namespace sx::client::internal
