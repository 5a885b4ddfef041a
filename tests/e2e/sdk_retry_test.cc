// The SDK's retries against a scripted fake hub (real mTLS, loopback): a
// retried call keeps its request id, and only transient failures are retried.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "hub_process.h"
#include "supervision/v1/exchange.grpc.pb.h"
#include "sx/client/exchange_client.h"

namespace sx::testing {
namespace {

namespace v1 = ::supervision::v1;

std::string ReadFile(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

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

class SdkRetryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { pki_ = new DevPki(); }
  static void TearDownTestSuite() {
    delete pki_;
    pki_ = nullptr;
  }

  void Serve(ScriptedHub& hub) {
    grpc::SslServerCredentialsOptions tls(
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
    tls.pem_root_certs = ReadFile(pki_->Cert("ca"));
    tls.pem_key_cert_pairs.push_back(
        {ReadFile(pki_->Key("hub")), ReadFile(pki_->Cert("hub"))});
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::SslServerCredentials(tls),
                             &port_);
    builder.RegisterService(&hub);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
  }

  std::unique_ptr<client::ExchangeClient> Connect() {
    client::ClientOptions options;
    options.hub_address = absl::StrCat("127.0.0.1:", port_);
    options.server_name_override = "localhost";
    options.certificate_file = pki_->Cert("inspection-office");
    options.private_key_file = pki_->Key("inspection-office");
    options.ca_file = pki_->Cert("ca");
    options.retry.initial_backoff = absl::Milliseconds(1);
    options.retry.max_attempts = 4;
    return *client::ConnectExchangeClient(options);
  }

  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  static client::NewReferral Lead() {
    client::NewReferral referral;
    referral.recipient_agency_id = "discipline-commission";
    referral.lead.subject = "县土地储备中心";
    return referral;
  }

  static DevPki* pki_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

DevPki* SdkRetryTest::pki_ = nullptr;

TEST_F(SdkRetryTest, RetriesKeepTheRequestId) {
  ScriptedHub hub(2, grpc::StatusCode::UNAVAILABLE);
  Serve(hub);
  auto referral = Connect()->Submit(Lead());
  ASSERT_TRUE(referral.ok()) << referral.status();
  EXPECT_EQ(referral->referral_id, "fake-0000000001");
  std::vector<std::string> ids = hub.request_ids();
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_EQ(ids[0].size(), 36u) << "a UUID";
  EXPECT_EQ(ids[1], ids[0]);
  EXPECT_EQ(ids[2], ids[0]);
}

TEST_F(SdkRetryTest, NewCallsGetNewRequestIds) {
  ScriptedHub hub(0, grpc::StatusCode::OK);
  Serve(hub);
  auto client = Connect();
  ASSERT_TRUE(client->Submit(Lead()).ok());
  ASSERT_TRUE(client->Submit(Lead()).ok());
  std::vector<std::string> ids = hub.request_ids();
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_NE(ids[0], ids[1]);
}

TEST_F(SdkRetryTest, PermanentErrorsAreNotRetried) {
  ScriptedHub hub(10, grpc::StatusCode::PERMISSION_DENIED);
  Serve(hub);
  auto referral = Connect()->Submit(Lead());
  EXPECT_TRUE(absl::IsPermissionDenied(referral.status()));
  EXPECT_EQ(referral.status().message(), "scripted failure");
  EXPECT_EQ(hub.request_ids().size(), 1u);
}

TEST_F(SdkRetryTest, GivesUpAfterTheConfiguredAttempts) {
  ScriptedHub hub(10, grpc::StatusCode::UNAVAILABLE);
  Serve(hub);
  auto referral = Connect()->Submit(Lead());
  EXPECT_TRUE(absl::IsUnavailable(referral.status()));
  EXPECT_EQ(hub.request_ids().size(), 4u);
}

}  // namespace
}  // namespace sx::testing
