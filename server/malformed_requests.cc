#include "server/malformed_requests.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/grpcpp.h"
#include "server/hub_log.h"

namespace sx::server {
namespace {

using grpc::experimental::InterceptionHookPoints;

// The request message type of one of the hub's methods, e.g.
// "supervision.v1.SubmitReferralRequest" for
// "/supervision.v1.ExchangeService/SubmitReferral"; empty for anything else
// (a method the hub does not have really is unimplemented).
std::string RequestTypeOf(const char* full_method) {
  if (full_method == nullptr || full_method[0] != '/') return "";
  // "/package.Service/Method" is "package.Service.Method" to protobuf.
  const std::string name =
      absl::StrReplaceAll(std::string(full_method + 1), {{"/", "."}});
  const google::protobuf::MethodDescriptor* method =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
          name);
  if (method == nullptr ||
      method->service()->file()->package() != "supervision.v1") {
    return "";
  }
  return method->input_type()->full_name();
}

// One per call.
class MalformedRequestInterceptor final
    : public grpc::experimental::Interceptor {
 public:
  explicit MalformedRequestInterceptor(grpc::experimental::ServerRpcInfo* info)
      : info_(info) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* batch) override {
    if (batch->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = batch->GetSendStatus();
      // Our handlers never answer UNIMPLEMENTED without a message: this is
      // gRPC's own answer to a body that did not parse.
      if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED &&
          status.error_message().empty()) {
        const std::string type = RequestTypeOf(info_->method());
        if (!type.empty()) {
          const std::string message = absl::StrCat(
              "the request body does not parse as ", type,
              " (protobuf binary): check that the client sends that "
              "message type, built from the hub's .proto files");
          LogLine(absl::StrCat(info_->method(), " from ",
                               info_->server_context()->peer(),
                               ": INVALID_ARGUMENT: ", message));
          batch->ModifySendStatus(
              grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message));
        }
      }
    }
    batch->Proceed();
  }

 private:
  grpc::experimental::ServerRpcInfo* const info_;
};

class MalformedRequestInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new MalformedRequestInterceptor(info);
  }
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeMalformedRequestInterceptorFactory() {
  return std::make_unique<MalformedRequestInterceptorFactory>();
}

}  // namespace sx::server
