// The one place where grpc::Status becomes absl::Status in the SDK.
#pragma once

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace sx::client::internal {

absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace sx::client::internal
