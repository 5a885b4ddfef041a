// Example agency integration (docs/CASES.md, case 6): a big-data check of
// public-welfare jobs (城乡公益岗) flags suspicious records; this program
// submits each flagged record as a lead to the discipline commission, then
// listens to its inbox for the commission's feedback.
//
//   welfare_jobs_leads --hub=127.0.0.1:7443 --server-name=localhost
//       --cert=pki/stationed-education.crt --key=pki/stationed-education.key
//       --ca=pki/ca.crt --to=discipline-commission flagged.csv
//
// flagged.csv: one record per line, "record_id,person,unit,finding".
// The request id of each submission is derived from the record id, so
// running the program twice over the same file submits each record once.
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "sx/client/exchange_client.h"
#include "sx/client/inbox_consumer.h"

namespace {

struct Flags {
  sx::client::ClientOptions client;
  std::string recipient = "discipline-commission";
  std::string csv_path;
  int listen_seconds = 0;
};

bool ParseFlags(int argc, char** argv, Flags* flags) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&arg](absl::string_view name, std::string* out) {
      if (!absl::StartsWith(arg, name)) return false;
      *out = arg.substr(name.size());
      return true;
    };
    std::string seconds;
    if (value("--hub=", &flags->client.hub_address) ||
        value("--server-name=", &flags->client.server_name_override) ||
        value("--cert=", &flags->client.certificate_file) ||
        value("--key=", &flags->client.private_key_file) ||
        value("--ca=", &flags->client.ca_file) ||
        value("--to=", &flags->recipient)) {
      continue;
    }
    if (value("--listen-seconds=", &seconds)) {
      flags->listen_seconds = std::stoi(seconds);
    } else if (!absl::StartsWith(arg, "--")) {
      flags->csv_path = arg;
    } else {
      return false;
    }
  }
  return !flags->csv_path.empty();
}

sx::client::NewReferral LeadFromRecord(const std::vector<std::string>& fields,
                                       const std::string& recipient) {
  sx::client::NewReferral referral;
  referral.recipient_agency_id = recipient;
  referral.kind = sx::client::ReferralKind::kLead;
  referral.lead.subject = fields[1];
  referral.lead.subject_organization = fields[2];
  referral.lead.category = "城乡公益岗位大数据比对";
  referral.lead.summary = fields[3];
  referral.lead.source = "大数据比对（公益岗位与财政供养、工商登记数据）";
  referral.lead.sensitivity = sx::client::Sensitivity::kSensitive;
  referral.lead.urgency = sx::client::Urgency::kNormal;
  return referral;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  if (!ParseFlags(argc, argv, &flags)) {
    std::fprintf(stderr,
                 "usage: welfare_jobs_leads --hub=HOST:PORT --cert=FILE "
                 "--key=FILE --ca=FILE [--server-name=NAME] [--to=AGENCY] "
                 "[--listen-seconds=N] FLAGGED.csv\n");
    return 2;
  }
  auto client = sx::client::ConnectExchangeClient(flags.client);
  if (!client.ok()) {
    std::fprintf(stderr, "cannot connect: %s\n",
                 client.status().ToString().c_str());
    return 1;
  }

  std::ifstream csv(flags.csv_path);
  std::string line;
  int submitted = 0;
  while (std::getline(csv, line)) {
    std::vector<std::string> fields = absl::StrSplit(line, ',');
    if (fields.size() != 4) continue;
    sx::client::CallOptions call;
    call.request_id = "welfare-jobs-" + fields[0];
    auto referral = (*client)->Submit(LeadFromRecord(fields, flags.recipient),
                                      call);
    if (!referral.ok()) {
      std::fprintf(stderr, "record %s: %s\n", fields[0].c_str(),
                   referral.status().ToString().c_str());
      return 1;
    }
    std::printf("record %s -> referral %s (%s)\n", fields[0].c_str(),
                referral->referral_id.c_str(),
                sx::client::ToString(referral->state).c_str());
    ++submitted;
  }
  std::printf("%d leads submitted\n", submitted);

  if (flags.listen_seconds > 0) {
    sx::client::InboxConsumer consumer(
        **client, [](const sx::client::InboxEntry& entry) {
          std::printf("inbox #%llu: %s on %s\n",
                      static_cast<unsigned long long>(entry.sequence),
                      sx::client::ToString(entry.event.type).c_str(),
                      entry.event.referral_id.c_str());
          return absl::OkStatus();
        });
    std::thread worker([&consumer] { consumer.Run().IgnoreError(); });
    std::this_thread::sleep_for(std::chrono::seconds(flags.listen_seconds));
    consumer.Stop();
    worker.join();
  }
  return 0;
}
