#include "client_sdk/sxctl/statistics_command.h"

#include "client_sdk/sxctl/statistics_period.h"

namespace sx::sxctl {

absl::Status RunStats(const CommandContext& context) {
  const Invocation& in = context.invocation;
  if (in.Has("csv") && in.Has("json")) {
    return UsageError("give either --csv or --json, not both");
  }
  absl::StatusOr<StatisticsPeriod> period = PeriodFromOptions(in);
  if (!period.ok()) return period.status();
  client::StatisticsQuery query;
  query.from_date = FormatDay(period->first);
  query.to_date = FormatDay(period->last);
  query.agency_id = in.Value("unit");
  return PrintIfOk(
      context.exchange->GetStatistics(query), context.output,
      in.Has("csv") ? &Output::StatisticsCsv : &Output::Statistics);
}

}  // namespace sx::sxctl
