// A request body that does not parse is answered INVALID_ARGUMENT with the
// message type the method expects (gRPC alone would say UNIMPLEMENTED, with
// no message), logged, and changes nothing; a method the hub does not have
// stays UNIMPLEMENTED.
#include <string>

#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "supervision/v1/admin.grpc.pb.h"
#include "tests/e2e/hub_process.h"

namespace sx::testing {
namespace {

namespace v1 = ::supervision::v1;

// Calls `method` with `body` as the raw request bytes.
grpc::Status CallWithBody(const std::shared_ptr<grpc::Channel>& channel,
                          const std::string& method, const std::string& body) {
  grpc::GenericStub generic(channel);
  grpc::Slice slice(body);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  auto context = Context();
  absl::Mutex mu;
  bool done = false;
  grpc::Status status;
  generic.UnaryCall(context.get(), method, {}, &request, &response,
                    [&](grpc::Status s) {
                      absl::MutexLock lock(&mu);
                      status = std::move(s);
                      done = true;
                    });
  absl::MutexLock lock(&mu);
  mu.Await(absl::Condition(&done));
  return status;
}

// A length-delimited field 1 whose length runs past the end.
constexpr char kTruncated[] = "\x0a\x7f\x01";

TEST(MalformedRequestE2eTest, ABodyThatDoesNotParseIsInvalidArgument) {
  DevPki pki;
  HubProcess hub(pki);
  ASSERT_TRUE(hub.Start().ok());
  const grpc::Status refused = CallWithBody(
      hub.Channel("inspection-office"),
      "/supervision.v1.ExchangeService/SubmitReferral", kTruncated);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(refused.error_message(),
                                "does not parse as "
                                "supervision.v1.SubmitReferralRequest"))
      << refused.error_message();
  EXPECT_TRUE(absl::StrContains(
      hub.ReadLog(), "/supervision.v1.ExchangeService/SubmitReferral from "))
      << hub.ReadLog();

  // The same for an administrator's call.
  EXPECT_EQ(
      CallWithBody(hub.Channel("admin-ops"),
                   "/supervision.v1.AdminService/ListTransfers", kTruncated)
          .error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);

  // Nothing was stored.
  auto admin = v1::AdminService::NewStub(hub.Channel("admin-ops"));
  v1::HubStatus status;
  ASSERT_TRUE(admin->GetHubStatus(Context().get(), {}, &status).ok());
  EXPECT_EQ(status.events(), 0u);

  // A method the hub does not have is still just that.
  const grpc::Status unknown =
      CallWithBody(hub.Channel("inspection-office"),
                   "/supervision.v1.ExchangeService/NoSuchMethod", "");
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::UNIMPLEMENTED);
}

}  // namespace
}  // namespace sx::testing
