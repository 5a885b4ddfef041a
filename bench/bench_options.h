// sxbench's command line: which system to load, how hard, for how long, and
// what else to measure.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench/load_run.h"

namespace sx::bench {

enum class Mode {
  kHub,        // SubmitReferral on sxhub, through the SDK
  kEcho,       // SubmitReferral on sxecho (same contract, stores nothing)
  kRabbitMq,   // persistent publish to a quorum queue, publisher confirms
  kJetStream,  // publish with ack to a file-storage stream
};

struct BenchOptions {
  Mode mode = Mode::kHub;
  std::string mode_name = "hub";
  std::string address;  // host:port; a default per mode
  // mTLS for hub and echo: explicit files, or --pki DIR with agency names.
  std::string cert_file;
  std::string key_file;
  std::string ca_file;
  std::string server_name;
  std::string pki_dir;
  std::string sender = "inspection-office";
  std::vector<std::string> recipients = {"discipline-commission"};
  // The recipient's identity for --consumers without --pki (one recipient).
  std::string recipient_cert_file;
  std::string recipient_key_file;
  // Hub: the sender signs each step with its signing key (--sign: from
  // --pki, DIR/signing/<sender>.key and .crt).
  std::string signing_key_file;
  std::string signing_cert_file;

  int inflight = 1;
  // Hub and echo: one thread per in-flight submit calling the SDK's blocking
  // Submit, instead of SubmitAsync calls started from its callbacks.
  bool blocking_submits = false;
  // Hub: SubmitAsync with the SDK's own gathering of submits into
  // SubmitReferrals calls (ClientOptions::submit_batching at its defaults);
  // otherwise every SubmitAsync is one SubmitReferral.
  bool gathered_submits = false;
  // Hub: referrals per SubmitReferrals call (SDK SubmitBatch), one thread
  // per in-flight batch; 0: one SubmitReferral per referral.
  int batch = 0;
  size_t payload_bytes = 4096;
  // Where the payload goes in a lead: an attachment, or the summary text.
  bool payload_in_summary = false;
  LoadPlan plan;
  bool consumers = false;
  // How the consumers acknowledge: InboxConsumer (as an agency program
  // would; it acknowledges handled entries in batches from a second thread),
  // or a raw inbox stream whose entries a second thread acknowledges in
  // batches of whatever has arrived (up to 1000), without the SDK's handler
  // and redelivery bookkeeping: the baseline InboxConsumer should match.
  bool batched_acks = false;
  // How long to wait, after the last submit, for deliveries still on the way.
  absl::Duration drain_timeout = absl::Seconds(10);
  pid_t server_pid = 0;
  bool json = false;
  std::string label;

  // RabbitMQ and JetStream.
  std::string queue = "sxbench";
  std::string stream = "SXBENCH";
  std::string amqp_user = "guest";
  std::string amqp_password = "guest";
};

extern const char kUsage[];

// INVALID_ARGUMENT with a message naming the bad option. `--help` gives
// CANCELLED, with the usage to print.
absl::StatusOr<BenchOptions> ParseBenchOptions(int argc, char** argv);

}  // namespace sx::bench
