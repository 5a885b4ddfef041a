// grpc.health.v1.Health/Check against the real hub, without generated
// health stubs (gRPC's C++ package ships the service, not the client).
#pragma once

#include <memory>

#include "grpcpp/channel.h"

namespace sx::testing {

// The whole server's status: 1 SERVING, 2 NOT_SERVING; -1 if the call
// failed or the answer was not one.
int HealthStatus(const std::shared_ptr<grpc::Channel>& channel);

}  // namespace sx::testing
