// Requests whose body does not parse. gRPC 1.51's callback API answers them
// itself, before any handler runs, with UNIMPLEMENTED and no message, which
// tells a client nothing and looks like a missing method. A server
// interceptor turns that answer into INVALID_ARGUMENT naming the message
// type the method expects, and logs the call (method and peer address; the
// body is never read).
//
//   creators.push_back(MakeMalformedRequestInterceptorFactory());
//   creators.push_back(metrics_factory);  // sees INVALID_ARGUMENT then
#pragma once

#include <memory>

#include "grpcpp/support/server_interceptor.h"

namespace sx::server {

// Thread-safe. Put it before interceptors that record the status, so that
// they see the rewritten one.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeMalformedRequestInterceptorFactory();

}  // namespace sx::server
