#include "client_sdk/sxctl/distribution_commands.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client_sdk/sxctl/every_page.h"
#include "client_sdk/sxctl/referral_content_options.h"

namespace sx::sxctl {
namespace {

absl::StatusOr<client::DistributionPage> ListAllPages(
    client::ExchangeClient& exchange, client::DistributionQuery query) {
  return ReadEveryPage<client::DistributionPage, client::DistributionQuery>(
      std::move(query),
      [&exchange](const client::DistributionQuery& page) {
        return exchange.ListDistributions(page);
      },
      &client::DistributionPage::distributions);
}

}  // namespace

absl::Status RunDistribute(const CommandContext& context) {
  const Invocation& in = context.invocation;
  absl::StatusOr<std::vector<std::string>> recipients =
      IdListOption(in, "to", "agency");
  if (!recipients.ok()) return recipients.status();
  absl::StatusOr<ReferralContent> content = ReadReferralContent(in);
  if (!content.ok()) return content.status();
  client::NewDistribution distribution;
  distribution.recipient_agency_ids = *std::move(recipients);
  distribution.kind = content->kind;
  distribution.lead = std::move(content->lead);
  distribution.rectification_items = std::move(content->rectification_items);
  return PrintIfOk(
      context.exchange->SubmitDistribution(distribution, RequestOptions(in)),
      context.output, &Output::Distribution);
}

absl::Status RunDistributionShow(const CommandContext& context) {
  return PrintIfOk(
      context.exchange->GetDistribution(context.invocation.arguments.front()),
      context.output, &Output::Distribution);
}

absl::Status RunDistributionList(const CommandContext& context) {
  const Invocation& in = context.invocation;
  client::DistributionQuery query;
  query.page_size = PageSizeOption(in);
  query.page_token = in.Value("page-token");
  return PrintIfOk(in.Has("all") ? ListAllPages(*context.exchange, query)
                                 : context.exchange->ListDistributions(query),
                   context.output, &Output::Distributions);
}

}  // namespace sx::sxctl
