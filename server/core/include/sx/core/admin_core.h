// What administrators see: transfers, inboxes, dead letters, counts and hub
// status — metadata only. TransferSummaryOf is the one place that decides
// which referral fields an administrator may see; lead contents, feedback
// and reminder texts never pass it.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "supervision/v1/admin.pb.h"
#include "sx/core/clock.h"
#include "sx/core/hub_config.h"
#include "sx/core/identity.h"
#include "sx/encryption/encrypting_store.h"
#include "sx/storage/store.h"

namespace sx::core {

// The administrator's view of a referral: no content.
::supervision::v1::TransferSummary TransferSummaryOf(
    const ::supervision::v1::Referral& referral);

// Thread-safe.
class AdminCore {
 public:
  using ConfigSource = std::function<std::shared_ptr<const HubConfig>()>;
  // How many inbox streams an agency holds open right now.
  using StreamCounter = std::function<uint32_t(absl::string_view agency_id)>;

  // `encryption` is the store itself when the hub encrypts at rest, else
  // null.
  AdminCore(storage::Store& store, const Clock& clock, ConfigSource config,
            StreamCounter open_streams, std::string version,
            encryption::EncryptingStore* encryption = nullptr);

  absl::StatusOr<::supervision::v1::ListTransfersResponse> ListTransfers(
      const ::supervision::v1::ListTransfersRequest& request);
  absl::StatusOr<::supervision::v1::GetInboxStatsResponse> InboxStats();
  absl::StatusOr<::supervision::v1::ListDeadLettersResponse> ListDeadLetters(
      const ::supervision::v1::ListDeadLettersRequest& request);
  // Puts dead letters back into their inbox and, in the same transaction,
  // records in the event log that `admin` did it (DEAD_LETTERS_REDRIVEN,
  // unless nothing moved). Completes on the store's writer thread once
  // durable.
  void Redrive(const Identity& admin,
               const ::supervision::v1::RedriveDeadLettersRequest& request,
               std::function<void(absl::StatusOr<uint32_t>)> done);
  absl::StatusOr<::supervision::v1::GetTransferCountsResponse> TransferCounts();
  absl::StatusOr<::supervision::v1::HubStatus> Status();
  // Completes on the store's completion thread once durable.
  void RewrapDataKeys(
      const ::supervision::v1::RewrapDataKeysRequest& request,
      std::function<
          void(absl::StatusOr<::supervision::v1::RewrapDataKeysResponse>)>
          done);

 private:
  storage::Store& store_;
  const Clock& clock_;
  encryption::EncryptingStore* const encryption_;
  const ConfigSource config_;
  const StreamCounter open_streams_;
  const std::string version_;
  const absl::Time started_;
};

}  // namespace sx::core
