// Distributions (distribution.proto): one notice or problem list to many
// units in one call (通报 / 分送). Submission creates one referral per
// recipient in one transaction, each by the same path as SubmitReferral;
// reads count progress from the member referrals.
//
// Knows nothing of gRPC. Submit completes asynchronously, once durable:
// `done` runs on the store's completion thread and must not block.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "supervision/v1/distribution.pb.h"
#include "sx/core/clock.h"
#include "sx/core/hub_config.h"
#include "sx/core/identity.h"
#include "sx/core/signed_step.h"
#include "sx/storage/store.h"

namespace sx::core {

using DistributionCallback =
    std::function<void(absl::StatusOr<::supervision::v1::Distribution>)>;

// Thread-safe.
class DistributionCore {
 public:
  DistributionCore(storage::Store& store, const Clock& clock,
                   std::function<std::shared_ptr<const HubConfig>()> config);

  // `request_fingerprint`: SHA-256 of the request's bytes. `signed_step`:
  // the sender's signature of the request, kept with each member referral's
  // SUBMITTED event.
  void Submit(const Identity& caller,
              ::supervision::v1::SubmitDistributionRequest request,
              std::string request_fingerprint, DistributionCallback done,
              std::optional<SignedStep> signed_step = std::nullopt);
  // The sender's view: progress and every member referral.
  absl::StatusOr<::supervision::v1::Distribution> Get(
      const Identity& caller, absl::string_view distribution_id);
  absl::StatusOr<::supervision::v1::ListDistributionsResponse> List(
      const Identity& caller,
      const ::supervision::v1::ListDistributionsRequest& request);

 private:
  // The distribution as it stands now, with members if `with_members`.
  absl::StatusOr<::supervision::v1::Distribution> Read(
      const ::supervision::v1::StoredDistribution& stored, bool with_members);

  storage::Store& store_;
  const Clock& clock_;
  std::function<std::shared_ptr<const HubConfig>()> config_;
};

}  // namespace sx::core
