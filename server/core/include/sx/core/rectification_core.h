// The rectification ledger calls of rectification.proto: adding items to a
// problem list, reporting on an item, verifying or rejecting a report, and
// reading the ledger. Every change takes the exchange's one path: replay
// check → authorize (the referral state machine's ledger actions) → the
// item table → one transaction with the item, the referral's summary, the
// event, the inbox entry and the request record.
//
// Knows nothing of gRPC. Mutations complete asynchronously, once durable:
// `done` runs on the store's completion thread and must not block.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "supervision/v1/rectification.pb.h"
#include "sx/core/clock.h"
#include "sx/core/hub_config.h"
#include "sx/core/identity.h"
#include "sx/core/signed_step.h"
#include "sx/storage/store.h"

namespace sx::core {

using LedgerCallback = std::function<void(
    absl::StatusOr<::supervision::v1::RectificationStepResponse>)>;

// Thread-safe.
class RectificationCore {
 public:
  // `config` gives the config in force when a call starts (reloads swap it).
  RectificationCore(storage::Store& store, const Clock& clock,
                    std::function<std::shared_ptr<const HubConfig>()> config);

  // `request_fingerprint`: SHA-256 of the request's bytes, as for the
  // exchange's steps; a retry must send the same request. `signed_step`:
  // the caller's signature of the request, if it signed it.
  void AddItems(const Identity& caller,
                ::supervision::v1::AddRectificationItemsRequest request,
                std::string request_fingerprint, LedgerCallback done,
                std::optional<SignedStep> signed_step = std::nullopt);
  void Report(const Identity& caller,
              ::supervision::v1::ReportRectificationRequest request,
              std::string request_fingerprint, LedgerCallback done,
              std::optional<SignedStep> signed_step = std::nullopt);
  void Verify(const Identity& caller,
              ::supervision::v1::VerifyRectificationRequest request,
              std::string request_fingerprint, LedgerCallback done,
              std::optional<SignedStep> signed_step = std::nullopt);

  absl::StatusOr<::supervision::v1::ListRectificationItemsResponse> List(
      const Identity& caller,
      const ::supervision::v1::ListRectificationItemsRequest& request);

 public:
  // One ledger call, checked and ready for the transaction.
  struct LedgerStep;

 private:
  void Run(const Identity& caller, std::shared_ptr<LedgerStep> step,
           LedgerCallback done);

  storage::Store& store_;
  const Clock& clock_;
  std::function<std::shared_ptr<const HubConfig>()> config_;
};

}  // namespace sx::core
