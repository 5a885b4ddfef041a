// The one place where absl::Status becomes grpc::Status at the hub's edge.
#pragma once

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace sx::server {

grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace sx::server
