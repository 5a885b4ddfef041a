#include "client_sdk/sxctl/distribution_text.h"

#include "absl/strings/str_cat.h"
#include "client_sdk/sxctl/referral_text.h"
#include "client_sdk/sxctl/text_table.h"
#include "client_sdk/sxctl/time_format.h"

namespace sx::sxctl {
namespace {

// "12/19": how many of the recipients.
std::string OfRecipients(uint32_t count,
                         const client::DistributionProgress& progress) {
  return absl::StrCat(count, "/", progress.recipients);
}

}  // namespace

std::string DistributionProgressLine(
    const client::DistributionProgress& progress) {
  return absl::StrCat(
      "delivered ", OfRecipients(progress.delivered, progress), ", signed for ",
      OfRecipients(progress.accepted, progress), ", fed back ",
      OfRecipients(progress.fed_back, progress), ", closed ",
      OfRecipients(progress.closed, progress), ", overdue ", progress.overdue,
      ", ended otherwise ", progress.ended_otherwise);
}

std::string DistributionText(const client::Distribution& distribution) {
  KeyValueBlock block;
  block.Add("distribution", distribution.distribution_id);
  block.Add("kind", client::ToString(distribution.kind));
  block.Add("from", distribution.sender_agency_id);
  block.Add("created", FormatTimeSeconds(distribution.created_at));
  block.Add("progress", DistributionProgressLine(distribution.progress));
  std::string out = block.Render();
  if (distribution.members.empty()) return out;
  TextTable table({"RECIPIENT", "REFERRAL", "STATE", "OVERDUE", "UPDATED"});
  for (const client::DistributionMember& member : distribution.members) {
    const client::Referral& referral = member.referral;
    table.AddRow(
        {member.recipient_agency_id, referral.referral_id,
         client::ToString(referral.state),
         OverdueFlagsText(referral.accept_overdue, referral.feedback_overdue),
         FormatTimeSeconds(referral.updated_at)});
  }
  absl::StrAppend(&out, "\n", table.Render());
  return out;
}

std::string DistributionTableText(
    const std::vector<client::Distribution>& distributions) {
  TextTable table({"DISTRIBUTION", "KIND", "CREATED", "RECIPIENTS", "DELIVERED",
                   "SIGNED FOR", "FED BACK", "CLOSED", "OVERDUE",
                   "ENDED OTHERWISE"});
  for (const client::Distribution& distribution : distributions) {
    const client::DistributionProgress& progress = distribution.progress;
    table.AddRow(
        {distribution.distribution_id, client::ToString(distribution.kind),
         FormatTimeSeconds(distribution.created_at),
         absl::StrCat(progress.recipients), absl::StrCat(progress.delivered),
         absl::StrCat(progress.accepted), absl::StrCat(progress.fed_back),
         absl::StrCat(progress.closed), absl::StrCat(progress.overdue),
         absl::StrCat(progress.ended_otherwise)});
  }
  return table.Render();
}

}  // namespace sx::sxctl
