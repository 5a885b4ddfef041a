// The domain core of the exchange: submits referrals, takes every step of the
// referral state machine, acknowledges inbox entries and answers reads.
// Knows nothing of gRPC: callers pass an Identity and contract messages and
// get absl::Status back. Every change goes through one storage transaction
// that writes state, event, inbox entries and the request record together.
//
// Mutations complete asynchronously, once durable: `done` runs on the store's
// writer thread and must not block.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "supervision/v1/exchange.pb.h"
#include "sx/core/clock.h"
#include "sx/core/hub_config.h"
#include "sx/core/identity.h"
#include "sx/core/referral_state_machine.h"
#include "sx/core/step_request.h"
#include "sx/storage/store.h"

namespace sx::core {

using ReferralCallback =
    std::function<void(absl::StatusOr<::supervision::v1::Referral>)>;
using AckCallback = std::function<void(absl::StatusOr<uint32_t>)>;

// Thread-safe.
class ExchangeCore {
 public:
  ExchangeCore(storage::Store& store, const Clock& clock,
               std::shared_ptr<const HubConfig> config);

  // 移送. `request_fingerprint` and `signed_step` as in StepRequest.
  void Submit(const Identity& caller,
              ::supervision::v1::SubmitReferralRequest request,
              std::string request_fingerprint, ReferralCallback done,
              std::optional<SignedStep> signed_step = std::nullopt);
  // Any step after submission.
  void TakeStep(const Identity& caller, StepRequest step,
                ReferralCallback done);
  // Removes entries from the caller's inbox; reports how many were there.
  void Acknowledge(const Identity& caller, std::vector<uint64_t> sequences,
                   AckCallback done);

  // An inbox stream ended before these entries it carried were
  // acknowledged: each still in the inbox counts one failed delivery, and
  // those past limits.max_delivery_attempts move to the dead letters.
  // Fire and forget: failures are logged by the caller through `done`.
  void RecordUnacknowledged(const Identity& caller,
                            std::vector<uint64_t> sequences,
                            storage::DurableCallback done);

  absl::StatusOr<::supervision::v1::Referral> Get(
      const Identity& caller, absl::string_view referral_id,
      bool include_attachment_content);
  absl::StatusOr<::supervision::v1::ListReferralsResponse> List(
      const Identity& caller,
      const ::supervision::v1::ListReferralsRequest& request);
  // A page of the referral's events with the signing certificates they
  // name, for whoever may read the referral (as Get).
  absl::StatusOr<::supervision::v1::ListReferralStepsResponse> ListSteps(
      const Identity& caller,
      const ::supervision::v1::ListReferralStepsRequest& request);
  // A page of the caller's own inbox, read without taking delivery (no
  // attempt counted, nothing acknowledged); leads without attachment
  // contents.
  absl::StatusOr<::supervision::v1::PeekInboxResponse> PeekInbox(
      const Identity& caller,
      const ::supervision::v1::PeekInboxRequest& request);
  // Unacknowledged entries of the caller's own inbox after `after_sequence`,
  // each with its referral attached (with the lead for a new referral).
  absl::StatusOr<std::vector<::supervision::v1::InboxEntry>> ReadInbox(
      const Identity& caller, uint64_t after_sequence, size_t limit);

  // Swaps in a reloaded config for calls that start afterwards.
  void UpdateConfig(std::shared_ptr<const HubConfig> config);
  std::shared_ptr<const HubConfig> config() const;

 private:
  // Puts the referral in `entry` (with the lead for the recipient of a new
  // one, its attachment contents only if `attachment_contents`).
  absl::Status AttachReferral(const Identity& caller,
                              ::supervision::v1::InboxEntry& entry,
                              bool attachment_contents);

  storage::Store& store_;
  const Clock& clock_;
  mutable absl::Mutex config_mu_;
  std::shared_ptr<const HubConfig> config_ ABSL_GUARDED_BY(config_mu_);
};

}  // namespace sx::core
