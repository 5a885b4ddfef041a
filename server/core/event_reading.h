// Reading events for replies, shared by the auditors' queries and exports
// and the parties' ListReferralSteps: a page of events by an index filter
// (never a pass over the log), and the signing certificates the events'
// step signatures name.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "supervision/v1/referral.pb.h"
#include "sx/storage/store.h"

namespace sx::core {

struct EventPage {
  std::vector<::supervision::v1::Event> events;
  // The page_token of the next page; empty after the last.
  std::string next_page_token;
};

// Up to `page_size` events matching `filter`, in sequence order, after the
// one `page_token` names (empty: from the first). INVALID_ARGUMENT for a
// malformed token; DATA_LOSS if the index names an event the log lacks.
absl::StatusOr<EventPage> ReadEventPage(storage::Store& store,
                                        const storage::EventFilter& filter,
                                        const std::string& page_token,
                                        size_t page_size);

// Gathers, each once, the DER signing certificates that events name.
class SigningCertificateCollector {
 public:
  explicit SigningCertificateCollector(storage::Store& store)
      : store_(store) {}

  // Reads the certificate `event`'s step signature names, unless it has
  // already; nothing for an unsigned event. DATA_LOSS if the store lacks it.
  absl::Status Add(const ::supervision::v1::Event& event);
  // Appends what was gathered to `out`, in the order first named.
  void MoveTo(google::protobuf::RepeatedPtrField<std::string>& out);

 private:
  storage::Store& store_;
  absl::flat_hash_set<std::string> seen_;
  std::vector<std::string> certificates_;
};

}  // namespace sx::core
