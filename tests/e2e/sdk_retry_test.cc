// The SDK's retries against a scripted fake hub (real mTLS, loopback): a
// retried call keeps its request id, and only transient failures are
// retried; the same for Submit and SubmitAsync.
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "supervision/v1/exchange.grpc.pb.h"
#include "sx/client/exchange_client.h"
#include "tests/e2e/dev_pki_suite.h"
#include "tests/e2e/fake_hub_server.h"
#include "tests/e2e/hub_process.h"

namespace sx::testing {
namespace {

namespace v1 = ::supervision::v1;

// Fails the first `failures` submissions with `failure`, then succeeds;
// remembers every request id it saw.
class ScriptedHub final : public v1::ExchangeService::Service {
 public:
  ScriptedHub(int failures, grpc::StatusCode failure)
      : failures_(failures), failure_(failure) {}

  grpc::Status SubmitReferral(grpc::ServerContext*,
                              const v1::SubmitReferralRequest* request,
                              v1::Referral* response) override {
    absl::MutexLock lock(&mu_);
    request_ids_.push_back(request->request_id());
    if (static_cast<int>(request_ids_.size()) <= failures_) {
      return grpc::Status(failure_, "scripted failure");
    }
    response->set_referral_id("fake-0000000001");
    response->set_state(v1::REFERRAL_STATE_SUBMITTED);
    return grpc::Status::OK;
  }

  std::vector<std::string> request_ids() {
    absl::MutexLock lock(&mu_);
    return request_ids_;
  }

 private:
  const int failures_;
  const grpc::StatusCode failure_;
  absl::Mutex mu_;
  std::vector<std::string> request_ids_ ABSL_GUARDED_BY(mu_);
};

class SdkRetryTest : public DevPkiSuite {
 protected:
  void Serve(ScriptedHub& hub) {
    server_ = std::make_unique<FakeHubServer>(*pki_, hub);
    ASSERT_TRUE(server_->started());
  }

  std::unique_ptr<client::ExchangeClient> Connect() {
    client::ClientOptions options =
        server_->ClientOptionsFor("inspection-office");
    options.retry.initial_backoff = absl::Milliseconds(1);
    options.retry.max_attempts = 4;
    return *client::ConnectExchangeClient(options);
  }

  void TearDown() override { server_.reset(); }

  static client::NewReferral Lead() {
    client::NewReferral referral;
    referral.recipient_agency_id = "discipline-commission";
    referral.lead.subject = "县土地储备中心";
    return referral;
  }

  std::unique_ptr<FakeHubServer> server_;
};

// How a test submits: the blocking Submit, or SubmitAsync waited for. Both
// must retry alike.
enum class Submitting { kBlocking, kAsync };

class SdkSubmitRetryTest : public SdkRetryTest,
                           public ::testing::WithParamInterface<Submitting> {
 protected:
  static absl::StatusOr<client::Referral> SubmitLead(
      client::ExchangeClient& client) {
    if (GetParam() == Submitting::kBlocking) return client.Submit(Lead());
    absl::StatusOr<client::Referral> result;
    absl::Notification done;
    client.SubmitAsync(Lead(), [&](absl::StatusOr<client::Referral> reply) {
      result = std::move(reply);
      done.Notify();
    });
    done.WaitForNotification();
    return result;
  }
};

INSTANTIATE_TEST_SUITE_P(BlockingAndAsync, SdkSubmitRetryTest,
                         ::testing::Values(Submitting::kBlocking,
                                           Submitting::kAsync),
                         [](const ::testing::TestParamInfo<Submitting>& info) {
                           return info.param == Submitting::kBlocking
                                      ? "Submit"
                                      : "SubmitAsync";
                         });

TEST_P(SdkSubmitRetryTest, RetriesKeepTheRequestId) {
  ScriptedHub hub(2, grpc::StatusCode::UNAVAILABLE);
  Serve(hub);
  auto referral = SubmitLead(*Connect());
  ASSERT_TRUE(referral.ok()) << referral.status();
  EXPECT_EQ(referral->referral_id, "fake-0000000001");
  std::vector<std::string> ids = hub.request_ids();
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_EQ(ids[0].size(), 36u) << "a UUID";
  EXPECT_EQ(ids[1], ids[0]);
  EXPECT_EQ(ids[2], ids[0]);
}

TEST_P(SdkSubmitRetryTest, NewCallsGetNewRequestIds) {
  ScriptedHub hub(0, grpc::StatusCode::OK);
  Serve(hub);
  auto client = Connect();
  ASSERT_TRUE(SubmitLead(*client).ok());
  ASSERT_TRUE(SubmitLead(*client).ok());
  std::vector<std::string> ids = hub.request_ids();
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_NE(ids[0], ids[1]);
}

TEST_P(SdkSubmitRetryTest, PermanentErrorsAreNotRetried) {
  ScriptedHub hub(10, grpc::StatusCode::PERMISSION_DENIED);
  Serve(hub);
  auto referral = SubmitLead(*Connect());
  EXPECT_TRUE(absl::IsPermissionDenied(referral.status()));
  EXPECT_EQ(referral.status().message(), "scripted failure");
  EXPECT_EQ(hub.request_ids().size(), 1u);
}

TEST_P(SdkSubmitRetryTest, GivesUpAfterTheConfiguredAttempts) {
  ScriptedHub hub(10, grpc::StatusCode::UNAVAILABLE);
  Serve(hub);
  auto referral = SubmitLead(*Connect());
  EXPECT_TRUE(absl::IsUnavailable(referral.status()));
  EXPECT_EQ(hub.request_ids().size(), 4u);
}

TEST_F(SdkRetryTest, DestroyingTheClientWaitsForAsyncCallsInFlight) {
  ScriptedHub hub(2, grpc::StatusCode::UNAVAILABLE);
  Serve(hub);
  absl::StatusOr<client::Referral> result;
  absl::Notification done;
  {
    auto client = Connect();
    client->SubmitAsync(Lead(), [&](absl::StatusOr<client::Referral> reply) {
      result = std::move(reply);
      done.Notify();
    });
  }  // Destroyed before the call has even been retried.
  EXPECT_TRUE(done.HasBeenNotified());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(hub.request_ids().size(), 3u);
}

}  // namespace
}  // namespace sx::testing
