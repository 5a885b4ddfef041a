#include "bench/bench_options.h"

#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace sx::bench {

const char kUsage[] =
    "usage: sxbench [--mode=hub|echo|rabbitmq|jetstream] [options]\n"
    "target:\n"
    "  --hub=HOST:PORT        server address (default 127.0.0.1:7443 for hub\n"
    "                         and echo, :5672 rabbitmq, :4222 jetstream)\n"
    "  --cert=F --key=F --ca=F --server-name=NAME   mTLS files (hub, echo)\n"
    "  --pki=DIR              dev PKI from deploy/dev-pki.sh instead: the\n"
    "                         sender's cert/key, DIR/ca.crt, server name\n"
    "                         localhost\n"
    "  --sender=AGENCY        (default inspection-office)\n"
    "  --sign                 hub: the sender signs each step with its\n"
    "                         signing key (--pki DIR/signing/AGENCY.key)\n"
    "  --recipient=AGENCY[,AGENCY]  submits rotate over these (default\n"
    "                         discipline-commission)\n"
    "  --queue=NAME --stream=NAME  rabbitmq queue / jetstream stream\n"
    "                         (deleted and recreated; default sxbench, "
    "SXBENCH)\n"
    "load:\n"
    "  --inflight=N           concurrent acknowledged submits (default 1)\n"
    "  --batch=N              hub: N referrals per SubmitReferrals call,\n"
    "                         --inflight calls in flight (one thread each)\n"
    "  --submit=async|blocking|gathered  keep the submits in flight with\n"
    "                         the SDK's SubmitAsync, one SubmitReferral each\n"
    "                         (default), with one thread per submit calling\n"
    "                         Submit, or (hub only) with SubmitAsync letting\n"
    "                         the SDK gather them into SubmitReferrals calls\n"
    "  --payload=BYTES        lead attachment / message body (default 4096)\n"
    "  --payload-in=attachment|summary  where the payload goes in the lead\n"
    "  --count=N | --duration=SECONDS   measured submits, or time (default 5 "
    "s)\n"
    "  --warmup=SECONDS       unmeasured lead-in (default 1)\n"
    "measure:\n"
    "  --consumers            stream and acknowledge each recipient's inbox\n"
    "                         with InboxConsumer; report submit-to-delivery\n"
    "                         latency (needs --pki, or --recipient-cert/-key)\n"
    "  --ack=consumer|batched  consumers acknowledge through InboxConsumer\n"
    "                         (default; it batches handled entries), or from\n"
    "                         a bare stream in batches of what has arrived\n"
    "  --drain-timeout=SECONDS  wait for deliveries after the load (default "
    "10)\n"
    "  --hub-pid=PID          report the server's CPU time and peak RSS\n"
    "                         (alias --server-pid)\n"
    "  --json                 one JSON object instead of text\n"
    "  --label=TEXT           carried into the output\n"
    "  --list-modes           print the modes this build supports\n"
    "  --version              print sxbench's version\n";

namespace {

absl::Status Bad(absl::string_view name, absl::string_view value) {
  return absl::InvalidArgumentError(
      absl::StrCat("bad value for --", name, ": \"", value, "\""));
}

absl::Status ParseSeconds(absl::string_view name, absl::string_view value,
                          absl::Duration* out) {
  double seconds = 0;
  if (!absl::SimpleAtod(value, &seconds) || seconds < 0)
    return Bad(name, value);
  *out = absl::Seconds(seconds);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<BenchOptions> ParseBenchOptions(int argc, char** argv) {
  BenchOptions options;
  bool count_given = false;
  bool duration_given = false;
  bool sign = false;
  // Flags that take no value.
  const std::map<std::string, bool*> switches = {
      {"consumers", &options.consumers},
      {"json", &options.json},
      {"sign", &sign}};
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") return absl::CancelledError(kUsage);
    if (arg.rfind("--", 0) != 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("unexpected argument ", arg));
    }
    arg = arg.substr(2);
    std::string name = arg;
    std::string value;
    const size_t equals = arg.find('=');
    if (equals != std::string::npos) {
      name = arg.substr(0, equals);
      value = arg.substr(equals + 1);
    }
    if (auto it = switches.find(name); it != switches.end()) {
      if (equals != std::string::npos) return Bad(name, value);
      *it->second = true;
      continue;
    }
    if (equals == std::string::npos) {
      if (i + 1 >= argc) {
        return absl::InvalidArgumentError(
            absl::StrCat("--", name, " needs a value"));
      }
      value = argv[++i];
    }
    if (name == "mode") {
      static const std::map<std::string, Mode> kModes = {
          {"hub", Mode::kHub},
          {"echo", Mode::kEcho},
          {"rabbitmq", Mode::kRabbitMq},
          {"jetstream", Mode::kJetStream}};
      auto it = kModes.find(value);
      if (it == kModes.end()) return Bad(name, value);
      options.mode = it->second;
      options.mode_name = value;
    } else if (name == "hub" || name == "address") {
      options.address = value;
    } else if (name == "cert") {
      options.cert_file = value;
    } else if (name == "key") {
      options.key_file = value;
    } else if (name == "ca") {
      options.ca_file = value;
    } else if (name == "server-name") {
      options.server_name = value;
    } else if (name == "pki") {
      options.pki_dir = value;
    } else if (name == "sender") {
      options.sender = value;
    } else if (name == "recipient") {
      std::vector<std::string> recipients =
          absl::StrSplit(value, ',', absl::SkipEmpty());
      if (recipients.empty()) return Bad(name, value);
      options.recipients = std::move(recipients);
    } else if (name == "recipient-cert") {
      options.recipient_cert_file = value;
    } else if (name == "recipient-key") {
      options.recipient_key_file = value;
    } else if (name == "queue") {
      options.queue = value;
    } else if (name == "stream") {
      options.stream = value;
    } else if (name == "inflight") {
      if (!absl::SimpleAtoi(value, &options.inflight) || options.inflight < 1 ||
          options.inflight > 4096) {
        return Bad(name, value);
      }
    } else if (name == "batch") {
      if (!absl::SimpleAtoi(value, &options.batch) || options.batch < 1 ||
          options.batch > 1000) {
        return Bad(name, value);
      }
    } else if (name == "submit") {
      if (value != "async" && value != "blocking" && value != "gathered") {
        return Bad(name, value);
      }
      options.blocking_submits = value == "blocking";
      options.gathered_submits = value == "gathered";
    } else if (name == "payload") {
      if (!absl::SimpleAtoi(value, &options.payload_bytes) ||
          options.payload_bytes < 8) {
        return Bad(name, value);
      }
    } else if (name == "payload-in") {
      if (value != "attachment" && value != "summary") return Bad(name, value);
      options.payload_in_summary = value == "summary";
    } else if (name == "count") {
      if (!absl::SimpleAtoi(value, &options.plan.count) ||
          options.plan.count == 0) {
        return Bad(name, value);
      }
      count_given = true;
    } else if (name == "duration") {
      absl::Status parsed = ParseSeconds(name, value, &options.plan.duration);
      if (!parsed.ok()) return parsed;
      duration_given = true;
    } else if (name == "warmup") {
      absl::Status parsed = ParseSeconds(name, value, &options.plan.warmup);
      if (!parsed.ok()) return parsed;
    } else if (name == "ack") {
      if (value != "consumer" && value != "batched") return Bad(name, value);
      options.batched_acks = value == "batched";
    } else if (name == "drain-timeout") {
      absl::Status parsed = ParseSeconds(name, value, &options.drain_timeout);
      if (!parsed.ok()) return parsed;
    } else if (name == "hub-pid" || name == "server-pid") {
      if (!absl::SimpleAtoi(value, &options.server_pid) ||
          options.server_pid <= 0) {
        return Bad(name, value);
      }
    } else if (name == "label") {
      options.label = value;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown option --", name));
    }
  }

  if (count_given && duration_given) {
    return absl::InvalidArgumentError("give --count or --duration, not both");
  }
  if (options.address.empty()) {
    switch (options.mode) {
      case Mode::kHub:
      case Mode::kEcho:
        options.address = "127.0.0.1:7443";
        break;
      case Mode::kRabbitMq:
        options.address = "127.0.0.1:5672";
        break;
      case Mode::kJetStream:
        options.address = "127.0.0.1:4222";
        break;
    }
  }
  const bool grpc_mode =
      options.mode == Mode::kHub || options.mode == Mode::kEcho;
  if (grpc_mode && !options.pki_dir.empty()) {
    const std::string base = absl::StrCat(options.pki_dir, "/");
    if (options.cert_file.empty()) {
      options.cert_file = absl::StrCat(base, options.sender, ".crt");
    }
    if (options.key_file.empty()) {
      options.key_file = absl::StrCat(base, options.sender, ".key");
    }
    if (options.ca_file.empty()) options.ca_file = absl::StrCat(base, "ca.crt");
    if (options.server_name.empty()) options.server_name = "localhost";
    if (sign) {
      options.signing_key_file =
          absl::StrCat(base, "signing/", options.sender, ".key");
      options.signing_cert_file =
          absl::StrCat(base, "signing/", options.sender, ".crt");
    }
  }
  if (sign && (options.mode != Mode::kHub || options.pki_dir.empty())) {
    return absl::InvalidArgumentError("--sign needs --mode=hub and --pki");
  }
  if (grpc_mode && (options.cert_file.empty() || options.key_file.empty() ||
                    options.ca_file.empty())) {
    return absl::InvalidArgumentError(
        "hub and echo modes need --pki=DIR or --cert, --key and --ca");
  }
  if (options.consumers) {
    if (options.mode != Mode::kHub) {
      return absl::InvalidArgumentError("--consumers needs --mode=hub");
    }
    if (options.pki_dir.empty() && (options.recipient_cert_file.empty() ||
                                    options.recipient_key_file.empty() ||
                                    options.recipients.size() != 1)) {
      return absl::InvalidArgumentError(
          "--consumers needs --pki=DIR, or --recipient-cert and "
          "--recipient-key with a single --recipient");
    }
  }
  return options;
}

}  // namespace sx::bench
