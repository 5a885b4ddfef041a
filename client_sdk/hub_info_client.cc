// The defaults of HubInfoClient, out of line so that its vtable lives in the
// SDK library and a fake that overrides only a few methods links against
// them; a method added to the interface later comes with its default, and
// the fake keeps compiling. GrpcHubInfoClient overrides every one of them.
#include "sx/client/hub_info_client.h"

#include "absl/status/status.h"

namespace sx::client {

HubInfoClient::~HubInfoClient() = default;

absl::StatusOr<WhoAmIAnswer> HubInfoClient::WhoAmI() {
  return absl::UnimplementedError(
      "HubInfoClient::WhoAmI is not implemented by this client");
}

}  // namespace sx::client
