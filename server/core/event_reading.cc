#include "server/core/event_reading.h"

#include <optional>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "sx/base/status_macros.h"

namespace sx::core {

namespace v1 = ::supervision::v1;

absl::StatusOr<EventPage> ReadEventPage(storage::Store& store,
                                        const storage::EventFilter& filter,
                                        const std::string& page_token,
                                        size_t page_size) {
  uint64_t after = 0;
  if (!page_token.empty() && !absl::SimpleAtoi(page_token, &after)) {
    return absl::InvalidArgumentError("page_token: malformed");
  }
  SX_ASSIGN_OR_RETURN(std::vector<uint64_t> sequences,
                      store.QueryEvents(filter, after, page_size));
  EventPage page;
  page.events.reserve(sequences.size());
  for (uint64_t sequence : sequences) {
    SX_ASSIGN_OR_RETURN(std::vector<v1::Event> events,
                        store.ReadEvents(sequence, 1));
    if (events.empty() || events[0].sequence() != sequence) {
      return absl::DataLossError(
          absl::StrCat("storage: indexed event ", sequence, " is missing"));
    }
    page.events.push_back(std::move(events[0]));
  }
  if (sequences.size() == page_size) {
    page.next_page_token = absl::StrCat(sequences.back());
  }
  return page;
}

absl::Status SigningCertificateCollector::Add(const v1::Event& event) {
  const std::string& sha256 = event.step_signature().certificate_sha256();
  if (sha256.empty() || !seen_.insert(sha256).second) return absl::OkStatus();
  SX_ASSIGN_OR_RETURN(std::optional<std::string> certificate,
                      store_.GetSigningCertificate(sha256));
  if (!certificate.has_value()) {
    return absl::DataLossError(
        absl::StrCat("event ", event.sequence(),
                     " names a signing certificate the store lacks"));
  }
  certificates_.push_back(*std::move(certificate));
  return absl::OkStatus();
}

void SigningCertificateCollector::MoveTo(
    google::protobuf::RepeatedPtrField<std::string>& out) {
  for (std::string& certificate : certificates_) {
    out.Add(std::move(certificate));
  }
  certificates_.clear();
}

}  // namespace sx::core
