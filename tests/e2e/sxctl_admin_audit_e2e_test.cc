// End-to-end tests of sxctl's administrator and auditor commands: the real
// sxctl binary against the real sxhub (see sxctl_fixture.h). Administrators
// see metadata and never content; only the right role may use each group;
// checkpoints, consistency proofs and exports verify offline with nothing but
// the hub's certificate, and tampering with an export or forking the history
// is caught.
#include <signal.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "supervision/v1/exchange.grpc.pb.h"
#include "tests/e2e/hub_process.h"
#include "tests/e2e/sxctl_fixture.h"

namespace sx::testing {
namespace {

namespace v1 = ::supervision::v1;

// Distinctive content that must never reach an administrator.
constexpr char kSubject[] = "机密主体-甲乙丙";
constexpr char kSummary[] = "机密摘要-个人账户收取出让金";
constexpr char kAttachment[] = "机密附件内容-转账流水";
constexpr char kFeedback[] = "机密反馈-已立案审查";
constexpr char kReminder[] = "机密督办-请限期反馈";

class SxctlAdminAuditE2eTest : public SxctlFixture {
 protected:
  SxctlAdminAuditE2eTest() {
    // Two unacknowledged deliveries make a dead letter, to test quickly.
    edit_config_ = [](std::string& config) {
      config = absl::StrReplaceAll(config, {{"max_inbox_streams_per_agency: 4",
                                             "max_inbox_streams_per_agency: 4\n"
                                             "  max_delivery_attempts: 2"}});
    };
  }

  // Runs sxctl as `identity` and expects success.
  std::string Ok(const std::string& identity,
                 const std::vector<std::string>& args) {
    ProcessResult result = Run(identity, args);
    EXPECT_EQ(result.exit_code, 0)
        << absl::StrJoin(args, " ") << ": " << result.err;
    return result.out;
  }

  // Sends a lead with the secret subject and summary; returns its id.
  std::string Send(const std::string& from, const std::string& to,
                   const std::string& subject = kSubject) {
    const std::string attachment = work_.Sub("转账流水.txt");
    WriteFile(attachment, kAttachment);
    const std::string sent =
        Ok(from, {"send", "--json", "--to", to, "--subject", subject,
                  "--category", "进一步了解关注类", "--summary", kSummary,
                  "--source", "巡察", "--sensitivity", "sensitive", "--urgency",
                  "fast_track", "--attach", attachment});
    return Json(sent, "d['referral_id']");
  }

  // The loop up to final feedback, with content in every step that carries
  // any: five events. Returns the referral id.
  std::string RunLoop() {
    const std::string id = Send(kInspection, kCommission);
    Ok(kInspection, {"remind", id, "--text", kReminder});
    Ok(kCommission, {"accept", id});
    Ok(kCommission, {"dispose", id, "--method", "preliminary_verification"});
    Ok(kCommission, {"feedback", id, "--kind", "final", "--text", kFeedback});
    return id;
  }

  // Takes delivery of `count` entries of `identity`'s inbox over a stream
  // and ends it without acknowledging: one delivery attempt for each.
  std::vector<v1::InboxEntry> StreamWithoutAck(const std::string& identity,
                                               size_t count) {
    auto stub = v1::ExchangeService::NewStub(hub_->Channel(identity));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    auto reader = stub->StreamInbox(&context, v1::StreamInboxRequest());
    std::vector<v1::InboxEntry> entries;
    v1::InboxEntry entry;
    while (entries.size() < count && reader->Read(&entry)) {
      entries.push_back(entry);
    }
    context.TryCancel();
    reader->Finish();
    return entries;
  }

  // Polls a peek (which counts nothing) until `identity`'s oldest entry
  // shows `attempts` delivery attempts; false after 10 s.
  bool WaitForAttempts(const std::string& identity, uint32_t attempts) {
    auto stub = v1::ExchangeService::NewStub(hub_->Channel(identity));
    for (int poll = 0; poll < 500; ++poll) {
      grpc::ClientContext context;
      v1::PeekInboxResponse page;
      if (stub->PeekInbox(&context, v1::PeekInboxRequest(), &page).ok() &&
          page.entries_size() > 0 &&
          page.entries(0).delivery_attempts() == attempts) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  // sxctl as `identity` against `hub` rather than the fixture's hub.
  ProcessResult RunAt(const HubProcess& hub, const std::string& identity,
                      std::vector<std::string> args) {
    std::vector<std::string> flags = ConnectionFlags(identity);
    flags[1] = absl::StrCat("127.0.0.1:", hub.port());
    args.insert(args.end(), flags.begin(), flags.end());
    return RunRaw(args);
  }

  // `audit verify` offline: no connection settings at all.
  ProcessResult Verify(const std::string& export_file) {
    return RunRaw({"audit", "verify", "--export", export_file, "--hub-cert",
                   pki_->Cert("hub")});
  }

  static void ExpectNoSecrets(const std::string& output,
                              const std::string& what) {
    for (const char* secret :
         {kSubject, kSummary, kAttachment, kFeedback, kReminder}) {
      EXPECT_FALSE(absl::StrContains(output, secret)) << what << ": " << secret;
    }
  }
};

// The lines of an export file, and back.
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}
std::string Unlines(const std::vector<std::string>& lines) {
  return absl::StrCat(absl::StrJoin(lines, "\n"), "\n");
}

// The index of the line of event `sequence` in an export's lines.
size_t EventLine(const std::vector<std::string>& lines, uint64_t sequence) {
  const std::string prefix = absl::StrCat("event ", sequence - 1, " ");
  for (size_t i = 0; i < lines.size(); ++i) {
    if (absl::StartsWith(lines[i], prefix)) return i;
  }
  ADD_FAILURE() << "no line for event " << sequence;
  return 0;
}

constexpr const char* kAdminCommands[] = {
    "admin transfers", "admin inboxes", "admin dead-letters", "admin redrive",
    "admin counts",    "admin status",  "admin top"};
constexpr const char* kAuditCommands[] = {"audit events", "audit checkpoint",
                                          "audit proof",  "audit export",
                                          "audit verify", "audit consistency"};

TEST_F(SxctlAdminAuditE2eTest, HelpListsTheCommandsAndUsageErrorsExitTwo) {
  ProcessResult general = RunRaw({"--help"});
  EXPECT_EQ(general.exit_code, 0);
  std::vector<const char*> commands(std::begin(kAdminCommands),
                                    std::end(kAdminCommands));
  commands.insert(commands.end(), std::begin(kAuditCommands),
                  std::end(kAuditCommands));
  for (const char* command : commands) {
    EXPECT_TRUE(absl::StrContains(general.out, command)) << command;
    ExpectCommandHelp(command);
  }
  EXPECT_TRUE(absl::StrContains(RunRaw({"audit", "checkpoint", "--help"}).out,
                                "— signature <base64>"));
  EXPECT_TRUE(absl::StrContains(RunRaw({"audit", "export", "--help"}).out,
                                "sxctl-event-export/v1"));

  const std::vector<std::vector<std::string>> usage_errors = {
      {"admin"},
      {"admin", "transfers", "--created-after", "yesterday"},
      {"admin", "transfers", "--state", "lost"},
      {"admin", "redrive"},
      {"admin", "top", "--iterations", "0"},
      {"admin", "top", "--interval", "0"},
      {"audit", "proof"},
      {"audit", "proof", "0"},
      {"audit", "events", "--type", "shredded"},
      {"audit", "export", "--from", "1"},
      {"audit", "verify", "--export", "x"},
      {"audit", "consistency", "--old", "a", "--new", "b"},
  };
  for (const std::vector<std::string>& args : usage_errors) {
    ProcessResult result = Run(kAdmin, args);
    EXPECT_EQ(result.exit_code, 2) << absl::StrJoin(args, " ") << result.err;
    EXPECT_TRUE(result.out.empty()) << result.out;
  }
}

TEST_F(SxctlAdminAuditE2eTest, AdministratorsSeeMetadataNeverContent) {
  const std::string id = RunLoop();
  std::string everything;

  const std::string transfers = Ok(kAdmin, {"admin", "transfers", "--json"});
  everything += transfers;
  ASSERT_EQ(Json(transfers, "len(d['transfers'])"), "1") << transfers;
  EXPECT_EQ(Json(transfers, "d['transfers'][0]['referral_id']"), id);
  EXPECT_EQ(Json(transfers, "d['transfers'][0]['state']"), "feedback_sent");
  EXPECT_EQ(Json(transfers, "d['transfers'][0]['sender_agency_id']"),
            kInspection);
  EXPECT_EQ(Json(transfers, "d['transfers'][0]['disposition']"),
            "preliminary_verification");
  EXPECT_EQ(Json(transfers, "d['transfers'][0]['reminder_count']"), "1");
  EXPECT_EQ(Json(transfers, "d['transfers'][0]['feedback_count']"), "1");
  EXPECT_EQ(Json(transfers, "d['transfers'][0]['accept_overdue']"), "false");
  EXPECT_EQ(Json(transfers, "d['transfers'][0]['created_at'].endswith('Z')"),
            "true");
  EXPECT_EQ(Json(transfers, "d['next_page_token']"), "");

  // Filters: each given filter must match.
  auto count = [&](std::vector<std::string> filters) {
    filters.insert(filters.begin(), {"admin", "transfers", "--json"});
    return Json(Ok(kAdmin, filters), "len(d['transfers'])");
  };
  EXPECT_EQ(count({"--state", "accepted", "--state", "feedback_sent", "--to",
                   kCommission}),
            "1");
  EXPECT_EQ(count({"--state", "closed"}), "0");
  EXPECT_EQ(count({"--from", kAuditBureau}), "0");
  EXPECT_EQ(count({"--overdue"}), "0");
  EXPECT_EQ(count({"--created-after", "2999-01-01T00:00:00Z"}), "0");
  EXPECT_EQ(count({"--created-before", "2999-01-01T00:00:00+08:00"}), "1");

  const std::string inboxes = Ok(kAdmin, {"admin", "inboxes", "--json"});
  everything += inboxes;
  EXPECT_EQ(Json(inboxes, "[i['agency_id'] for i in d['inboxes']][:2]"),
            "[\"discipline-commission\", \"inspection-office\"]");
  EXPECT_EQ(Json(inboxes, "d['inboxes'][0]['depth'] >= 1"), "true");
  EXPECT_EQ(Json(inboxes,
                 "d['inboxes'][0]['oldest_unacknowledged_at'] is "
                 "not None"),
            "true");

  const std::string counts = Ok(kAdmin, {"admin", "counts", "--json"});
  everything += counts;
  EXPECT_EQ(Json(counts, "d['by_state']"),
            "[{\"state\": \"feedback_sent\", \"count\": 1}]");
  EXPECT_EQ(Json(counts, "d['by_route'][0]['sender_type']"),
            "inspection_office");
  EXPECT_EQ(Json(counts, "d['overdue_open']"), "0");

  const std::string status = Ok(kAdmin, {"admin", "status", "--json"});
  everything += status;
  EXPECT_EQ(Json(status, "d['hub_id']"), "demo");
  EXPECT_EQ(Json(status, "d['storage']"), "SERVING");
  EXPECT_EQ(Json(status, "d['referrals']"), "1");
  EXPECT_EQ(Json(status, "d['events']"), "5");
  // Encryption at rest, as the example config has it: the lead and the
  // referral (disposition, feedback, reminder) are under the one key.
  EXPECT_EQ(Json(status, "d['encryption']['cipher']"), "AES-256-GCM");
  EXPECT_EQ(Json(status,
                 "[(k['records'], k['current']) for k in "
                 "d['encryption']['keys']]"),
            "[[2, true]]");
  // Nothing is under an older key, so a pass re-wraps nothing.
  const std::string rewrap = Ok(kAdmin, {"admin", "rewrap-keys", "--json"});
  everything += rewrap;
  EXPECT_EQ(Json(rewrap, "[d['referrals'], d['records']]"), "[1, 0]");

  everything += Ok(kAdmin, {"admin", "dead-letters", "--json"});
  // The tables too.
  for (const char* command : {"transfers", "inboxes", "counts", "status",
                              "dead-letters", "rewrap-keys"}) {
    const std::string table = Ok(kAdmin, {"admin", command});
    EXPECT_FALSE(table.empty()) << command;
    everything += table;
  }
  EXPECT_TRUE(absl::StrContains(everything, id));
  ExpectNoSecrets(everything, "admin output");
}

TEST_F(SxctlAdminAuditE2eTest, DeadLettersAreListedAndRedriven) {
  const std::string id = RunLoop();
  // The commission's inbox holds the new referral and the reminder; two
  // streams that end without acknowledging are two delivery attempts. The
  // hub counts an attempt after its stream has ended: each stream waits
  // until the one before it is counted.
  for (uint32_t attempt = 0; attempt < 2; ++attempt) {
    ASSERT_TRUE(WaitForAttempts(kCommission, attempt));
    const std::vector<v1::InboxEntry> delivered =
        StreamWithoutAck(kCommission, 2);
    ASSERT_EQ(delivered.size(), 2u);
    EXPECT_EQ(delivered[0].delivery_attempts(), attempt);
  }
  // The hub counts a delivery when its stream ends: ask until the letters
  // are there (bounded).
  std::string letters;
  for (int i = 0; i < 50; ++i) {
    letters = Ok(kAdmin,
                 {"admin", "dead-letters", "--json", "--agency", kCommission});
    if (Json(letters, "len(d['dead_letters'])") == "2") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(Json(letters, "len(d['dead_letters'])"), "2") << letters;
  EXPECT_EQ(Json(letters, "d['dead_letters'][0]['agency_id']"), kCommission);
  EXPECT_EQ(Json(letters, "d['dead_letters'][0]['delivery_attempts']"), "2");
  EXPECT_EQ(Json(letters, "d['dead_letters'][0]['event']['type']"),
            "submitted");
  EXPECT_EQ(Json(letters, "d['dead_letters'][0]['event']['referral_id']"), id);
  ExpectNoSecrets(letters, "dead letters");
  const std::string inboxes = Ok(kAdmin, {"admin", "inboxes", "--json"});
  EXPECT_EQ(Json(inboxes, "d['inboxes'][0]['dead_letters']"), "2");
  EXPECT_EQ(Json(inboxes, "d['inboxes'][0]['depth']"), "0");

  // One by sequence, then the rest.
  const std::string first = Json(letters, "d['dead_letters'][0]['sequence']");
  const std::string one = Ok(
      kAdmin, {"admin", "redrive", "--agency", kCommission, first, "--json"});
  EXPECT_EQ(Json(one, "d['redriven']"), "1");
  const std::string rest =
      Ok(kAdmin, {"admin", "redrive", "--agency", kCommission});
  EXPECT_TRUE(absl::StrContains(rest,
                                "redrove 1 dead letter into the inbox "
                                "of discipline-commission"))
      << rest;
  const std::string again = Ok(kCommission, {"inbox", "list", "--json"});
  EXPECT_EQ(Json(again, "[e['event']['type'] for e in d]"),
            "[\"submitted\", \"reminded\"]");
  EXPECT_EQ(Json(again, "[e['delivery_attempts'] for e in d]"), "[0, 0]");
  ProcessResult unknown =
      Run(kAdmin, {"admin", "redrive", "--agency", "no-such-agency"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(unknown.err, "NOT_FOUND")) << unknown.err;
}

// `inbox list` looks without taking delivery: here two unacknowledged
// deliveries make a dead letter, and ten listings leave the entries as they
// were, the referral undelivered.
TEST_F(SxctlAdminAuditE2eTest, InboxListTenTimesDeliversNothing) {
  const std::string id = Send(kInspection, kCommission);
  for (int i = 0; i < 10; ++i) {
    const std::string listed = Ok(kCommission, {"inbox", "list", "--json"});
    ASSERT_EQ(Json(listed, "len(d)"), "1") << listed;
    EXPECT_EQ(Json(listed, "d[0]['delivery_attempts']"), "0") << listed;
    EXPECT_EQ(Json(listed, "d[0]['referral']['state']"), "submitted") << listed;
  }
  const std::string letters =
      Ok(kAdmin, {"admin", "dead-letters", "--json", "--agency", kCommission});
  EXPECT_EQ(Json(letters, "len(d['dead_letters'])"), "0") << letters;
  // The entry is still there to be delivered, with its first attempt.
  const std::vector<v1::InboxEntry> delivered =
      StreamWithoutAck(kCommission, 1);
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(delivered[0].referral().referral_id(), id);
  EXPECT_EQ(delivered[0].delivery_attempts(), 0u);
}

TEST_F(SxctlAdminAuditE2eTest, EachGroupIsForItsRoleOnly) {
  const std::string export_file = work_.Sub("export.txt");
  const std::vector<std::vector<std::string>> admin_calls = {
      {"admin", "transfers"},    {"admin", "inboxes"},
      {"admin", "dead-letters"}, {"admin", "redrive", "--agency", kCommission},
      {"admin", "counts"},       {"admin", "status"},
      {"admin", "rewrap-keys"},  {"admin", "top", "--iterations", "1"},
  };
  const std::vector<std::vector<std::string>> audit_calls = {
      {"audit", "events"},
      {"audit", "checkpoint"},
      {"audit", "proof", "1"},
      {"audit", "export", "--from", "1", "--out", export_file},
  };
  Send(kInspection, kCommission);  // so that there is an event to prove
  for (const auto& args : admin_calls) {
    for (const char* who : {kInspection, kAuditor}) {
      ProcessResult result = Run(who, args);
      EXPECT_EQ(result.exit_code, 1) << who << " " << absl::StrJoin(args, " ");
      EXPECT_TRUE(absl::StartsWith(result.err, "sxctl: PERMISSION_DENIED: "))
          << result.err;
      EXPECT_TRUE(result.out.empty()) << result.out;
    }
  }
  for (const auto& args : audit_calls) {
    for (const char* who : {kCommission, kAdmin}) {
      ProcessResult result = Run(who, args);
      EXPECT_EQ(result.exit_code, 1) << who << " " << absl::StrJoin(args, " ");
      EXPECT_TRUE(absl::StartsWith(result.err, "sxctl: PERMISSION_DENIED: "))
          << result.err;
    }
  }
  EXPECT_TRUE(ReadFile(export_file).empty())
      << "a refused export writes nothing";
}

TEST_F(SxctlAdminAuditE2eTest, TopPrintsFramesAndStopsOnCtrlC) {
  RunLoop();
  ProcessResult top =
      Run(kAdmin, {"admin", "top", "--iterations", "2", "--interval", "0.2"});
  ASSERT_EQ(top.exit_code, 0) << top.err;
  // Not a terminal: no escape codes, two frames a blank line apart.
  EXPECT_FALSE(absl::StrContains(top.out, "\x1b[")) << top.out;
  std::vector<std::string> frames = absl::StrSplit(top.out, "\n\nsxhub demo");
  ASSERT_EQ(frames.size(), 2u) << top.out;
  for (const std::string& frame : frames) {
    EXPECT_TRUE(absl::StrContains(frame, "events/s")) << frame;
    EXPECT_TRUE(absl::StrContains(frame, "open overdue 0")) << frame;
    EXPECT_TRUE(absl::StrContains(frame, "DEAD LETTERS")) << frame;
    EXPECT_TRUE(absl::StrContains(frame, "discipline-commission")) << frame;
    EXPECT_TRUE(absl::StrContains(frame, "feedback_sent  1")) << frame;
  }
  EXPECT_TRUE(absl::StrContains(frames[0], "- events/s")) << "no rate yet";
  EXPECT_TRUE(absl::StrContains(frames[1], "0.00 events/s")) << frames[1];
  ExpectNoSecrets(top.out, "admin top");

  // --json: one object per frame and line; the rate from the second on.
  ProcessResult json = Run(kAdmin, {"admin", "top", "--json", "--iterations",
                                    "2", "--interval", "0.2"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const std::vector<std::string> lines = Lines(json.out);
  ASSERT_EQ(lines.size(), 2u) << json.out;
  EXPECT_EQ(Json(lines[0], "d['events_per_second']"), "null");
  EXPECT_EQ(Json(lines[1], "d['events_per_second']"), "0");
  EXPECT_EQ(Json(lines[1], "d['status']['events']"), "5");
  EXPECT_EQ(Json(lines[1], "d['inboxes'][0]['agency_id']"), kCommission);
  EXPECT_EQ(Json(lines[1], "d['counts']['by_state'][0]['state']"),
            "feedback_sent");

  // Without --iterations it runs until Ctrl-C, which ends it cleanly.
  std::unique_ptr<ChildProcess> live =
      Start(kAdmin, {"admin", "top", "--interval", "0.1"});
  ASSERT_TRUE(live->WaitForOutput("sxhub demo"));
  live->Signal(SIGINT);
  ProcessResult stopped = live->Wait();
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
}

TEST_F(SxctlAdminAuditE2eTest, AuditorsReadEventsAndProofs) {
  const std::string id = RunLoop();
  const std::string events = Ok(kAuditor, {"audit", "events", "--json"});
  EXPECT_EQ(Json(events, "[e['type'] for e in d['events']]"),
            "[\"submitted\", \"reminded\", \"accepted\", "
            "\"disposition_recorded\", \"final_feedback\"]");
  EXPECT_EQ(Json(events, "[e['sequence'] for e in d['events']]"),
            "[1, 2, 3, 4, 5]");
  EXPECT_EQ(Json(events, "len(d['events'][1]['previous_event_sha256'])"), "64");
  const std::string accepted =
      Ok(kAuditor,
         {"audit", "events", "--json", "--referral", id, "--type", "accepted"});
  EXPECT_EQ(Json(accepted, "[e['actor'] for e in d['events']]"),
            "[\"discipline-commission\"]");
  const std::string paged =
      Ok(kAuditor, {"audit", "events", "--json", "--page-size", "2"});
  const std::string token = Json(paged, "d['next_page_token']");
  ASSERT_FALSE(token.empty());
  const std::string next = Ok(
      kAuditor,
      {"audit", "events", "--json", "--page-size", "2", "--page-token", token});
  EXPECT_EQ(Json(next, "d['events'][0]['sequence']"), "3");
  EXPECT_EQ(Json(Ok(kAuditor,
                    {"audit", "events", "--json", "--agency", kAuditBureau}),
                 "d['events']"),
            "[]");
  EXPECT_EQ(Json(Ok(kAuditor, {"audit", "events", "--json", "--from",
                               "2999-01-01T00:00:00Z"}),
                 "d['events']"),
            "[]");
  const std::string table = Ok(kAuditor, {"audit", "events"});
  EXPECT_TRUE(absl::StrContains(table, "disposition_recorded")) << table;

  const std::string proof =
      Ok(kAuditor, {"audit", "proof", "3", "--json", "--tree-size", "4"});
  EXPECT_EQ(Json(proof, "(d['sequence'], d['leaf_index'], d['tree_size'])"),
            "[3, 2, 4]");
  EXPECT_EQ(Json(proof, "len(d['hashes'])"), "2");
  ProcessResult beyond = Run(kAuditor, {"audit", "proof", "9"});
  EXPECT_EQ(beyond.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(beyond.err, "OUT_OF_RANGE")) << beyond.err;
}

TEST_F(SxctlAdminAuditE2eTest, SavedCheckpointsProveTheLogOnlyGrew) {
  const std::string id = RunLoop();
  const std::string first = work_.Sub("checkpoint-1.txt");
  const std::string saved =
      Ok(kAuditor, {"audit", "checkpoint", "--out", first, "--json"});
  EXPECT_EQ(Json(saved, "(d['origin'], d['hash'], d['tree_size'])"),
            "[\"demo\", \"sha256\", 5]");
  EXPECT_EQ(Json(saved, "d['saved_to']"), first);
  const std::vector<std::string> lines = Lines(ReadFile(first));
  ASSERT_EQ(lines.size(), 7u) << ReadFile(first);
  EXPECT_EQ(lines[0], "sxhub-checkpoint/v1");
  EXPECT_EQ(lines[3], "size 5");
  EXPECT_TRUE(absl::StartsWith(lines[6], "— signature ")) << lines[6];
  EXPECT_EQ(Json(saved, "d['text']"), Unlines({lines.begin(), lines.end() - 1}))
      << "the file holds the signed text as it was signed";

  // More history, a second checkpoint: it extends the first.
  Ok(kInspection, {"close", id});
  Send(kAuditBureau, kCommission);
  const std::string second = work_.Sub("checkpoint-2.txt");
  Ok(kAuditor, {"audit", "checkpoint", "--out", second});
  const std::string consistent =
      Ok(kAuditor, {"audit", "consistency", "--old", first, "--new", second,
                    "--hub-cert", pki_->Cert("hub")});
  EXPECT_TRUE(absl::StartsWith(consistent, "consistent: ")) << consistent;
  const std::string json =
      Ok(kAuditor, {"audit", "consistency", "--json", "--old", first, "--new",
                    second, "--hub-cert", pki_->Cert("hub")});
  EXPECT_EQ(Json(json,
                 "(d['consistent'], d['old']['tree_size'], "
                 "d['new']['tree_size'])"),
            "[true, 5, 7]");
  // A checkpoint compared with itself is consistent without asking the hub.
  Ok(kAuditor, {"audit", "consistency", "--old", second, "--new", second,
                "--hub-cert", pki_->Cert("hub")});

  ProcessResult reversed =
      Run(kAuditor, {"audit", "consistency", "--old", second, "--new", first,
                     "--hub-cert", pki_->Cert("hub")});
  EXPECT_EQ(reversed.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(reversed.err, "other way round"))
      << reversed.err;
  // A saved checkpoint with an edited root no longer carries the hub's
  // signature.
  std::vector<std::string> forged = Lines(ReadFile(first));
  forged[4] = absl::StrCat("root ", absl::Base64Escape(std::string(32, 'x')));
  const std::string forged_file = work_.Sub("forged.txt");
  WriteFile(forged_file, Unlines(forged));
  ProcessResult refused =
      Run(kAuditor, {"audit", "consistency", "--old", forged_file, "--new",
                     second, "--hub-cert", pki_->Cert("hub")});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(
      refused.err,
      "DATA_LOSS: checkpoint " + forged_file + ": the signature does not"))
      << refused.err;
}

TEST_F(SxctlAdminAuditE2eTest, ExportVerifiesOfflineAndTamperingFails) {
  const std::string id = RunLoop();
  Ok(kInspection, {"close", id});
  const std::string exported = work_.Sub("export.txt");
  const std::string summary = Ok(kAuditor, {"audit", "export", "--from", "1",
                                            "--out", exported, "--json"});
  EXPECT_EQ(Json(summary,
                 "(d['first_sequence'], d['last_sequence'], "
                 "d['events'], d['tree_size'])"),
            "[1, 6, 6, 6]");
  const std::string partial = work_.Sub("partial.txt");
  Ok(kAuditor,
     {"audit", "export", "--from", "2", "--to", "4", "--out", partial});
  // Verification needs no hub.
  hub_->Stop();

  ProcessResult verified = Verify(exported);
  ASSERT_EQ(verified.exit_code, 0) << verified.err;
  EXPECT_TRUE(
      absl::StartsWith(verified.out, "verified 6 events, sequences 1-6: "))
      << verified.out;
  EXPECT_TRUE(absl::StrContains(verified.out, "final_feedback"));
  ProcessResult json = RunRaw({"audit", "verify", "--json", "--export",
                               exported, "--hub-cert", pki_->Cert("hub")});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(Json(json.out,
                 "(d['verified'], d['events_verified'], "
                 "d['first_sequence'], d['last_sequence'])"),
            "[true, 6, 1, 6]");
  EXPECT_EQ(Json(json.out, "[e['type'] for e in d['events']][-1]"), "closed");
  EXPECT_EQ(Json(json.out, "d['checkpoint']['tree_size']"), "6");
  ProcessResult middle = Verify(partial);
  EXPECT_EQ(middle.exit_code, 0) << middle.err;
  EXPECT_TRUE(absl::StartsWith(middle.out, "verified 3 events, sequences 2-4"))
      << middle.out;

  const std::vector<std::string> lines = Lines(ReadFile(exported));
  auto expect_failure = [&](const std::vector<std::string>& edited,
                            const std::string& message) {
    const std::string file = work_.Sub("tampered.txt");
    WriteFile(file, Unlines(edited));
    ProcessResult result = Verify(file);
    EXPECT_EQ(result.exit_code, 1) << message;
    EXPECT_TRUE(absl::StrContains(result.err, message))
        << "want \"" << message << "\" in " << result.err;
    EXPECT_TRUE(result.out.empty()) << result.out;
  };

  // One byte of event 3's stored bytes.
  {
    std::vector<std::string> edited = lines;
    std::vector<std::string> fields =
        absl::StrSplit(edited[EventLine(lines, 3)], ' ');
    std::string bytes;
    ASSERT_TRUE(absl::Base64Unescape(fields[3], &bytes));
    bytes[bytes.size() / 2] ^= 0x01;
    fields[3] = absl::Base64Escape(bytes);
    edited[EventLine(lines, 3)] = absl::StrJoin(fields, " ");
    expect_failure(edited, "DATA_LOSS: event 3: not in the log");
  }
  // Event 3 removed.
  {
    std::vector<std::string> edited = lines;
    edited.erase(edited.begin() + EventLine(lines, 3));
    expect_failure(edited, "event 3: the export holds event 4 in its place");
  }
  // Events 2 and 3 swapped.
  {
    std::vector<std::string> edited = lines;
    std::swap(edited[EventLine(lines, 2)], edited[EventLine(lines, 3)]);
    expect_failure(edited, "event 2: the export holds event 3 in its place");
  }
  // The last event removed while the range still claims it.
  {
    std::vector<std::string> edited = lines;
    edited.pop_back();
    expect_failure(edited, "event 6: missing");
  }
  // A forged root: the checkpoint no longer verifies.
  {
    std::vector<std::string> edited = lines;
    edited[6] = absl::StrCat("root ", absl::Base64Escape(std::string(32, 'x')));
    expect_failure(edited,
                   "the export's checkpoint: the signature does not "
                   "verify with the hub certificate");
  }
  // Another certificate than the hub's.
  {
    const std::string file = work_.Sub("untampered.txt");
    WriteFile(file, Unlines(lines));
    ProcessResult result = RunRaw({"audit", "verify", "--export", file,
                                   "--hub-cert", pki_->Cert(kInspection)});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_TRUE(absl::StrContains(result.err, "does not verify")) << result.err;
  }
  // A shorter contiguous range that says so is still a verifiable export:
  // each event carries its own proof (documented in `audit verify --help`).
  {
    std::vector<std::string> edited = lines;
    edited.pop_back();
    edited[1] = "range 1 5";
    const std::string file = work_.Sub("shorter.txt");
    WriteFile(file, Unlines(edited));
    ProcessResult result = Verify(file);
    EXPECT_EQ(result.exit_code, 0) << result.err;
  }
  ProcessResult missing = Verify(work_.Sub("no-such-export.txt"));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(missing.err, "cannot read export"))
      << missing.err;
}

TEST_F(SxctlAdminAuditE2eTest, ACheckpointOfAForkedHistoryIsRefused) {
  RunLoop();
  const std::string ours = work_.Sub("ours.txt");
  Ok(kAuditor, {"audit", "checkpoint", "--out", ours});

  // Another hub with the same identity and key but its own history: a fork
  // of the log, longer than ours.
  HubProcess other(*pki_);
  const absl::Status started = other.Start();
  ASSERT_TRUE(started.ok()) << started;
  for (const char* subject : {"另一历史-甲", "另一历史-乙", "另一历史-丙",
                              "另一历史-丁", "另一历史-戊", "另一历史-己"}) {
    ProcessResult sent = RunAt(
        other, kAuditBureau,
        {"send", "--to", kCommission, "--subject", subject, "--category", "c",
         "--summary", "s", "--source", "审计", "--sensitivity", "ordinary"});
    ASSERT_EQ(sent.exit_code, 0) << sent.err;
  }
  const std::string theirs = work_.Sub("theirs.txt");
  ProcessResult saved =
      RunAt(other, kAuditor, {"audit", "checkpoint", "--out", theirs});
  ASSERT_EQ(saved.exit_code, 0) << saved.err;

  // Both checkpoints carry the hub's signature; the other hub's log does
  // not extend ours.
  ProcessResult forked = RunAt(other, kAuditor,
                               {"audit", "consistency", "--old", ours, "--new",
                                theirs, "--hub-cert", pki_->Cert("hub")});
  EXPECT_EQ(forked.exit_code, 1) << forked.out;
  EXPECT_TRUE(absl::StrContains(
      forked.err,
      "DATA_LOSS: forked or rewritten history: the log of 6 "
      "events in the new checkpoint does not extend the log of 5 "
      "events in the old one"))
      << forked.err;
  EXPECT_TRUE(forked.out.empty()) << forked.out;
}

}  // namespace
}  // namespace sx::testing
