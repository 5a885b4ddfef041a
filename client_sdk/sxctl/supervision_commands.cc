#include "client_sdk/sxctl/supervision_commands.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "client_sdk/sxctl/every_page.h"

namespace sx::sxctl {
namespace {

absl::StatusOr<client::SupervisionLedgerPage> ReadAllPages(
    client::ExchangeClient& exchange, client::SupervisionLedgerQuery query) {
  return ReadEveryPage<client::SupervisionLedgerPage,
                       client::SupervisionLedgerQuery>(
      std::move(query),
      [&exchange](const client::SupervisionLedgerQuery& page) {
        return exchange.ListSupervisedReferrals(page);
      },
      &client::SupervisionLedgerPage::referrals);
}

}  // namespace

absl::StatusOr<std::vector<client::SupervisedCondition>> ConditionOptions(
    const Invocation& invocation) {
  absl::StatusOr<std::vector<std::string>> names =
      IdListOption(invocation, "condition", "condition");
  if (!names.ok()) return names.status();
  std::vector<client::SupervisedCondition> conditions;
  for (const std::string& name : *names) {
    client::SupervisedCondition condition;
    if (!client::ParseSupervisedCondition(name, &condition)) {
      return UsageError(absl::StrCat(
          "--condition '", name,
          "' is not a condition: give overdue, warned, pressed or listed"));
    }
    if (std::find(conditions.begin(), conditions.end(), condition) ==
        conditions.end()) {
      conditions.push_back(condition);
    }
  }
  return conditions;
}

absl::Status RunSupervisionLedger(const CommandContext& context) {
  const Invocation& in = context.invocation;
  absl::StatusOr<std::vector<client::SupervisedCondition>> conditions =
      ConditionOptions(in);
  if (!conditions.ok()) return conditions.status();
  client::SupervisionLedgerQuery query;
  query.recipient_agency_id = in.Value("recipient");
  query.conditions = *std::move(conditions);
  query.page_size = PageSizeOption(in);
  query.page_token = in.Value("page-token");
  return PrintIfOk(in.Has("all")
                       ? ReadAllPages(*context.exchange, query)
                       : context.exchange->ListSupervisedReferrals(query),
                   context.output, &Output::SupervisionLedger);
}

}  // namespace sx::sxctl
