#include "client_sdk/step_signing.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/interceptor.h"
#include "supervision/v1/exchange.grpc.pb.h"
#include "sx/base/sha256.h"
#include "sx/transparency/step_signature.h"

namespace sx::client::internal {
namespace {

namespace v1 = ::supervision::v1;
using grpc::experimental::InterceptionHookPoints;
using transparency::StepSigner;

constexpr char kSubmitReferrals[] =
    "/supervision.v1.ExchangeService/SubmitReferrals";
// A batch item is signed as the step it is on its own.
constexpr char kSubmitReferral[] =
    "/supervision.v1.ExchangeService/SubmitReferral";

// Every call that is an agency's step. The hub checks a signature on these
// (and only these); reads, inbox acknowledgements and operators' calls are
// not steps.
const absl::flat_hash_set<std::string>& SignedSteps() {
  static const auto* const steps = new absl::flat_hash_set<std::string>{
      kSubmitReferral,
      kSubmitReferrals,
      "/supervision.v1.ExchangeService/AcceptReferral",
      "/supervision.v1.ExchangeService/ReturnReferral",
      "/supervision.v1.ExchangeService/RerouteReferral",
      "/supervision.v1.ExchangeService/RecordDisposition",
      "/supervision.v1.ExchangeService/ReopenReferral",
      "/supervision.v1.ExchangeService/DelegateReferral",
      "/supervision.v1.ExchangeService/SendFeedback",
      "/supervision.v1.ExchangeService/CloseReferral",
      "/supervision.v1.ExchangeService/RejectFeedback",
      "/supervision.v1.ExchangeService/WithdrawReferral",
      "/supervision.v1.ExchangeService/RemindReferral",
      "/supervision.v1.RectificationService/AddRectificationItems",
      "/supervision.v1.RectificationService/ReportRectification",
      "/supervision.v1.RectificationService/VerifyRectification",
      "/supervision.v1.DistributionService/SubmitDistribution",
  };
  return *steps;
}

// The bytes of the request about to be sent: from the message if gRPC has
// not serialized it yet (asking for the serialized form would drop it).
std::string RequestBytes(grpc::experimental::InterceptorBatchMethods& methods) {
  if (const void* message = methods.GetSendMessage(); message != nullptr) {
    return static_cast<const google::protobuf::MessageLite*>(message)
        ->SerializeAsString();
  }
  grpc::ByteBuffer* buffer = methods.GetSerializedSendMessage();
  std::vector<grpc::Slice> slices;
  if (buffer == nullptr || !buffer->Dump(&slices).ok()) return "";
  std::string bytes;
  for (const grpc::Slice& slice : slices) {
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return bytes;
}

// The step digests a call's signature covers: one, or one per batch item.
std::vector<std::string> StepDigests(const std::string& method,
                                     const std::string& request_bytes) {
  if (method != kSubmitReferrals) {
    return {transparency::StepDigest(method, Sha256(request_bytes))};
  }
  v1::SubmitReferralsRequest batch;
  batch.ParseFromString(request_bytes);
  std::vector<std::string> digests;
  for (const v1::SubmitReferralRequest& item : batch.referrals()) {
    digests.push_back(transparency::StepDigest(
        kSubmitReferral, Sha256(item.SerializeAsString())));
  }
  return digests;
}

class StepSigningInterceptor : public grpc::experimental::Interceptor {
 public:
  StepSigningInterceptor(const StepSigner& signer, std::string method)
      : signer_(signer), method_(std::move(method)) {}

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    // A unary call sends its metadata and its one message in one batch.
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_INITIAL_METADATA) &&
        methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_MESSAGE)) {
      Sign(*methods);
    }
    methods->Proceed();
  }

 private:
  void Sign(grpc::experimental::InterceptorBatchMethods& methods) {
    std::vector<std::string> digests =
        StepDigests(method_, RequestBytes(methods));
    // An empty batch goes unsigned: the hub refuses it anyway, and says why.
    if (digests.empty()) return;
    absl::StatusOr<std::string> signature =
        signer_.Sign(transparency::StepRoot(digests));
    // A key that cannot sign was checked when the client was made; should
    // it fail now, the call goes unsigned and the hub refuses it if this
    // agency must sign.
    if (!signature.ok()) return;
    std::multimap<std::string, std::string>* metadata =
        methods.GetSendInitialMetadata();
    metadata->emplace(transparency::kStepSignatureMetadata,
                      *std::move(signature));
    metadata->emplace(transparency::kSigningCertificateMetadata,
                      signer_.certificate_der());
  }

  const StepSigner& signer_;
  const std::string method_;
};

class StepSigningFactory
    : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit StepSigningFactory(StepSigner signer) : signer_(std::move(signer)) {}

  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* info) override {
    if (!IsSignedStep(info->method())) return nullptr;
    return new StepSigningInterceptor(signer_, info->method());
  }

 private:
  const StepSigner signer_;
};

}  // namespace

bool IsSignedStep(absl::string_view method) {
  return SignedSteps().contains(method);
}

absl::StatusOr<
    std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>>
StepSigningInterceptors(const ClientOptions& options) {
  const StepSigning& signing = options.signing;
  const bool from_pem =
      !signing.key_pem.empty() || !signing.certificate_pem.empty();
  const bool from_files =
      !signing.key_file.empty() || !signing.certificate_file.empty();
  if (!from_pem && !from_files) return nullptr;
  absl::StatusOr<StepSigner> signer =
      from_pem ? StepSigner::FromPem(signing.key_pem, signing.certificate_pem)
               : StepSigner::FromPemFiles(signing.key_file,
                                          signing.certificate_file);
  if (!signer.ok()) {
    return absl::Status(
        signer.status().code(),
        absl::StrCat("signing key and certificate (ClientOptions.signing): ",
                     signer.status().message()));
  }
  return std::make_unique<StepSigningFactory>(*std::move(signer));
}

}  // namespace sx::client::internal
