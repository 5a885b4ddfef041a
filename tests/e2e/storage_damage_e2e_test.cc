// Damaged storage is reported, not hidden, by the real hub: a table file
// damaged on disk while the hub was stopped is found by the scheduled
// scrub, and from then on gRPC health says NOT_SERVING, `admin status` and
// the metrics say the storage is damaged, one log line names the file, and
// writes are refused — while nothing of a lead reaches the log.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "supervision/v1/admin.grpc.pb.h"
#include "supervision/v1/exchange.grpc.pb.h"
#include "tests/e2e/health_check.h"
#include "tests/e2e/hub_process.h"
#include "tests/e2e/metrics_scrape.h"
#include "tests/support/damage_table_file.h"

namespace sx::testing {
namespace {

namespace v1 = ::supervision::v1;
namespace fs = std::filesystem;

constexpr char kSubject[] = "不应出现在日志中的被反映人";

grpc::Status Submit(v1::ExchangeService::Stub& stub, int number) {
  v1::SubmitReferralRequest request;
  request.set_request_id(absl::StrCat("damage-", number));
  request.set_recipient_agency_id("discipline-commission");
  request.set_kind(v1::REFERRAL_KIND_LEAD);
  v1::Lead& lead = *request.mutable_lead();
  lead.set_subject(kSubject);
  lead.set_category("进一步了解关注类");
  // Long and varied, so that the leads fill many table blocks.
  lead.set_summary(std::string(3000, static_cast<char>('a' + number % 26)) +
                   std::to_string(number * 7919));
  lead.set_source("巡察个别谈话");
  lead.set_sensitivity(v1::SENSITIVITY_ORDINARY);
  lead.set_urgency(v1::URGENCY_NORMAL);
  v1::Referral referral;
  return stub.SubmitReferral(Context().get(), request, &referral);
}

bool WaitFor(const std::function<bool()>& condition) {
  for (int i = 0; i < 200; ++i) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

TEST(StorageDamageE2eTest, AScrubFindsDamageAndTheHubSaysSoAndStopsWriting) {
  DevPki pki;
  HubProcess hub(pki, [](std::string& config) {
    // A scrub every second instead of every day.
    config = absl::StrReplaceAll(config, {{"scrub_interval_seconds: 86400",
                                           "scrub_interval_seconds: 1"}});
    config += "\nmetrics_address: \"127.0.0.1:0\"\n";
  });
  ASSERT_TRUE(hub.Start().ok());
  auto exchange =
      v1::ExchangeService::NewStub(hub.Channel("inspection-office"));
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(Submit(*exchange, i).ok()) << i;
  // A checkpoint flushes the write buffers into table files.
  ASSERT_EQ(kill(hub.pid(), SIGUSR1), 0);
  ASSERT_TRUE(WaitFor([&] {
    return absl::StrContains(hub.ReadLog(), "checkpoint written to");
  })) << hub.ReadLog();
  ASSERT_TRUE(WaitFor([&] {
    return absl::StrContains(hub.ReadLog(), "table files");
  })) << hub.ReadLog();
  EXPECT_TRUE(absl::StrContains(hub.ReadLog(), "; no damage")) << hub.ReadLog();
  EXPECT_EQ(HealthStatus(hub.Channel("inspection-office")), 1);
  hub.Stop();

  const std::string damaged_path = DamageLargestTableFile(hub.data_dir());
  ASSERT_FALSE(damaged_path.empty()) << "no table file to damage";
  const std::string damaged = fs::path(damaged_path).filename().string();
  ASSERT_TRUE(hub.Start().ok());
  const int metrics_port = MetricsPort(hub.ReadLog());
  ASSERT_NE(metrics_port, 0);
  ASSERT_TRUE(WaitFor([&] {
    return HealthStatus(hub.Channel("inspection-office")) == 2;
  })) << hub.ReadLog();

  const std::string log = hub.ReadLog();
  EXPECT_TRUE(absl::StrContains(log, "STORAGE DAMAGED")) << log;
  EXPECT_TRUE(absl::StrContains(log, damaged)) << log;
  EXPECT_FALSE(absl::StrContains(log, kSubject));

  auto admin = v1::AdminService::NewStub(hub.Channel("admin-ops"));
  v1::HubStatus status;
  ASSERT_TRUE(admin->GetHubStatus(Context().get(), {}, &status).ok());
  EXPECT_TRUE(absl::StrContains(status.storage(), damaged)) << status.storage();

  const std::string scrape = HttpGet(metrics_port, "/metrics");
  EXPECT_NE(scrape.find("\nsxhub_storage_damaged 1\n"), std::string::npos)
      << scrape;

  const grpc::Status refused = Submit(*exchange, 1000);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(refused.error_message(), "restored"))
      << refused.error_message();
}

}  // namespace
}  // namespace sx::testing
