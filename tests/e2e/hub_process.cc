#include "tests/e2e/hub_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "tests/support/read_file.h"
#include "tests/support/test_storage.h"

namespace sx::testing {

std::unique_ptr<grpc::ClientContext> Context(
    std::chrono::milliseconds timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + timeout);
  return context;
}

namespace {

[[noreturn]] void PkiFailed(const std::string& what) {
  std::fprintf(stderr, "dev PKI: %s failed\n", what.c_str());
  std::abort();
}

// A PKI made by this build's dev-pki.sh, made once and then shared: making
// one takes seconds, and each e2e test runs in a process of its own. Named
// after the script's text, so that a changed script makes a new one. The
// first process to need it makes it under a name of its own and renames it
// into place; one that loses that race uses the winner's.
std::string PkiTemplate() {
  const std::string script =
      ReadFile(absl::StrCat(SX_SOURCE_DIR, "/deploy/dev-pki.sh"));
  const std::string path =
      absl::StrCat(SX_PKI_TEMPLATES, "/", std::hash<std::string>()(script));
  if (std::filesystem::exists(path)) return path;
  std::filesystem::create_directories(SX_PKI_TEMPLATES);
  const std::string made = absl::StrCat(path, ".", getpid());
  const std::string command = absl::StrCat(
      SX_SOURCE_DIR, "/deploy/dev-pki.sh ", made, " >/dev/null");
  if (std::system(command.c_str()) != 0) PkiFailed("dev-pki.sh");
  if (rename(made.c_str(), path.c_str()) != 0) {
    std::filesystem::remove_all(made);
    if (!std::filesystem::exists(path)) PkiFailed("renaming the template");
  }
  return path;
}

}  // namespace

DevPki::DevPki() {
  // A copy of its own (cp -a keeps the keys' mode 0600), which a test may
  // change, e.g. by revoking a certificate.
  const std::string command =
      absl::StrCat("cp -a ", PkiTemplate(), " ", dir_.path(), "/pki");
  if (std::system(command.c_str()) != 0) PkiFailed(command);
}

std::string DevPki::Cert(const std::string& name) const {
  return absl::StrCat(dir_.path(), "/pki/", name, ".crt");
}

std::string DevPki::Key(const std::string& name) const {
  return absl::StrCat(dir_.path(), "/pki/", name, ".key");
}

std::string DevPki::SigningCert(const std::string& agency) const {
  return absl::StrCat(dir_.path(), "/pki/signing/", agency, ".crt");
}

std::string DevPki::SigningKey(const std::string& agency) const {
  return absl::StrCat(dir_.path(), "/pki/signing/", agency, ".key");
}

HubProcess::HubProcess(const DevPki& pki,
                       std::function<void(std::string&)> edit_config)
    : pki_(pki) {
  std::string config =
      ReadFile(absl::StrCat(SX_SOURCE_DIR, "/deploy/hub.example.textproto"));
  config = absl::StrReplaceAll(
      config, {{"\"pki/", absl::StrCat("\"", pki.dir(), "/pki/")}});
  // The example serves metrics on a fixed port, which hubs running side by
  // side would fight over; a test that wants metrics adds its own address.
  const std::vector<std::string> lines =
      absl::StrSplit(config, '\n', [](absl::string_view line) {
        return !absl::StartsWith(line, "metrics_address:");
      });
  config = absl::StrJoin(lines, "\n");
  if (TestsRunOnPostgres()) config += PostgresStorageConfig();
  if (edit_config) edit_config(config);
  config_text_ = config;
  config_path_ = work_.Sub("hub.textproto");
  data_dir_ = work_.Sub("data");
}

HubProcess::~HubProcess() { Kill(); }

std::string HubProcess::ReadLog() const {
  return ReadFile(work_.Sub("hub.log"));
}

absl::Status HubProcess::Start() {
  if (running()) return absl::FailedPreconditionError("already running");
  // The first start takes a free port; restarts come back on the same one,
  // so that connected clients find the hub again.
  std::ofstream(config_path_) << absl::StrReplaceAll(
      config_text_, {{"127.0.0.1:7443", absl::StrCat("127.0.0.1:", port_)}});
  int out[2];
  if (pipe(out) != 0) return absl::InternalError("pipe failed");
  const std::string log_path = work_.Sub("hub.log");
  // Written by the child only; opened for appending so restarts keep history.
  pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    FILE* log = std::fopen(log_path.c_str(), "a");
    if (log != nullptr) dup2(fileno(log), STDERR_FILENO);
    close(out[0]);
    close(out[1]);
    const std::string config_arg = absl::StrCat("--config=", config_path_);
    execl(SX_HUB_BINARY, SX_HUB_BINARY, config_arg.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  pid_ = pid;
  // The hub prints "sxhub: listening on HOST:PORT" once it serves.
  FILE* stream = fdopen(out[0], "r");
  char line[256];
  std::string first_line;
  if (std::fgets(line, sizeof(line), stream) != nullptr) first_line = line;
  std::fclose(stream);
  const std::string marker = "listening on 127.0.0.1:";
  const size_t at = first_line.find(marker);
  int port = 0;
  if (at == std::string::npos ||
      !absl::SimpleAtoi(
          absl::StripAsciiWhitespace(first_line.substr(at + marker.size())),
          &port)) {
    Kill();
    return absl::UnavailableError(
        absl::StrCat("sxhub did not start; its log:\n", ReadFile(log_path)));
  }
  port_ = port;
  // A suite registered ON_POSTGRES that silently ran on RocksDB would prove
  // nothing about PostgreSQL.
  if (TestsRunOnPostgres() &&
      !absl::StrContains(ReadFile(log_path), "PostgreSQL storage opened")) {
    Kill();
    return absl::FailedPreconditionError(absl::StrCat(
        "SX_TEST_STORAGE=postgres, but sxhub did not open PostgreSQL "
        "storage; its log:\n",
        ReadFile(log_path)));
  }
  return absl::OkStatus();
}

void HubProcess::Stop() {
  if (!running()) return;
  kill(pid_, SIGTERM);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

std::optional<int> HubProcess::ExitStatus() {
  if (!running()) return std::nullopt;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) != pid_) return std::nullopt;
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void HubProcess::Kill() {
  if (!running()) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

std::shared_ptr<grpc::Channel> HubProcess::Channel(
    const std::string& name) const {
  if (name.empty()) return ChannelWith("", "");
  return ChannelWith(pki_.Cert(name), pki_.Key(name));
}

std::shared_ptr<grpc::Channel> HubProcess::ChannelWith(
    const std::string& cert_file, const std::string& key_file) const {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = ReadFile(pki_.Cert("ca"));
  if (!cert_file.empty()) {
    options.pem_cert_chain = ReadFile(cert_file);
    options.pem_private_key = ReadFile(key_file);
  }
  grpc::ChannelArguments args;
  // The hub's certificate names localhost; we dial the IP to stay on IPv4.
  args.SetSslTargetNameOverride("localhost");
  // Each test channel gets its own connection, so that one identity's
  // handshake never serves another's calls.
  args.SetInt("grpc.use_local_subchannel_pool", 1);
  // Find a restarted hub quickly.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 50);
  // (Not the minimum backoff: in gRPC 1.51 it is also the connect timeout.)
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 500);
  return grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port_),
                                   grpc::SslCredentials(options), args);
}

}  // namespace sx::testing
