// sxecho: the transport alone, for comparison with the hub. A gRPC server
// with the hub's TLS setup (TlsServerCredentials over a
// FileWatcherCertificateProvider, client certificate required and verified)
// whose ExchangeService answers SubmitReferral with a made-up referral and
// stores nothing; every other call is UNIMPLEMENTED. sxbench --mode=echo
// drives it through the same SDK as the hub, so the hub's cost can be stated
// as a ratio to this.
//
//   sxecho --pki=DIR [--listen=127.0.0.1:0]
//   sxecho --cert=hub.crt --key=hub.key --ca=ca.crt --listen=127.0.0.1:7444
//
// Prints "sxecho: listening on HOST:PORT" once it serves; SIGTERM or SIGINT
// stops it.
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_credentials_options.h"
#include "supervision/v1/exchange.grpc.pb.h"
#include "sx/base/version.h"

namespace sx::bench {
namespace {

namespace v1 = ::supervision::v1;

constexpr char kUsage[] =
    "usage: sxecho (--pki=DIR | --cert=F --key=F --ca=F) "
    "[--listen=HOST:PORT]\n"
    "       sxecho --version\n";

// The hub's default message limit (limits.max_message_bytes), so that the
// two accept the same requests.
constexpr int kMaxMessageBytes = 16 * 1024 * 1024;
constexpr int kCertificateRefreshSeconds = 60;

// Thread-safe: the only state is an atomic counter.
class EchoExchangeService final : public v1::ExchangeService::CallbackService {
 public:
  grpc::ServerUnaryReactor* SubmitReferral(
      grpc::CallbackServerContext* context,
      const v1::SubmitReferralRequest* request,
      v1::Referral* response) override {
    response->set_referral_id(absl::StrCat(
        "echo-", next_id_.fetch_add(1, std::memory_order_relaxed)));
    response->set_kind(request->kind());
    response->set_recipient_agency_id(request->recipient_agency_id());
    response->set_state(v1::REFERRAL_STATE_SUBMITTED);
    response->set_urgency(request->lead().urgency());
    response->set_version(1);
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

 private:
  std::atomic<uint64_t> next_id_{1};
};

int Run(const std::string& listen, const std::string& cert,
        const std::string& key, const std::string& ca) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto provider =
      std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
          key, cert, ca, kCertificateRefreshSeconds);
  grpc::experimental::TlsServerCredentialsOptions tls(provider);
  tls.watch_root_certs();
  tls.watch_identity_key_cert_pairs();
  tls.set_cert_request_type(
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);

  EchoExchangeService service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(
      listen, grpc::experimental::TlsServerCredentials(tls), &port);
  builder.SetMaxReceiveMessageSize(kMaxMessageBytes);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    std::fprintf(stderr, "sxecho: cannot listen on %s\n", listen.c_str());
    return 1;
  }
  std::printf("sxecho: listening on %s:%d\n",
              listen.substr(0, listen.rfind(':')).c_str(), port);
  std::fflush(stdout);
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  server->Shutdown();
  server->Wait();
  return 0;
}

}  // namespace
}  // namespace sx::bench

int main(int argc, char** argv) {
  // As in sxhub: Debian's Abseil keeps Mutex deadlock detection on, which
  // gRPC's own locks pay for on every call; measure without it, alike for
  // the hub, the echo and the client.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  std::string listen = "127.0.0.1:0";
  std::string cert;
  std::string key;
  std::string ca;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](const char* prefix) {
      return arg.substr(std::strlen(prefix));
    };
    if (absl::StartsWith(arg, "--listen=")) {
      listen = value("--listen=");
    } else if (absl::StartsWith(arg, "--pki=")) {
      const std::string dir = value("--pki=");
      cert = dir + "/hub.crt";
      key = dir + "/hub.key";
      ca = dir + "/ca.crt";
    } else if (absl::StartsWith(arg, "--cert=")) {
      cert = value("--cert=");
    } else if (absl::StartsWith(arg, "--key=")) {
      key = value("--key=");
    } else if (absl::StartsWith(arg, "--ca=")) {
      ca = value("--ca=");
    } else if (arg == "--help" || arg == "-h") {
      std::fputs(sx::bench::kUsage, stdout);
      return 0;
    } else if (arg == "--version") {
      std::printf("sxecho %s\n", sx::kVersion);
      return 0;
    } else {
      std::fprintf(stderr, "sxecho: unknown argument %s\n%s", arg.c_str(),
                   sx::bench::kUsage);
      return 2;
    }
  }
  if (cert.empty() || key.empty() || ca.empty()) {
    std::fputs(sx::bench::kUsage, stderr);
    return 2;
  }
  return sx::bench::Run(listen, cert, key, ca);
}
