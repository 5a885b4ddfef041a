// HubInfoClient over gRPC with mutual TLS, on the channel and the retrying
// unary calls every SDK client shares.
#include <memory>

#include "client_sdk/proto_convert.h"
#include "client_sdk/unary_call.h"
#include "grpcpp/grpcpp.h"
#include "supervision/v1/hub_info.grpc.pb.h"
#include "sx/client/hub_info_client.h"

namespace sx::client {
namespace {

namespace v1 = ::supervision::v1;

// Thread-safe, as ServiceClient is. Overrides every method of HubInfoClient:
// the interface's UNIMPLEMENTED defaults are for fakes only.
class GrpcHubInfoClient final
    : public HubInfoClient,
      private internal::ServiceClient<v1::HubInfoService> {
 public:
  using ServiceClient::ServiceClient;

  absl::StatusOr<WhoAmIAnswer> WhoAmI() override {
    return Call(&Stub::WhoAmI, v1::WhoAmIRequest());
  }
};

}  // namespace

absl::StatusOr<std::unique_ptr<HubInfoClient>> ConnectHubInfoClient(
    const ClientOptions& options) {
  return internal::ConnectClient<HubInfoClient, GrpcHubInfoClient>(options);
}

}  // namespace sx::client
