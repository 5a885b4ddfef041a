// Runs the real sxhub binary for end-to-end tests: dev certificates from
// deploy/dev-pki.sh, the example config from deploy/ with a free loopback
// port and a temporary data directory, and mTLS channels for any identity.
//
//   DevPki pki;                          // once per test binary is enough
//   HubProcess hub(pki);
//   ASSERT_TRUE(hub.Start().ok());
//   auto stub =
//   ::supervision::v1::ExchangeService::NewStub(hub.Channel("inspection-office"));
//   hub.Kill();                          // SIGKILL, like a power cut
//   ASSERT_TRUE(hub.Start().ok());       // same data directory
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "tests/support/temp_dir.h"

namespace sx::testing {

// A dev PKI of its own in a temporary directory: a copy of the one
// deploy/dev-pki.sh made for this build (made once; see hub_process.cc).
class DevPki {
 public:
  DevPki();
  const std::string& dir() const { return dir_.path(); }
  // "<dir>/<name>.crt"; names like "inspection-office", "admin-ops",
  // "negative/foreign".
  std::string Cert(const std::string& name) const;
  std::string Key(const std::string& name) const;
  // An agency's signing certificate and key (pki/signing/).
  std::string SigningCert(const std::string& agency) const;
  std::string SigningKey(const std::string& agency) const;

 private:
  TempDir dir_;
};

// A client context whose call must finish within `timeout`: every test call
// has a deadline, so a hung hub fails the test instead of hanging it.
std::unique_ptr<grpc::ClientContext> Context(
    std::chrono::milliseconds timeout = std::chrono::seconds(10));

class HubProcess {
 public:
  // `edit_config` may change the example config's text before it is written.
  explicit HubProcess(const DevPki& pki,
                      std::function<void(std::string&)> edit_config = {});
  ~HubProcess();

  // Starts sxhub and waits until it listens. Restarts keep the data
  // directory and the port.
  absl::Status Start();
  // SIGTERM and wait: a clean shutdown.
  void Stop();
  // SIGKILL and wait: nothing gets to flush.
  void Kill();
  bool running() const { return pid_ > 0; }
  // The exit status if the hub has exited by itself (then it is no longer
  // running), nullopt while it runs.
  std::optional<int> ExitStatus();
  // The running hub's process id (-1 when stopped): for /proc and signals.
  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  // The config file the hub was started with; edit it and send SIGHUP to
  // reload. Start() rewrites it from the example plus `edit_config`.
  const std::string& config_path() const { return config_path_; }
  // Changes the config text the next Start() writes.
  void EditConfig(const std::function<void(std::string&)>& edit) {
    edit(config_text_);
  }
  const std::string& data_dir() const { return data_dir_; }
  // Everything the hub wrote to stderr so far (all runs).
  std::string ReadLog() const;

  // A channel presenting `<name>.crt` from the PKI (or no client cert if
  // name is empty), trusting the dev CA.
  std::shared_ptr<grpc::Channel> Channel(const std::string& name) const;
  // A channel presenting an arbitrary certificate/key pair.
  std::shared_ptr<grpc::Channel> ChannelWith(const std::string& cert_file,
                                             const std::string& key_file) const;

 private:
  const DevPki& pki_;
  TempDir work_;
  std::string config_text_;
  std::string config_path_;
  std::string data_dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace sx::testing
