// The mutual-TLS channel every SDK client (exchange, admin, audit) talks to
// the hub over, built in one place from ClientOptions. Private to the SDK.
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "sx/client/client_options.h"

namespace sx::client::internal {

// Reads the certificate, key and CA (files or PEM), checks them
// (credential_check.h) and builds a channel that reconnects as promptly as
// the retry policy retries. Fails if a file cannot be read, the options are
// inconsistent or the hub would refuse the certificate for what it carries;
// the connection itself is made lazily, on the first call. With
// options.signing, the channel signs every step (step_signing.h).
absl::StatusOr<std::shared_ptr<grpc::Channel>> CreateHubChannel(
    const ClientOptions& options);

}  // namespace sx::client::internal
