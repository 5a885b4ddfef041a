// How every SDK client makes a unary call: each attempt gets the client's
// deadline, transient failures (UNAVAILABLE, DEADLINE_EXCEEDED) are retried
// with exponential backoff and full jitter, the status crosses into absl
// through FromGrpcStatus, and the reply into SDK types through FromProto.
// Private to the SDK.
//
//   return CallAndConvert(options_, *stub_,
//   &v1::AdminService::Stub::GetHubStatus,
//                         v1::GetHubStatusRequest());
#pragma once

#include <functional>
#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "client_sdk/connection_failure.h"
#include "client_sdk/grpc_channel_factory.h"
#include "client_sdk/proto_convert.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"
#include "sx/client/client_options.h"

namespace sx::client::internal {

// Runs `attempt` until it succeeds, fails for good, or attempts run out. The
// request (and any request id in it) must be the same in every attempt, so
// that the hub can recognize a retry. A connection failure ends as
// UNAVAILABLE or UNAUTHENTICATED naming its cause (connection_failure.h);
// `history` is the channel's, shared by all calls of a client.
absl::Status CallWithRetries(
    const ClientOptions& options, std::shared_ptr<ConnectionHistory> history,
    const std::function<grpc::Status(grpc::ClientContext*)>& attempt);

// One attempt of an asynchronous call: starts the call on `context` and
// calls `finished` when it completes (gRPC's callback API does both).
using AsyncAttempt = std::function<void(
    grpc::ClientContext* context, std::function<void(grpc::Status)> finished)>;

// CallWithRetries without a waiting thread: returns at once and calls `done`
// once, after the last attempt, on a gRPC thread (or before returning, if
// the call fails at once). Backoff between attempts waits on a gRPC alarm.
void CallWithRetriesAsync(const ClientOptions& options,
                          std::shared_ptr<ConnectionHistory> history,
                          AsyncAttempt attempt,
                          std::function<void(absl::Status)> done);

// FromProto gives either a value or, where a reply can be malformed, a
// StatusOr; callers get a StatusOr either way.
template <typename T>
absl::StatusOr<T> AsStatusOr(T value) {
  return value;
}
template <typename T>
absl::StatusOr<T> AsStatusOr(absl::StatusOr<T> value) {
  return value;
}

// Calls `method` of `stub` with retries and converts the reply.
template <typename Stub, typename Request, typename Reply>
auto CallAndConvert(const ClientOptions& options,
                    std::shared_ptr<ConnectionHistory> history, Stub& stub,
                    grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                 const Request&, Reply*),
                    const Request& request)
    -> decltype(AsStatusOr(FromProto(std::declval<const Reply&>()))) {
  Reply reply;
  const absl::Status status = CallWithRetries(
      options, std::move(history), [&](grpc::ClientContext* context) {
        return (stub.*method)(context, request, &reply);
      });
  if (!status.ok()) return status;
  return AsStatusOr(FromProto(reply));
}

// What every gRPC-backed SDK client holds: its options and the stub of its
// service, and the one way it calls. Thread-safe: the stub is, and the rest
// is immutable.
//
//   class GrpcAdminClient final : public AdminClient,
//                                 private ServiceClient<v1::AdminService> {
//     using ServiceClient::ServiceClient;
//     ... return Call(&Stub::GetHubStatus, v1::GetHubStatusRequest()); ...
template <typename Service>
class ServiceClient {
 public:
  // Public, so that the clients that inherit it can be made by ConnectClient.
  ServiceClient(const ClientOptions& options,
                std::shared_ptr<grpc::Channel> channel)
      : options_(options),
        history_(std::make_shared<ConnectionHistory>(options.hub_address)),
        stub_(Service::NewStub(channel)) {}

 protected:
  using Stub = typename Service::Stub;

  template <typename Request, typename Reply>
  auto Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                         Reply*),
            const Request& request) {
    return CallOn(*stub_, method, request);
  }

  // A call to another service on the same channel (`stub` made from it),
  // with this client's options and connection history.
  template <typename OtherStub, typename Request, typename Reply>
  auto CallOn(OtherStub& stub,
              grpc::Status (OtherStub::*method)(grpc::ClientContext*,
                                                const Request&, Reply*),
              const Request& request) {
    return CallAndConvert(options_, history_, stub, method, request);
  }

  const ClientOptions options_;
  // Shared with calls in flight, which may finish after the client is gone.
  const std::shared_ptr<ConnectionHistory> history_;
  const std::unique_ptr<Stub> stub_;
};

// The factory of every SDK client: `Implementation` (a ServiceClient) as
// `Interface`, on a new channel to the hub.
template <typename Interface, typename Implementation>
absl::StatusOr<std::unique_ptr<Interface>> ConnectClient(
    const ClientOptions& options) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      CreateHubChannel(options);
  if (!channel.ok()) return channel.status();
  return std::unique_ptr<Interface>(
      new Implementation(options, *std::move(channel)));
}

}  // namespace sx::client::internal
