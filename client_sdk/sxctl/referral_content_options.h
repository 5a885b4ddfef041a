// What `send` and `distribute` send each recipient, read from the options
// they share: --kind, the lead's fields (--subject, --category, ...),
// --attach and --items. One place, so that the two commands take the same
// flags with the same checks.
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "client_sdk/sxctl/command_line.h"
#include "sx/client/types.h"

namespace sx::sxctl {

// The content of a referral, without its recipient: what NewReferral and
// NewDistribution have in common.
struct ReferralContent {
  client::ReferralKind kind = client::ReferralKind::kLead;
  client::Lead lead;
  std::vector<client::RectificationItemDraft> rectification_items;
};

// Reads every attachment and the items file before returning, so that a
// typo in a file name sends nothing. A usage error for --items with a kind
// other than problem_list.
absl::StatusOr<ReferralContent> ReadReferralContent(
    const Invocation& invocation);

}  // namespace sx::sxctl
