// Moving a hub between storage backends with the real sxhub (deploy/README.md,
// "Moving between storage backends"): a hub on RocksDB takes varied traffic
// through the SDK over mTLS (referrals, a 转办, feedback, a rectification
// ledger, a distribution, a dead letter, signed steps, encrypted contents),
// stops, is exported with `sxhub --export`, imported into a new PostgreSQL
// database with `sxhub --import`, and serves from there with the same audit
// checkpoint, referral lists, inboxes and dead letters; a retried request
// gets its old referral, a new one a new id. Then back from PostgreSQL to a
// new RocksDB data directory, the same way.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "sx/client/admin_client.h"
#include "sx/client/audit_client.h"
#include "sx/client/exchange_client.h"
#include "tests/e2e/dev_pki_suite.h"
#include "tests/e2e/hub_process.h"
#include "tests/e2e/sdk_options.h"
#include "tests/support/read_file.h"
#include "tests/support/run_program.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_postgres.h"

namespace sx::testing {
namespace {

constexpr char kOffice[] = "inspection-office";
constexpr char kCommission[] = "discipline-commission";
constexpr char kOrganization[] = "organization-dept";
constexpr char kStationed[] = "stationed-education";
const char* const kAgencies[] = {kOffice, kCommission, kOrganization,
                                 kStationed, "audit-bureau"};
// The request id of the first lead, sent again after each move.
constexpr char kFirstRequest[] = "move-test-first-lead";

// One delivery without an acknowledgement makes a dead letter.
void OneDeliveryAttempt(std::string& config) {
  config = absl::StrReplaceAll(
      config,
      {{"max_inbox_streams_per_agency: 4",
        "max_inbox_streams_per_agency: 4\n  max_delivery_attempts: 1"}});
}

std::string StorageSection(const std::string& conninfo) {
  return absl::StrCat("\nstorage { postgres { conninfo: \"", conninfo,
                      "\" } }\n");
}

client::Lead SampleLead(const std::string& subject) {
  client::Lead lead;
  lead.subject = subject;
  lead.subject_organization = "县自然资源局";
  lead.category = "进一步了解关注类";
  lead.summary = "巡察发现土地出让金未及时缴入国库";
  lead.source = "巡察个别谈话";
  lead.sensitivity = client::Sensitivity::kSensitive;
  lead.urgency = client::Urgency::kNormal;
  return lead;
}

template <typename T>
T Must(absl::StatusOr<T> result, const std::string& what) {
  EXPECT_TRUE(result.ok()) << what << ": " << result.status();
  if (!result.ok()) return T();
  return *std::move(result);
}

// "checkpoint: N events, root HEX" as sxhub --export and --import print it.
std::string CheckpointLineOf(const std::string& out) {
  const size_t at = out.find("checkpoint: ");
  if (at == std::string::npos) return "";
  const size_t end = out.find_first_of(";\n", at);
  return out.substr(at, end - at);
}

std::string CheckpointLine(uint64_t tree_size, const std::string& root) {
  return absl::StrCat("checkpoint: ", tree_size, " events, root ",
                      absl::BytesToHexString(root));
}

class StorageMoveE2eTest : public DevPkiSuite {
 protected:
  std::unique_ptr<client::ExchangeClient> Exchange(const HubProcess& hub,
                                                   const std::string& agency) {
    return Must(client::ConnectExchangeClient(SdkOptions(hub, *pki_, agency)),
                agency);
  }

  // The traffic before the first move; returns the first lead's id.
  std::string PlayTraffic(const HubProcess& hub) {
    auto office = Exchange(hub, kOffice);
    auto commission = Exchange(hub, kCommission);
    auto organization = Exchange(hub, kOrganization);
    if (office == nullptr || commission == nullptr || organization == nullptr) {
      return "";
    }
    client::NewReferral lead;
    lead.recipient_agency_id = kCommission;
    lead.lead = SampleLead("王五");
    const std::string first =
        Must(office->Submit(lead, {kFirstRequest}), "submit").referral_id;
    lead.recipient_agency_id = kOrganization;
    lead.lead = SampleLead("赵六");
    const std::string second = Must(office->Submit(lead), "submit").referral_id;
    // 转办: the first lead goes on from the commission to a stationed group.
    Must(commission->Accept(first), "accept");
    client::RerouteParams reroute;
    reroute.referral_id = first;
    reroute.target_agency_id = kStationed;
    reroute.reason = "属驻在部门管辖";
    Must(commission->Reroute(reroute), "reroute");
    // Interim feedback on the second.
    Must(organization->Accept(second), "accept");
    Must(organization->Dispose(
             second, client::DispositionMethod::kPreliminaryVerification),
         "dispose");
    client::Feedback feedback;
    feedback.kind = client::FeedbackKind::kInterim;
    feedback.text = "已开展初步核实";
    Must(organization->SendFeedback(second, feedback), "feedback");
    // A problem list with its ledger: one item reported done and verified.
    client::NewReferral list;
    list.recipient_agency_id = kOrganization;
    list.kind = client::ReferralKind::kProblemList;
    list.lead = SampleLead("县自然资源局党组");
    for (const char* problem : {"选人用人把关不严", "干部档案管理不规范"}) {
      client::RectificationItemDraft item;
      item.problem = problem;
      item.measures = {"修订制度", "专项检查"};
      list.rectification_items.push_back(item);
    }
    const std::string ledger =
        Must(office->Submit(list), "problem list").referral_id;
    Must(organization->Accept(ledger), "accept");
    client::ReportRectificationParams report;
    report.referral_id = ledger;
    report.item_number = 1;
    report.kind = client::RectificationReportKind::kDone;
    report.text = "已修订干部选拔任用工作规程";
    Must(organization->ReportRectification(report), "report");
    client::VerifyRectificationParams verify;
    verify.referral_id = ledger;
    verify.item_number = 1;
    verify.verdict = client::RectificationVerdict::kAccept;
    Must(office->VerifyRectification(verify), "verify");
    // One notice to two units.
    client::NewDistribution notice;
    notice.recipient_agency_ids = {kCommission, kOrganization};
    notice.lead = SampleLead("通报：违规收送礼金");
    distribution_id_ =
        Must(office->SubmitDistribution(notice), "distribute").distribution_id;
    // A dead letter: delivered once on a stream that ends unacknowledged.
    auto stream = organization->OpenInbox();
    client::InboxEntry entry;
    EXPECT_TRUE(stream->Next(&entry));
    stream->Cancel();
    stream->Finish().IgnoreError();
    auto admin =
        Must(client::ConnectAdminClient(SdkOptions(hub, *pki_, "admin-ops")),
             "admin");
    const absl::Time give_up = absl::Now() + absl::Seconds(10);
    while (admin != nullptr && absl::Now() < give_up) {
      auto letters = admin->ListDeadLetters({});
      if (letters.ok() && !letters->dead_letters.empty()) break;
      absl::SleepFor(absl::Milliseconds(20));
    }
    return first;
  }

  // What agencies, administrators and auditors see, one line per fact.
  std::vector<std::string> Observe(const HubProcess& hub) {
    std::vector<std::string> seen;
    auto audit = Must(
        client::ConnectAuditClient(SdkOptions(hub, *pki_, "auditor-audit")),
        "audit");
    if (audit == nullptr) return seen;
    const client::SignedCheckpoint checkpoint =
        Must(audit->GetCheckpoint(), "checkpoint");
    seen.push_back(CheckpointLine(checkpoint.tree_size, checkpoint.root_hash));
    for (const char* agency : kAgencies) {
      auto exchange = Exchange(hub, agency);
      if (exchange == nullptr) return seen;
      for (const client::PartyRole role :
           {client::PartyRole::kSender, client::PartyRole::kRecipient}) {
        client::ListQuery query;
        query.role = role;
        query.page_size = 500;
        for (const client::Referral& referral :
             Must(exchange->List(query), "list").referrals) {
          seen.push_back(absl::StrCat(
              agency, role == client::PartyRole::kSender ? " sent " : " got ",
              referral.referral_id, " state ",
              static_cast<int>(referral.state)));
        }
      }
      client::PeekInboxParams peek;
      peek.page_size = 500;
      for (const client::InboxEntry& entry :
           Must(exchange->PeekInbox(peek), "peek").entries) {
        seen.push_back(absl::StrCat(agency, " inbox ", entry.sequence, " ",
                                    static_cast<int>(entry.event.type), " ",
                                    entry.event.referral_id, " attempts ",
                                    entry.delivery_attempts));
      }
    }
    auto office = Exchange(hub, kOffice);
    const client::Distribution distribution =
        Must(office->GetDistribution(distribution_id_), "distribution");
    for (const client::DistributionMember& member : distribution.members) {
      seen.push_back(absl::StrCat("distributed to ", member.recipient_agency_id,
                                  " as ", member.referral.referral_id));
    }
    auto admin =
        Must(client::ConnectAdminClient(SdkOptions(hub, *pki_, "admin-ops")),
             "admin");
    for (const client::DeadLetter& letter :
         Must(admin->ListDeadLetters({}), "dead letters").dead_letters) {
      seen.push_back(absl::StrCat("dead letter ", letter.agency_id, " ",
                                  letter.sequence, " ",
                                  letter.event.referral_id));
    }
    return seen;
  }

  // sxhub with `args`, and what it printed.
  ProgramResult Sxhub(const std::string& config_text, const std::string& mode) {
    const std::string config = work_.Sub(absl::StrCat("config-", ++configs_));
    std::ofstream(config) << config_text;
    return RunProgram({SX_HUB_BINARY, absl::StrCat("--config=", config), mode});
  }

  // Sends the first lead's request again: the hub answers with the referral
  // it made then (no second one), and gives a new lead a new id.
  void RetryAndSubmitNew(const HubProcess& hub, const std::string& first,
                         std::set<std::string>& ids) {
    auto office = Exchange(hub, kOffice);
    client::NewReferral lead;
    lead.recipient_agency_id = kCommission;
    lead.lead = SampleLead("王五");
    EXPECT_EQ(Must(office->Submit(lead, {kFirstRequest}), "retry").referral_id,
              first);
    lead.lead = SampleLead("孙七");
    const std::string fresh = Must(office->Submit(lead), "submit").referral_id;
    EXPECT_TRUE(ids.insert(fresh).second) << fresh << " was given out before";
  }

  // Every referral id the hub shows anyone.
  static std::set<std::string> IdsIn(const std::vector<std::string>& seen) {
    std::set<std::string> ids;
    for (const std::string& line : seen) {
      for (const char* marker : {" sent ", " got "}) {
        const size_t at = line.find(marker);
        if (at == std::string::npos) continue;
        const size_t from = at + strlen(marker);
        ids.insert(line.substr(from, line.find(' ', from) - from));
      }
    }
    return ids;
  }

  TempDir work_;
  int configs_ = 0;
  std::string distribution_id_;
};

TEST_F(StorageMoveE2eTest, RocksDbToPostgresAndBack) {
  // On RocksDB, with traffic.
  HubProcess rocksdb(*pki_, OneDeliveryAttempt);
  ASSERT_TRUE(rocksdb.Start().ok());
  const std::string first = PlayTraffic(rocksdb);
  ASSERT_FALSE(first.empty());
  const std::vector<std::string> before = Observe(rocksdb);
  ASSERT_FALSE(before.empty());
  EXPECT_TRUE(absl::StrContains(absl::StrJoin(before, "\n"), "dead letter"));
  rocksdb.Stop();
  // As written for the hub, with its data directory named in full (the
  // config's is relative to the file).
  const std::string rocksdb_config = absl::StrReplaceAll(
      ReadFile(rocksdb.config_path()),
      {{"data_dir: \"data\"",
        absl::StrCat("data_dir: \"", rocksdb.data_dir(), "\"")}});
  ASSERT_TRUE(absl::StrContains(rocksdb_config, rocksdb.data_dir()));

  // Export, and import into a new database.
  const std::string first_dump = work_.Sub("rocksdb.dump");
  const ProgramResult exported =
      Sxhub(rocksdb_config, absl::StrCat("--export=", first_dump));
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_EQ(CheckpointLineOf(exported.out), before.front()) << exported.out;
  const std::string conninfo = TestPostgres::Shared().NewDatabase();
  const ProgramResult imported =
      Sxhub(rocksdb_config + StorageSection(conninfo),
            absl::StrCat("--import=", first_dump));
  ASSERT_EQ(imported.exit_code, 0) << imported.err << imported.out;
  EXPECT_EQ(CheckpointLineOf(imported.out), before.front()) << imported.out;
  EXPECT_TRUE(absl::StrContains(imported.out, "the event chain verifies"));

  // On PostgreSQL: the same hub, seen by everyone.
  HubProcess postgres(*pki_, [&conninfo](std::string& config) {
    OneDeliveryAttempt(config);
    config += StorageSection(conninfo);
  });
  ASSERT_TRUE(postgres.Start().ok());
  ASSERT_TRUE(
      absl::StrContains(postgres.ReadLog(), "PostgreSQL storage opened"));
  EXPECT_EQ(Observe(postgres), before);
  // The commission's inbox delivers on a stream what it held on RocksDB, in
  // order, and takes the acknowledgements.
  {
    std::vector<std::string> held;
    const std::string prefix = absl::StrCat(kCommission, " inbox ");
    for (const std::string& line : before) {
      if (absl::StartsWith(line, prefix)) held.push_back(line);
    }
    ASSERT_FALSE(held.empty());
    auto commission = Exchange(postgres, kCommission);
    auto stream = commission->OpenInbox();
    std::vector<std::string> delivered;
    client::InboxEntry entry;
    while (delivered.size() < held.size() && stream->Next(&entry)) {
      delivered.push_back(absl::StrCat(
          prefix, entry.sequence, " ", static_cast<int>(entry.event.type), " ",
          entry.event.referral_id, " attempts ", entry.delivery_attempts));
      EXPECT_EQ(Must(commission->Ack({entry.sequence}), "ack"), 1u);
    }
    stream->Cancel();
    stream->Finish().IgnoreError();
    EXPECT_EQ(delivered, held);
  }
  std::set<std::string> ids = IdsIn(before);
  RetryAndSubmitNew(postgres, first, ids);
  const std::vector<std::string> on_postgres = Observe(postgres);
  EXPECT_NE(on_postgres.front(), before.front());  // the log grew
  postgres.Stop();

  // Back to a new RocksDB data directory.
  const std::string second_dump = work_.Sub("postgres.dump");
  const ProgramResult exported_again =
      Sxhub(rocksdb_config + StorageSection(conninfo),
            absl::StrCat("--export=", second_dump));
  ASSERT_EQ(exported_again.exit_code, 0) << exported_again.err;
  EXPECT_EQ(CheckpointLineOf(exported_again.out), on_postgres.front());
  HubProcess back(*pki_, OneDeliveryAttempt);
  const std::string back_config = absl::StrReplaceAll(
      rocksdb_config, {{rocksdb.data_dir(), back.data_dir()}});
  const ProgramResult imported_back =
      Sxhub(back_config, absl::StrCat("--import=", second_dump));
  ASSERT_EQ(imported_back.exit_code, 0) << imported_back.err;
  EXPECT_EQ(CheckpointLineOf(imported_back.out), on_postgres.front());
  // A second import into the same directory is refused.
  const ProgramResult twice =
      Sxhub(back_config, absl::StrCat("--import=", second_dump));
  EXPECT_EQ(twice.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(twice.err, "already holds data")) << twice.err;
  ASSERT_TRUE(back.Start().ok());
  EXPECT_EQ(Observe(back), on_postgres);
  RetryAndSubmitNew(back, first, ids);
}

}  // namespace
}  // namespace sx::testing
