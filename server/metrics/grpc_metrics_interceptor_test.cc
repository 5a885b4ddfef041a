#include "sx/metrics/grpc_metrics_interceptor.h"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "gtest/gtest.h"

namespace sx::metrics {
namespace {

using Creators = std::vector<
    std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>;

// Every reading is 3 ms after the previous one; calls in these tests run one
// after another, so each call takes exactly 3 ms.
std::function<absl::Time()> SteppingClock() {
  auto readings = std::make_shared<std::atomic<int>>(0);
  return [readings] {
    return absl::UnixEpoch() + absl::Milliseconds(3) * readings->fetch_add(1);
  };
}

// A callback-API service answering every method: "/.../Fail" ends with
// NOT_FOUND, anything else echoes the request.
class EchoService final : public grpc::CallbackGenericService {
  grpc::ServerGenericBidiReactor* CreateReactor(
      grpc::GenericCallbackServerContext* context) override {
    class Reactor final : public grpc::ServerGenericBidiReactor {
     public:
      explicit Reactor(bool fail) : fail_(fail) { StartRead(&message_); }
      void OnReadDone(bool ok) override {
        if (!ok || fail_) {
          Finish(grpc::Status(grpc::StatusCode::NOT_FOUND, "no such thing"));
        } else {
          StartWriteAndFinish(&message_, grpc::WriteOptions(),
                              grpc::Status::OK);
        }
      }
      void OnDone() override { delete this; }

     private:
      const bool fail_;
      grpc::ByteBuffer message_;
    };
    return new Reactor(absl::EndsWith(context->method(), "/Fail"));
  }
};

// One in-process server on 127.0.0.1:0 with the metrics interceptor.
class TestServer {
 public:
  TestServer(MetricsRegistry& registry, GrpcMetricsOptions options,
             grpc::CallbackGenericService* generic = nullptr) {
    grpc::EnableDefaultHealthCheckService(true);
    absl::StatusOr<
        std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
        factory =
            MakeGrpcMetricsInterceptorFactory(registry, std::move(options));
    EXPECT_TRUE(factory.ok()) << factory.status();
    if (!factory.ok()) return;
    Creators creators;
    creators.push_back(std::move(*factory));
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port);
    if (generic != nullptr) builder.RegisterCallbackGenericService(generic);
    builder.experimental().SetInterceptorCreators(std::move(creators));
    server_ = builder.BuildAndStart();
    EXPECT_NE(server_, nullptr);
    EXPECT_GT(port, 0);
    stub_ = std::make_unique<grpc::GenericStub>(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  }
  ~TestServer() {
    if (server_ != nullptr) server_->Shutdown();
  }

  bool ok() const { return server_ != nullptr; }

  // Makes one unary call with an empty message and waits for its status.
  grpc::StatusCode Call(const std::string& method) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(5));
    grpc::Slice empty("");
    grpc::ByteBuffer request(&empty, 1);
    grpc::ByteBuffer response;
    absl::Notification done;
    grpc::Status status;
    stub_->UnaryCall(&context, method, grpc::StubOptions(), &request, &response,
                     [&](grpc::Status s) {
                       status = std::move(s);
                       done.Notify();
                     });
    done.WaitForNotification();
    return status.error_code();
  }

 private:
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<grpc::GenericStub> stub_;
};

TEST(ShortMethodNameTest, DropsThePackage) {
  EXPECT_EQ(ShortMethodName("/supervision.v1.ExchangeService/SubmitReferral"),
            "ExchangeService/SubmitReferral");
  EXPECT_EQ(ShortMethodName("/grpc.health.v1.Health/Check"), "Health/Check");
  EXPECT_EQ(ShortMethodName("/Plain/Method"), "Plain/Method");
  EXPECT_EQ(ShortMethodName("odd"), "odd");
  EXPECT_EQ(ShortMethodName(""), "unknown");
  EXPECT_EQ(ShortMethodName("/"), "unknown");
}

TEST(GrpcMetricsInterceptorTest, CountsCallsAndLatencyOfSyncServices) {
  // Reflection (a sync service, as in sxhub) gives the server a sync method
  // pool, which also serves health checks and unknown methods.
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  MetricsRegistry registry;
  GrpcMetricsOptions options;
  options.now = SteppingClock();
  TestServer server(registry, options);
  ASSERT_TRUE(server.ok());

  EXPECT_EQ(server.Call("/grpc.health.v1.Health/Check"), grpc::StatusCode::OK);
  EXPECT_EQ(server.Call("/grpc.health.v1.Health/Check"), grpc::StatusCode::OK);
  EXPECT_EQ(server.Call("/no.such.v1.Service/Nope"),
            grpc::StatusCode::UNIMPLEMENTED);

  absl::StatusOr<CounterFamily*> requests = registry.Counter(
      options.requests_metric, "gRPC calls handled, by method and status code.",
      {"method", "code"});
  ASSERT_TRUE(requests.ok()) << requests.status();
  EXPECT_EQ((*requests)->Value({"Health/Check", "OK"}), 2);
  EXPECT_EQ((*requests)->Value({"Service/Nope", "UNIMPLEMENTED"}), 1);

  const std::string text = registry.RenderText();
  EXPECT_TRUE(absl::StrContains(
      text,
      "sxhub_grpc_requests_total{method=\"Health/Check\",code=\"OK\"} 2\n"))
      << text;
  // 3 ms per call: above the 2.5 ms bound, within 5 ms.
  EXPECT_TRUE(absl::StrContains(
      text,
      "sxhub_grpc_request_duration_seconds_bucket{method=\"Health/Check\","
      "le=\"0.0025\"} 0\n"))
      << text;
  EXPECT_TRUE(absl::StrContains(
      text,
      "sxhub_grpc_request_duration_seconds_bucket{method=\"Health/Check\","
      "le=\"0.005\"} 2\n"))
      << text;
  EXPECT_TRUE(absl::StrContains(text,
                                "sxhub_grpc_request_duration_seconds_sum{"
                                "method=\"Health/Check\"} 0.006\n"))
      << text;
  EXPECT_TRUE(absl::StrContains(
      text,
      "sxhub_grpc_request_duration_seconds_count{method=\"Health/Check\"} 2\n"))
      << text;
}

TEST(GrpcMetricsInterceptorTest, WorksForCallbackServices) {
  MetricsRegistry registry;
  GrpcMetricsOptions options;
  options.now = SteppingClock();
  EchoService echo;
  TestServer server(registry, options, &echo);
  ASSERT_TRUE(server.ok());

  EXPECT_EQ(server.Call("/test.v1.Echo/Say"), grpc::StatusCode::OK);
  EXPECT_EQ(server.Call("/test.v1.Echo/Fail"), grpc::StatusCode::NOT_FOUND);

  const std::string text = registry.RenderText();
  EXPECT_TRUE(absl::StrContains(
      text, "sxhub_grpc_requests_total{method=\"Echo/Say\",code=\"OK\"} 1\n"))
      << text;
  EXPECT_TRUE(absl::StrContains(
      text,
      "sxhub_grpc_requests_total{method=\"Echo/Fail\",code=\"NOT_FOUND\"} 1\n"))
      << text;
  EXPECT_TRUE(absl::StrContains(
      text,
      "sxhub_grpc_request_duration_seconds_count{method=\"Echo/Fail\"} 1\n"))
      << text;
}

TEST(GrpcMetricsInterceptorTest, MethodLabelsAreCapped) {
  MetricsRegistry registry;
  GrpcMetricsOptions options;
  options.max_methods = 1;
  EchoService echo;
  TestServer server(registry, options, &echo);
  ASSERT_TRUE(server.ok());

  EXPECT_EQ(server.Call("/test.v1.Echo/Say"), grpc::StatusCode::OK);
  EXPECT_EQ(server.Call("/made.up/One"), grpc::StatusCode::OK);
  EXPECT_EQ(server.Call("/made.up/Two"), grpc::StatusCode::OK);

  const std::string text = registry.RenderText();
  EXPECT_TRUE(absl::StrContains(
      text, "sxhub_grpc_requests_total{method=\"Echo/Say\",code=\"OK\"} 1\n"))
      << text;
  EXPECT_TRUE(absl::StrContains(
      text, "sxhub_grpc_requests_total{method=\"other\",code=\"OK\"} 2\n"))
      << text;
  EXPECT_FALSE(absl::StrContains(text, "One")) << text;
}

TEST(GrpcMetricsInterceptorTest, ClashingRegistrationIsAnError) {
  MetricsRegistry registry;
  ASSERT_TRUE(registry.Gauge("sxhub_grpc_requests_total", "taken", {}).ok());
  EXPECT_EQ(MakeGrpcMetricsInterceptorFactory(registry).status().code(),
            absl::StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace sx::metrics
