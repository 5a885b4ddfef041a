// End-to-end tests of the sxctl command-line tool: the real sxctl binary
// against the real sxhub over mTLS with dev certificates (see
// sxctl_fixture.h).
#include <signal.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "sx/base/version.h"
#include "tests/e2e/hub_process.h"
#include "tests/e2e/sxctl_fixture.h"
#include "tests/support/temp_dir.h"

namespace sx::testing {
namespace {

class SxctlE2eTest : public SxctlFixture {
 protected:
  // Sends case 1 of docs/CASES.md as `from`; returns the referral id.
  std::string Send(const std::string& from, const std::string& to,
                   std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {
        "send",
        "--json",
        "--to",
        to,
        "--subject",
        "县土地储备中心",
        "--subject-org",
        "县自然资源局",
        "--category",
        "进一步了解关注类",
        "--summary",
        "通过工作人员个人账户、他人账户及现金方式收取大额土地出让金",
        "--source",
        "巡察个别谈话及账目抽查",
        "--sensitivity",
        "sensitive",
        "--urgency",
        "fast_track"};
    args.insert(args.end(), extra.begin(), extra.end());
    ProcessResult sent = Run(from, args);
    EXPECT_EQ(sent.exit_code, 0) << sent.err;
    return Json(sent.out, "d['referral_id']");
  }

  std::string StateOf(const std::string& agency, const std::string& id) {
    ProcessResult shown = Run(agency, {"show", id, "--json"});
    EXPECT_EQ(shown.exit_code, 0) << shown.err;
    return Json(shown.out, "d['state']");
  }
};

constexpr const char* kAllCommands[] = {
    "whoami",  "send",     "inbox list", "inbox watch", "inbox ack",
    "show",    "list",     "accept",     "return",      "reroute",
    "dispose", "feedback", "close",      "withdraw",    "remind"};

TEST_F(SxctlE2eTest, HelpExplainsEveryCommandAndExitsZero) {
  ProcessResult general = RunRaw({"--help"});
  EXPECT_EQ(general.exit_code, 0);
  EXPECT_TRUE(general.err.empty()) << general.err;
  for (const char* command : kAllCommands) {
    EXPECT_TRUE(absl::StrContains(general.out, command)) << command;
  }
  for (const char* option :
       {"--hub", "--cert", "--key", "--ca", "--server-name", "--timeout",
        "--profile", "--json", "SXCTL_HUB", "Exit status"}) {
    EXPECT_TRUE(absl::StrContains(general.out, option)) << option;
  }

  for (const char* command : kAllCommands) ExpectCommandHelp(command);
  ProcessResult send = RunRaw({"help", "send"});
  EXPECT_EQ(send.exit_code, 0);
  for (const char* option :
       {"--to", "--kind", "--subject", "--subject-org", "--subject-position",
        "--category", "--summary", "--source", "--sensitivity",
        "highly_sensitive", "--urgency", "fast_track", "--attach",
        "--request-id"}) {
    EXPECT_TRUE(absl::StrContains(send.out, option)) << option;
  }
  ProcessResult dispose = RunRaw({"dispose", "-h"});
  EXPECT_TRUE(absl::StrContains(dispose.out, "preliminary_verification"));
  ProcessResult inbox = RunRaw({"inbox", "--help"});
  EXPECT_EQ(inbox.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(inbox.out, "inbox watch"));
}

TEST_F(SxctlE2eTest, UsageErrorsExitTwoWithUsageOnStderr) {
  const std::vector<std::vector<std::string>> cases = {
      {},
      {"frobnicate"},
      {"inbox"},
      {"show"},
      {"show", "a", "b"},
      {"send", "--to", kCommission, "--subject", "x"},
      {"list"},
      {"list", "--role", "sideways"},
      {"list", "--role", "sent", "--bogus"},
      {"list", "--role", "sent", "--page-size", "-3"},
      {"dispose", "R-1", "--method", "transfer"},
      {"inbox", "ack", "twelve"},
      {"--timeout", "0", "list", "--role", "sent"},
      {"--to", kCommission, "send"},
      {"--json=yes", "list", "--role", "sent"},
  };
  for (const std::vector<std::string>& args : cases) {
    ProcessResult result = Run(kInspection, args);
    const std::string shown = absl::StrJoin(args, " ");
    EXPECT_EQ(result.exit_code, 2) << shown;
    EXPECT_TRUE(result.out.empty()) << shown << ": " << result.out;
    EXPECT_TRUE(absl::StrContains(result.err, "sxctl: ")) << shown;
    EXPECT_TRUE(absl::StrContains(result.err, "usage: sxctl") ||
                absl::StrContains(result.err, "Subcommands"))
        << shown << ": " << result.err;
  }
  ProcessResult missing = Run(kInspection, {"send", "--to", kCommission});
  EXPECT_TRUE(absl::StrContains(missing.err, "missing required option --"))
      << missing.err;
  ProcessResult after_ack =
      Run(kCommission, {"inbox", "watch", "--ack", "--after", "3"});
  EXPECT_EQ(after_ack.exit_code, 2) << after_ack.err;
}

TEST_F(SxctlE2eTest, SendWithAttachmentThenShowAsRecipient) {
  const std::string csv = "日期,金额,收款账户\n2023-05-06,1200000,个人账户A\n";
  const std::string file = work_.Sub("upload/转账记录.csv");
  WriteFile(file, csv);
  // Quotes, backslashes, control characters and Chinese must survive JSON.
  const std::string tricky = "他说\"收款\"\\备注\n第二行\t\x01结束";

  ProcessResult sent = Run(kInspection, {"send",
                                         "--json",
                                         "--to",
                                         kCommission,
                                         "--kind",
                                         "lead",
                                         "--subject",
                                         "县土地储备中心",
                                         "--subject-org",
                                         "县自然资源局",
                                         "--subject-position",
                                         "主任",
                                         "--category",
                                         "进一步了解关注类",
                                         "--summary",
                                         tricky,
                                         "--source",
                                         "巡察个别谈话",
                                         "--sensitivity",
                                         "highly_sensitive",
                                         "--urgency",
                                         "fast_track",
                                         "--attach",
                                         file,
                                         "--request-id",
                                         "sxctl-e2e-send-1"});
  ASSERT_EQ(sent.exit_code, 0) << sent.err;
  EXPECT_TRUE(sent.err.empty()) << sent.err;
  const std::string id = Json(sent.out, "d['referral_id']");
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(Json(sent.out, "d['state']"), "submitted");
  EXPECT_EQ(Json(sent.out, "d['sender_agency_id']"), kInspection);

  ProcessResult shown = Run(kCommission, {"show", id, "--json"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  const std::string& json = shown.out;
  EXPECT_EQ(Json(json, "d['referral_id']"), id);
  EXPECT_EQ(Json(json, "d['kind']"), "lead");
  EXPECT_EQ(Json(json, "d['recipient_agency_id']"), kCommission);
  EXPECT_EQ(Json(json, "d['urgency']"), "fast_track");
  EXPECT_EQ(Json(json, "d['lead']['subject']"), "县土地储备中心");
  EXPECT_EQ(Json(json, "d['lead']['subject_organization']"), "县自然资源局");
  EXPECT_EQ(Json(json, "d['lead']['subject_position']"), "主任");
  EXPECT_EQ(Json(json, "d['lead']['summary'] == sys.argv[2]", tricky), "true");
  EXPECT_EQ(Json(json, "d['lead']['sensitivity']"), "highly_sensitive");
  EXPECT_EQ(Json(json, "len(d['lead']['attachments'])"), "1");
  EXPECT_EQ(Json(json, "d['lead']['attachments'][0]['name']"), "转账记录.csv");
  EXPECT_EQ(Json(json, "d['lead']['attachments'][0]['media_type']"),
            "text/csv");
  EXPECT_EQ(Json(json, "d['lead']['attachments'][0]['size_bytes']"),
            absl::StrCat(csv.size()));
  EXPECT_EQ(Json(json, "len(d['lead']['attachments'][0]['sha256_hex'])"), "64");
  EXPECT_EQ(Json(json, "d['created_at'].endswith('Z')"), "true");
  EXPECT_EQ(Json(json, "d['feedback']"), "[]");

  // The recipient saves the attachment; the bytes are the ones sent.
  const std::string saved_dir = work_.Sub("saved");
  ProcessResult saved =
      Run(kCommission, {"show", id, "--attachments-to", saved_dir});
  ASSERT_EQ(saved.exit_code, 0) << saved.err;
  EXPECT_EQ(ReadFile(saved_dir + "/转账记录.csv"), csv);
  EXPECT_TRUE(absl::StrContains(saved.out, "县土地储备中心"));
  EXPECT_TRUE(absl::StrContains(saved.out, "转账记录.csv"));
  EXPECT_TRUE(absl::StrContains(saved.out,
                                "inspection-office → "
                                "discipline-commission"));
  // The control character is escaped for the terminal, not sent raw.
  EXPECT_FALSE(absl::StrContains(saved.out, "\x01"));
  EXPECT_TRUE(absl::StrContains(saved.out, "\\x01"));
  EXPECT_TRUE(saved.err.empty()) << saved.err;
}

TEST_F(SxctlE2eTest, ListJsonHasReferralsAndPageToken) {
  const std::string first = Send(kInspection, kCommission);
  const std::string second = Send(kInspection, kCommission);

  ProcessResult sent = Run(kInspection, {"list", "--role", "sent", "--json"});
  ASSERT_EQ(sent.exit_code, 0) << sent.err;
  EXPECT_EQ(
      Json(sent.out, "sorted(r['referral_id'] for r in d['referrals'])"),
      Json(absl::StrCat("[\"", first, "\",\"", second, "\"]"), "sorted(d)"));
  EXPECT_EQ(Json(sent.out, "d['next_page_token']"), "");
  EXPECT_EQ(Json(sent.out, "d['referrals'][0]['lead']"), "null")
      << "lists carry no leads";

  // One per page: the token leads to the other one.
  ProcessResult page1 =
      Run(kCommission, {"list", "--role", "received", "--state", "submitted",
                        "--state", "delivered", "--page-size", "1", "--json"});
  ASSERT_EQ(page1.exit_code, 0) << page1.err;
  EXPECT_EQ(Json(page1.out, "len(d['referrals'])"), "1");
  const std::string token = Json(page1.out, "d['next_page_token']");
  ASSERT_FALSE(token.empty());
  ProcessResult page2 =
      Run(kCommission, {"list", "--role", "received", "--page-size", "1",
                        "--page-token", token, "--json"});
  ASSERT_EQ(page2.exit_code, 0) << page2.err;
  EXPECT_NE(Json(page1.out, "d['referrals'][0]['referral_id']"),
            Json(page2.out, "d['referrals'][0]['referral_id']"));

  // Nothing received is closed yet.
  ProcessResult closed = Run(kCommission, {"list", "--role", "received",
                                           "--state", "closed", "--json"});
  EXPECT_EQ(Json(closed.out, "d['referrals']"), "[]");

  // The table names both referrals and the route.
  ProcessResult table = Run(kInspection, {"list", "--role", "sent"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_TRUE(absl::StrContains(table.out, first));
  EXPECT_TRUE(absl::StrContains(table.out, second));
  EXPECT_TRUE(absl::StrContains(table.out, "FEEDBACK DUE"));
  EXPECT_TRUE(absl::StrContains(table.out, "fast_track"));
}

TEST_F(SxctlE2eTest, FullLoopThroughSxctlEndsClosed) {
  const std::string id = Send(kInspection, kCommission);
  ProcessResult accepted = Run(kCommission, {"accept", id, "--json"});
  ASSERT_EQ(accepted.exit_code, 0) << accepted.err;
  EXPECT_EQ(Json(accepted.out, "d['state']"), "accepted");

  ProcessResult disposed =
      Run(kCommission, {"dispose", id, "--method", "preliminary_verification"});
  ASSERT_EQ(disposed.exit_code, 0) << disposed.err;
  EXPECT_TRUE(absl::StrContains(disposed.out, "disposing"));
  EXPECT_TRUE(absl::StrContains(disposed.out, "preliminary_verification"));

  ProcessResult interim =
      Run(kCommission, {"feedback", id, "--kind", "interim", "--text",
                        "已派员提前介入，正在调取账户流水"});
  ASSERT_EQ(interim.exit_code, 0) << interim.err;

  const std::string report = work_.Sub("结案报告.pdf");
  WriteFile(report, "%PDF-1.4 final report");
  ProcessResult final_feedback = Run(
      kCommission, {"--json", "feedback", id, "--kind", "final", "--text",
                    "已立案审查调查，给予开除党籍、开除公职处分", "--attach",
                    report, "--request-id", "sxctl-e2e-final-1"});
  ASSERT_EQ(final_feedback.exit_code, 0) << final_feedback.err;
  EXPECT_EQ(Json(final_feedback.out, "d['state']"), "feedback_sent");

  ProcessResult closed = Run(kInspection, {"close", id, "--json"});
  ASSERT_EQ(closed.exit_code, 0) << closed.err;
  EXPECT_EQ(Json(closed.out, "d['state']"), "closed");

  ProcessResult shown = Run(kInspection, {"show", id, "--json"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_EQ(Json(shown.out, "d['state']"), "closed");
  EXPECT_EQ(Json(shown.out, "d['disposition']"), "preliminary_verification");
  EXPECT_EQ(Json(shown.out, "[f['kind'] for f in d['feedback']]"),
            "[\"interim\", \"final\"]");
  EXPECT_EQ(Json(shown.out, "d['feedback'][1]['attachments'][0]['name']"),
            "结案报告.pdf");
  EXPECT_EQ(Json(shown.out, "d['feedback'][1]['attachments'][0]['media_type']"),
            "application/pdf");

  // The text view shows the feedback, and saving puts it under feedback-2.
  const std::string saved_dir = work_.Sub("loop-saved");
  ProcessResult text =
      Run(kInspection, {"show", id, "--attachments-to", saved_dir});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_TRUE(absl::StrContains(text.out, "Feedback"));
  EXPECT_TRUE(absl::StrContains(text.out, "给予开除党籍"));
  EXPECT_EQ(ReadFile(saved_dir + "/feedback-2/结案报告.pdf"),
            "%PDF-1.4 final report");
}

TEST_F(SxctlE2eTest, ReturnWithdrawRerouteAndRemind) {
  const std::string returned = Send(kInspection, kCommission);
  ProcessResult back = Run(kCommission, {"return", returned, "--reason",
                                         "不属于本机关管辖", "--json"});
  ASSERT_EQ(back.exit_code, 0) << back.err;
  EXPECT_EQ(Json(back.out, "d['state']"), "returned");
  EXPECT_EQ(Json(back.out, "d['state_reason']"), "不属于本机关管辖");

  const std::string withdrawn = Send(kInspection, kCommission);
  ProcessResult reminded =
      Run(kInspection,
          {"remind", withdrawn, "--text", "请于3日内反馈办理进展", "--json"});
  ASSERT_EQ(reminded.exit_code, 0) << reminded.err;
  EXPECT_EQ(Json(reminded.out, "d['reminders'][0]['text']"),
            "请于3日内反馈办理进展");
  ProcessResult taken = Run(kInspection, {"withdraw", withdrawn, "--reason",
                                          "线索已由本机关自行核实", "--json"});
  ASSERT_EQ(taken.exit_code, 0) << taken.err;
  EXPECT_EQ(Json(taken.out, "d['state']"), "withdrawn");

  const std::string rerouted = Send(kInspection, kCommission);
  ASSERT_EQ(Run(kCommission, {"accept", rerouted}).exit_code, 0);
  ProcessResult passed =
      Run(kCommission, {"reroute", rerouted, "--to", kStationed, "--reason",
                        "属驻在单位问题，转派驻纪检监察组办理", "--json"});
  ASSERT_EQ(passed.exit_code, 0) << passed.err;
  EXPECT_EQ(Json(passed.out, "d['state']"), "rerouted");
  const std::string child = Json(passed.out, "d['child_referral_id']");
  ASSERT_FALSE(child.empty());
  ProcessResult child_view = Run(kStationed, {"show", child, "--json"});
  ASSERT_EQ(child_view.exit_code, 0) << child_view.err;
  EXPECT_EQ(Json(child_view.out, "d['parent_referral_id']"), rerouted);
  EXPECT_EQ(Json(child_view.out, "d['lead']['subject']"), "县土地储备中心");
}

TEST_F(SxctlE2eTest, ForeignAgencyShowIsPermissionDenied) {
  const std::string id = Send(kInspection, kCommission);
  ProcessResult foreign = Run(kAuditBureau, {"show", id});
  EXPECT_EQ(foreign.exit_code, 1);
  EXPECT_TRUE(foreign.out.empty()) << foreign.out;
  EXPECT_TRUE(absl::StartsWith(foreign.err, "sxctl: PERMISSION_DENIED: "))
      << foreign.err;
  EXPECT_FALSE(absl::StrContains(foreign.err, "县土地储备中心"))
      << "a lead's content never goes to stderr";
}

TEST_F(SxctlE2eTest, WrongStepIsFailedPrecondition) {
  const std::string id = Send(kInspection, kCommission);
  const std::string state = StateOf(kInspection, id);
  // 处置 before 签收, and 销号 before any feedback. The refusal names the
  // state as sxctl prints it and the command that comes first.
  ProcessResult early =
      Run(kCommission, {"dispose", id, "--method", "case_filed"});
  EXPECT_EQ(early.exit_code, 1);
  EXPECT_TRUE(absl::StartsWith(early.err, "sxctl: FAILED_PRECONDITION: "))
      << early.err;
  EXPECT_TRUE(absl::StrContains(
      early.err,
      absl::StrCat("cannot record a disposition (处置) on a referral that is ",
                   state, ": the recipient must first accept (签收, sxctl "
                   "accept); while the referral is ",
                   state, ", the recipient may accept")))
      << early.err;
  ProcessResult close = Run(kInspection, {"close", id});
  EXPECT_EQ(close.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(close.err, "FAILED_PRECONDITION")) << close.err;
  EXPECT_TRUE(absl::StrContains(
      close.err, absl::StrCat("cannot close (销号) a referral that is ", state,
                              ": the recipient must first accept")))
      << close.err;
  EXPECT_EQ(StateOf(kInspection, id), state) << "a failed call changes nothing";
  // The wrong party is refused even where the state would allow the step,
  // and told what it may do instead.
  ProcessResult wrong_party = Run(kInspection, {"accept", id});
  EXPECT_EQ(wrong_party.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(wrong_party.err, "PERMISSION_DENIED"))
      << wrong_party.err;
  EXPECT_TRUE(absl::StrContains(
      wrong_party.err,
      "only the recipient may accept (签收) this referral, and the caller is "
      "the sender; while the referral is"))
      << wrong_party.err;
  EXPECT_TRUE(absl::StrContains(wrong_party.err, "sxctl withdraw"))
      << wrong_party.err;
  // Doing what the hint says works.
  ProcessResult accepted = Run(kCommission, {"accept", id});
  EXPECT_EQ(accepted.exit_code, 0) << accepted.err;
  ProcessResult disposed =
      Run(kCommission, {"dispose", id, "--method", "preliminary_verification"});
  EXPECT_EQ(disposed.exit_code, 0) << disposed.err;
}

// Every kind of certificate may ask who the hub takes it to be; the answer
// names it as the example config does, with the hub's id and this build's
// version.
TEST_F(SxctlE2eTest, WhoAmIWorksWithEveryKindOfCertificate) {
  struct Case {
    const char* identity;  // dev PKI files
    const char* kind;
    const char* name;  // in the config
  };
  const Case cases[] = {
      {kInspection, "agency", kInspection},
      {kAdmin, "admin", "ops"},
      {kAuditor, "auditor", "audit"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.identity);
    ProcessResult result = Run(c.identity, {"whoami", "--json"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(Json(result.out, "d['caller']['kind']"), c.kind);
    EXPECT_EQ(Json(result.out, "d['caller']['name']"), c.name);
    EXPECT_EQ(
        Json(result.out, "d['caller']['certificate_uri']"),
        absl::StrCat("spiffe://supervision.example/", c.kind, "/", c.name));
    EXPECT_EQ(Json(result.out, "d['hub_id']"), "demo");
    EXPECT_EQ(Json(result.out, "d['hub_version']"), kVersion);
    EXPECT_EQ(Json(result.out, "d['round_trip_ms'] >= 0"), "true")
        << result.out;
    EXPECT_EQ(Json(result.out, "d['clock_offset_ms'] is not None"), "true")
        << result.out;
  }

  // An agency also learns its config entry; the commission supervises.
  ProcessResult commission = Run(kCommission, {"whoami", "--json"});
  ASSERT_EQ(commission.exit_code, 0) << commission.err;
  EXPECT_EQ(Json(commission.out, "d['caller']['display_name']"), "市纪委监委");
  EXPECT_EQ(Json(commission.out, "d['caller']['agency_type']"),
            "discipline_commission");
  EXPECT_EQ(Json(commission.out, "d['caller']['supervisor']"), "true");
  ProcessResult admin = Run(kAdmin, {"whoami", "--json"});
  EXPECT_EQ(Json(admin.out, "d['caller']['display_name']"), "");
  EXPECT_EQ(Json(admin.out, "d['caller']['supervisor']"), "false");

  // The table form, for people.
  ProcessResult text = Run(kAuditor, {"whoami"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  for (const char* part :
       {"auditor", "spiffe://supervision.example/auditor/audit", "demo",
        "round trip", " ms", "clock offset"}) {
    EXPECT_TRUE(absl::StrContains(text.out, part)) << part << "\n" << text.out;
  }
}

TEST_F(SxctlE2eTest, UnreachableHubIsUnavailable) {
  std::vector<std::string> flags = ConnectionFlags(kInspection);
  flags[1] = "127.0.0.1:1";
  std::vector<std::string> args = {"--timeout", "1", "list", "--role", "sent"};
  args.insert(args.end(), flags.begin(), flags.end());
  ProcessResult result = RunRaw(args);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(absl::StartsWith(result.err, "sxctl: UNAVAILABLE: ") ||
              absl::StartsWith(result.err, "sxctl: DEADLINE_EXCEEDED: "))
      << result.err;
}

TEST_F(SxctlE2eTest, InboxListAckAndWatch) {
  const std::string first =
      Send(kInspection, kOrganization, {"--kind", "problem_list"});
  ProcessResult listed =
      Run(kOrganization, {"inbox", "list", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  ASSERT_EQ(Json(listed.out, "len(d)"), "1") << listed.out;
  EXPECT_EQ(Json(listed.out, "d[0]['referral']['referral_id']"), first);
  EXPECT_EQ(Json(listed.out, "d[0]['event']['type']"), "submitted");
  EXPECT_EQ(Json(listed.out, "d[0]['referral']['lead']['subject']"),
            "县土地储备中心");
  const std::string sequence = Json(listed.out, "d[0]['sequence']");

  // Listing acknowledges nothing: the entry is still there, also as a table.
  ProcessResult table = Run(kOrganization, {"inbox", "list"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_TRUE(absl::StrContains(table.out, first));
  EXPECT_TRUE(absl::StrContains(table.out, "SEQ"));

  ProcessResult acked =
      Run(kOrganization, {"inbox", "ack", sequence, "--json"});
  ASSERT_EQ(acked.exit_code, 0) << acked.err;
  EXPECT_EQ(Json(acked.out, "d['acknowledged']"), "1");
  EXPECT_EQ(StateOf(kInspection, first), "delivered");
  ProcessResult empty =
      Run(kOrganization, {"inbox", "list", "--json"});
  EXPECT_EQ(Json(empty.out, "d"), "[]");

  // watch without --ack prints what arrives and leaves it in the inbox.
  auto watch = Start(kOrganization, {"inbox", "watch"});
  const std::string second = Send(kInspection, kOrganization);
  ASSERT_TRUE(watch->WaitForOutput(second));
  watch->Signal(SIGINT);
  ProcessResult watched = watch->Wait();
  EXPECT_EQ(watched.exit_code, 0) << watched.err;
  EXPECT_TRUE(absl::StrContains(watched.out, "submitted"));
  ProcessResult still =
      Run(kOrganization, {"inbox", "list", "--json"});
  EXPECT_EQ(Json(still.out, "[e['referral']['referral_id'] for e in d]"),
            absl::StrCat("[\"", second, "\"]"));

  // watch --ack --json: one JSON object per line, each acknowledged.
  auto consumer = Start(kOrganization, {"inbox", "watch", "--ack", "--json"});
  const std::string third = Send(kInspection, kOrganization);
  ASSERT_TRUE(consumer->WaitForOutput(third));
  consumer->Signal(SIGINT);
  ProcessResult consumed = consumer->Wait();
  EXPECT_EQ(consumed.exit_code, 0) << consumed.err;
  std::vector<std::string> ids;
  for (absl::string_view line :
       absl::StrSplit(consumed.out, '\n', absl::SkipEmpty())) {
    ids.push_back(Json(std::string(line), "d['referral']['referral_id']"));
  }
  EXPECT_EQ(ids, (std::vector<std::string>{second, third}));
  ProcessResult drained =
      Run(kOrganization, {"inbox", "list", "--json"});
  EXPECT_EQ(Json(drained.out, "d"), "[]");
}

TEST_F(SxctlE2eTest, ConnectionSettingsFromEnvironment) {
  const std::string id = Send(kInspection, kCommission);
  const std::vector<std::string> env = {
      "SXCTL_HUB=" + HubAddress(), "SXCTL_CERT=" + pki_->Cert(kInspection),
      "SXCTL_KEY=" + pki_->Key(kInspection), "SXCTL_CA=" + pki_->Cert("ca"),
      "SXCTL_SERVER_NAME=localhost"};
  ProcessResult listed = RunRaw({"list", "--role", "sent", "--json"}, env);
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(Json(listed.out, "d['referrals'][0]['referral_id']"), id);

  // Flags win over the environment: the audit bureau may not read it.
  ProcessResult as_audit =
      RunRaw({"show", id, "--cert", pki_->Cert(kAuditBureau), "--key",
              pki_->Key(kAuditBureau)},
             env);
  EXPECT_EQ(as_audit.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(as_audit.err, "PERMISSION_DENIED"));

  // Without any identity, sxctl says so before calling.
  ProcessResult nobody = RunRaw({"list", "--role", "sent"});
  EXPECT_EQ(nobody.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(nobody.err, "--cert")) << nobody.err;
}

TEST_F(SxctlE2eTest, ConnectionSettingsFromProfile) {
  const std::string id = Send(kInspection, kCommission);
  // A profile next to copies of the certificates, naming them relatively.
  const std::string dir = work_.Sub("profiles");
  for (const char* name : {"ca", kInspection, kAuditBureau}) {
    WriteFile(absl::StrCat(dir, "/pki/", name, ".crt"),
              ReadFile(pki_->Cert(name)));
    WriteFile(absl::StrCat(dir, "/pki/", name, ".key"),
              ReadFile(pki_->Key(name)));
  }
  const std::string profile = absl::StrCat(
      "# inspection office on the test hub\n", "hub = ", HubAddress(), "\n",
      "cert = pki/inspection-office.crt\n",
      "key = pki/inspection-office.key   # relative to this file\n",
      "ca = \"pki/ca.crt\"\n", "server_name = localhost\n", "timeout = 5\n");
  WriteFile(dir + "/inspection.profile", profile);
  const std::vector<std::string> show = {"show", id, "--json"};

  // --profile FILE; the working directory is not the profile's.
  std::vector<std::string> args = {"--profile", dir + "/inspection.profile"};
  args.insert(args.end(), show.begin(), show.end());
  ProcessResult flagged = RunRaw(args);
  ASSERT_EQ(flagged.exit_code, 0) << flagged.err;
  EXPECT_EQ(Json(flagged.out, "d['referral_id']"), id);

  // $SXCTL_PROFILE.
  ProcessResult from_env =
      RunRaw(show, {"SXCTL_PROFILE=" + dir + "/inspection.profile"});
  EXPECT_EQ(from_env.exit_code, 0) << from_env.err;

  // ~/.config/sxctl/profile, with absolute paths this time.
  WriteFile(
      home_ + "/.config/sxctl/profile",
      absl::StrCat("hub=", HubAddress(), "\ncert=", pki_->Cert(kInspection),
                   "\nkey=", pki_->Key(kInspection), "\nca=", pki_->Cert("ca"),
                   "\nserver_name=localhost\n"));
  ProcessResult from_home = RunRaw(show);
  EXPECT_EQ(from_home.exit_code, 0) << from_home.err;

  // The environment wins over the profile, flags over both.
  ProcessResult env_wins =
      RunRaw(show, {"SXCTL_CERT=" + pki_->Cert(kAuditBureau),
                    "SXCTL_KEY=" + pki_->Key(kAuditBureau)});
  EXPECT_EQ(env_wins.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(env_wins.err, "PERMISSION_DENIED"))
      << env_wins.err;
  WriteFile(
      home_ + "/.config/sxctl/profile",
      absl::StrCat("hub = 127.0.0.1:1\ntimeout = 1\ncert = ",
                   pki_->Cert(kInspection), "\nkey = ", pki_->Key(kInspection),
                   "\nca = ", pki_->Cert("ca"), "\nserver_name = localhost\n"));
  args = {"--hub", HubAddress()};
  args.insert(args.end(), show.begin(), show.end());
  ProcessResult flag_wins = RunRaw(args);
  EXPECT_EQ(flag_wins.exit_code, 0) << flag_wins.err;

  // A broken or missing profile is a usage error naming the file and line.
  WriteFile(dir + "/broken.profile", "hub = 127.0.0.1:7443\nport = 7443\n");
  ProcessResult broken =
      RunRaw({"--profile", dir + "/broken.profile", "list", "--role", "sent"});
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(broken.err, "broken.profile:2")) << broken.err;
  ProcessResult missing =
      RunRaw({"--profile", dir + "/none.profile", "list", "--role", "sent"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(missing.err, "none.profile")) << missing.err;
}

}  // namespace
}  // namespace sx::testing
