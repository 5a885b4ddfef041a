// Signs every step an agency takes (StepSignature in referral.proto) on its
// way out: a client interceptor, so that each SDK client and each retry
// attempt signs the request it sends without knowing of it. Private to the
// SDK.
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "grpcpp/support/client_interceptor.h"
#include "sx/client/client_options.h"

namespace sx::client::internal {

// The interceptor factory for `options.signing`, or null if it names no
// key. Fails if the key or certificate cannot be read or do not match.
absl::StatusOr<
    std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>>
StepSigningInterceptors(const ClientOptions& options);

// Whether `method` ("/<service>/<method>") is a step the hub keeps a
// signature of.
bool IsSignedStep(absl::string_view method);

}  // namespace sx::client::internal
