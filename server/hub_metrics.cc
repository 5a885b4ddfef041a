#include "server/hub_metrics.h"

#include <string>
#include <utility>

#include "sx/base/status_macros.h"
#include "sx/metrics/grpc_metrics_interceptor.h"

namespace sx::server {
namespace {

namespace v1 = ::supervision::v1;
using Samples = std::vector<std::pair<std::vector<std::string>, double>>;

}  // namespace

absl::StatusOr<std::unique_ptr<HubMetrics>> HubMetrics::Create(
    storage::Store& store, core::AdminCore& admin) {
  std::unique_ptr<HubMetrics> metrics(new HubMetrics());
  metrics::MetricsRegistry& registry = metrics->registry_;

  SX_ASSIGN_OR_RETURN(
      metrics::HistogramFamily * write_seconds,
      registry.Histogram("sxhub_storage_sync_write_seconds",
                         "Time of each RocksDB WAL fsync (one group commit)",
                         {}, metrics::LatencyBucketsSeconds()));
  SX_ASSIGN_OR_RETURN(
      metrics::HistogramFamily * group_size,
      registry.Histogram("sxhub_storage_group_commit_transactions",
                         "Transactions made durable by each WAL fsync", {},
                         {1, 2, 4, 8, 16, 32, 64, 128, 256, 512}));
  SX_ASSIGN_OR_RETURN(
      metrics::HistogramFamily * queued_seconds,
      registry.Histogram("sxhub_storage_queued_seconds",
                         "Time each write transaction waited for the storage "
                         "writer thread",
                         {}, metrics::LatencyBucketsSeconds()));
  SX_ASSIGN_OR_RETURN(
      metrics::HistogramFamily * commit_seconds,
      registry.Histogram("sxhub_storage_commit_seconds",
                         "Time from a write transaction's arrival at the "
                         "store until it was fsynced",
                         {}, metrics::LatencyBucketsSeconds()));
  store.SetWriteObserver([=](const storage::CommitReport& report) {
    write_seconds->Observe({}, absl::ToDoubleSeconds(report.fsync_time));
    group_size->Observe({}, static_cast<double>(report.committed.size()));
    for (absl::Duration queued : report.queued) {
      queued_seconds->Observe({}, absl::ToDoubleSeconds(queued));
    }
    for (absl::Duration committed : report.committed) {
      commit_seconds->Observe({}, absl::ToDoubleSeconds(committed));
    }
  });

  // Inbox gauges come from one InboxStats() per scrape per gauge; the
  // admin core reads them straight from storage.
  auto inbox_gauge = [&admin](auto field) {
    return [&admin, field]() {
      Samples samples;
      absl::StatusOr<v1::GetInboxStatsResponse> stats = admin.InboxStats();
      if (!stats.ok()) return samples;
      for (const v1::InboxStats& inbox : stats->inboxes()) {
        samples.push_back({{inbox.agency_id()}, field(inbox)});
      }
      return samples;
    };
  };
  SX_RETURN_IF_ERROR(registry.GaugeCallback(
      "sxhub_inbox_depth", "Unacknowledged entries per agency inbox",
      {"agency"}, inbox_gauge([](const v1::InboxStats& inbox) {
        return static_cast<double>(inbox.depth());
      })));
  SX_RETURN_IF_ERROR(registry.GaugeCallback(
      "sxhub_inbox_dead_letters", "Dead letters per agency", {"agency"},
      inbox_gauge([](const v1::InboxStats& inbox) {
        return static_cast<double>(inbox.dead_letters());
      })));
  SX_RETURN_IF_ERROR(registry.GaugeCallback(
      "sxhub_inbox_streams", "Open inbox streams per agency", {"agency"},
      inbox_gauge([](const v1::InboxStats& inbox) {
        return static_cast<double>(inbox.connected_streams());
      })));
  SX_RETURN_IF_ERROR(registry.GaugeCallback(
      "sxhub_referrals_overdue_open",
      "Open referrals with a flagged missed deadline", {}, [&admin]() {
        Samples samples;
        absl::StatusOr<v1::GetTransferCountsResponse> counts =
            admin.TransferCounts();
        if (counts.ok()) {
          samples.push_back({{}, static_cast<double>(counts->overdue_open())});
        }
        return samples;
      }));
  SX_RETURN_IF_ERROR(registry.GaugeCallback(
      "sxhub_storage_damaged",
      "1 once a scrub or a read found damaged stored data (the hub then "
      "refuses writes until the data directory is restored), else 0",
      {}, [&store]() {
        return Samples{{{}, store.Health().ok() ? 0.0 : 1.0}};
      }));
  // Per recipient and level, from the counts the store keeps as referrals
  // change: a scrape costs the same at any size of history.
  auto conditions_gauge = [&admin](auto levels) {
    return [&admin, levels]() {
      Samples samples;
      absl::StatusOr<v1::GetTransferCountsResponse> counts =
          admin.TransferCounts();
      if (!counts.ok()) return samples;
      for (const v1::RecipientConditions& agency : counts->by_recipient()) {
        for (const auto& [level, count] : levels(agency)) {
          if (count == 0) continue;
          samples.push_back(
              {{agency.agency_id(), level}, static_cast<double>(count)});
        }
      }
      return samples;
    };
  };
  using Levels = std::vector<std::pair<std::string, uint64_t>>;
  SX_RETURN_IF_ERROR(registry.GaugeCallback(
      "sxhub_referrals_warned_open",
      "Referrals still owing final feedback under a staged warning (预警), "
      "per recipient and level",
      {"agency", "level"},
      conditions_gauge([](const v1::RecipientConditions& agency) {
        return Levels{{"blue", agency.blue_warnings()},
                      {"yellow", agency.yellow_warnings()},
                      {"red", agency.red_warnings()}};
      })));
  SX_RETURN_IF_ERROR(registry.GaugeCallback(
      "sxhub_referrals_pressed_open",
      "Open referrals reminded (督办), per recipient and highest level",
      {"agency", "level"},
      conditions_gauge([](const v1::RecipientConditions& agency) {
        return Levels{{"urge", agency.urged()},
                      {"supervise", agency.supervised()},
                      {"listed", agency.listed()}};
      })));
  return metrics;
}

absl::StatusOr<std::vector<
    std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>>
HubMetrics::InterceptorCreators() {
  SX_ASSIGN_OR_RETURN(
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
          factory,
      metrics::MakeGrpcMetricsInterceptorFactory(registry_));
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      creators;
  creators.push_back(std::move(factory));
  return creators;
}

absl::Status HubMetrics::Serve(absl::string_view address) {
  SX_ASSIGN_OR_RETURN(http_, metrics::MetricsHttpServer::Start(address, [this] {
                        return registry_.RenderText();
                      }));
  return absl::OkStatus();
}

void HubMetrics::Stop() {
  if (http_ != nullptr) http_->Stop();
}

int HubMetrics::port() const { return http_ == nullptr ? 0 : http_->port(); }

}  // namespace sx::server
