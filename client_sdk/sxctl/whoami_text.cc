#include "client_sdk/sxctl/whoami_text.h"

#include "absl/strings/str_format.h"
#include "client_sdk/sxctl/text_table.h"
#include "client_sdk/sxctl/time_format.h"

namespace sx::sxctl {
namespace {

std::string Milliseconds(absl::Duration duration) {
  return absl::StrFormat("%.3f ms", absl::ToDoubleMilliseconds(duration));
}

// "+0.412 ms ± 1.250 ms (hub ahead)": the offset is only known to within
// half the round trip, so the bound is part of the answer.
std::string OffsetText(absl::Duration offset, absl::Duration round_trip) {
  return absl::StrFormat("%+.3f ms ± %s (hub %s)",
                         absl::ToDoubleMilliseconds(offset),
                         Milliseconds(round_trip / 2),
                         offset < absl::ZeroDuration() ? "behind" : "ahead");
}

}  // namespace

std::string WhoAmIText(const WhoAmIResult& result) {
  const client::CallerIdentity& caller = result.answer.caller;
  const bool agency = caller.kind == client::IdentityKind::kAgency;
  KeyValueBlock block;
  block.Add("kind", client::ToString(caller.kind));
  block.Add("name", caller.name);
  block.Add("display name", caller.display_name);
  block.Add("agency type", caller.agency_type);
  block.Add("supervisor", agency ? (caller.supervisor ? "yes" : "no") : "");
  block.Add("certificate", caller.certificate_uri);
  block.Add("hub", result.answer.hub_id);
  block.Add("hub version", result.answer.hub_version);
  block.Add("hub time", FormatTimePrecise(result.answer.hub_time));
  block.Add("round trip", Milliseconds(result.round_trip));
  if (result.clock_offset.has_value()) {
    block.Add("clock offset",
              OffsetText(*result.clock_offset, result.round_trip));
  }
  return block.Render();
}

}  // namespace sx::sxctl
