// The hub's Prometheus endpoint: request counts by method and status, write
// latencies and queue depths, scraped over loopback from the real sxhub.
#include <chrono>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "supervision/v1/exchange.grpc.pb.h"
#include "tests/e2e/hub_process.h"
#include "tests/e2e/metrics_scrape.h"

namespace sx::testing {
namespace {

namespace v1 = ::supervision::v1;

TEST(MetricsE2eTest, ScrapeShowsRequestsWritesAndQueues) {
  DevPki pki;
  HubProcess hub(pki, [](std::string& config) {
    config += "\nmetrics_address: \"127.0.0.1:0\"\n";
  });
  ASSERT_TRUE(hub.Start().ok());
  const int port = MetricsPort(hub.ReadLog());
  ASSERT_NE(port, 0) << hub.ReadLog();

  auto stub = v1::ExchangeService::NewStub(hub.Channel("inspection-office"));
  v1::SubmitReferralRequest request;
  request.set_request_id("metrics-1");
  request.set_recipient_agency_id("discipline-commission");
  request.set_kind(v1::REFERRAL_KIND_LEAD);
  v1::Lead& lead = *request.mutable_lead();
  lead.set_subject("不应出现在指标中的主体");
  lead.set_category("c");
  lead.set_summary("s");
  lead.set_source("s");
  lead.set_sensitivity(v1::SENSITIVITY_ORDINARY);
  lead.set_urgency(v1::URGENCY_NORMAL);
  v1::Referral referral;
  grpc::ClientContext context;
  ASSERT_TRUE(stub->SubmitReferral(&context, request, &referral).ok());
  grpc::ClientContext refused_context;
  v1::AcceptReferralRequest accept;
  accept.set_request_id("metrics-2");
  accept.set_referral_id(referral.referral_id());
  // The sender may not accept: a PERMISSION_DENIED to count.
  EXPECT_FALSE(stub->AcceptReferral(&refused_context, accept, &referral).ok());

  const std::string scrape = HttpGet(port, "/metrics");
  ASSERT_NE(scrape.find("HTTP/1.1 200"), std::string::npos) << scrape;
  for (const char* expected :
       {"sxhub_grpc_requests_total{method=\"ExchangeService/"
        "SubmitReferral\",code=\"OK\"} 1",
        "sxhub_grpc_requests_total{method=\"ExchangeService/"
        "AcceptReferral\",code=\"PERMISSION_DENIED\"} 1",
        "sxhub_grpc_request_duration_seconds_count{method=\"ExchangeService/"
        "SubmitReferral\"} 1",
        "sxhub_storage_sync_write_seconds_count",
        "sxhub_storage_group_commit_transactions_bucket",
        "sxhub_storage_queued_seconds_count",
        "sxhub_storage_commit_seconds_count",
        "sxhub_inbox_depth{agency=\"discipline-commission\"} 1",
        "sxhub_inbox_depth{agency=\"inspection-office\"} 0",
        "sxhub_referrals_overdue_open 0"}) {
    EXPECT_NE(scrape.find(expected), std::string::npos) << expected << "\n"
                                                        << scrape;
  }
  EXPECT_EQ(scrape.find("不应出现在指标中的主体"), std::string::npos);
  EXPECT_NE(HttpGet(port, "/other").find("404"), std::string::npos);
}

}  // namespace
}  // namespace sx::testing
