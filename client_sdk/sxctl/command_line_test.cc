#include "client_sdk/sxctl/command_line.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "client_sdk/sxctl/command_table.h"
#include "client_sdk/sxctl/help_text.h"
#include "gtest/gtest.h"

namespace sx::sxctl {
namespace {

// The real command table: what users type is what is tested.
ParseResult Parse(const std::vector<std::string>& args) {
  return CommandLineParser(Commands(), GlobalOptions()).Parse(args);
}

TEST(CommandLineTest, GlobalOptionsBeforeOrAfterTheCommand) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--hub", "h:1", "--json", "show", "R-1"},
           {"show", "R-1", "--json", "--hub", "h:1"},
           {"show", "--hub=h:1", "R-1", "--json"}}) {
    ParseResult parsed = Parse(args);
    ASSERT_EQ(parsed.error, "");
    ASSERT_NE(parsed.invocation.command, nullptr);
    EXPECT_EQ(parsed.invocation.command->name, "show");
    EXPECT_EQ(parsed.invocation.arguments, std::vector<std::string>{"R-1"});
    EXPECT_EQ(parsed.invocation.Value("hub"), "h:1");
    EXPECT_TRUE(parsed.invocation.Has("json"));
  }
}

TEST(CommandLineTest, TwoWordCommandsAndRepeatedOptions) {
  ParseResult ack = Parse({"inbox", "ack", "3", "4"});
  ASSERT_EQ(ack.error, "");
  EXPECT_EQ(ack.invocation.command->name, "inbox ack");
  EXPECT_EQ(ack.invocation.arguments, (std::vector<std::string>{"3", "4"}));

  ParseResult list = Parse({"list", "--role", "received", "--state",
                            "submitted", "--state=accepted"});
  ASSERT_EQ(list.error, "");
  EXPECT_EQ(list.invocation.Values("state"),
            (std::vector<std::string>{"submitted", "accepted"}));
}

TEST(CommandLineTest, ValuesMayStartWithADashAndDoubleDashEndsOptions) {
  ParseResult parsed =
      Parse({"return", "R-1", "--reason", "--不属于本机关管辖"});
  ASSERT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.invocation.Value("reason"), "--不属于本机关管辖");
  ParseResult dashed = Parse({"show", "--", "--odd-id"});
  ASSERT_EQ(dashed.error, "");
  EXPECT_EQ(dashed.invocation.arguments, std::vector<std::string>{"--odd-id"});
}

TEST(CommandLineTest, ReportsUsageErrors) {
  EXPECT_EQ(Parse({}).error, "no command given");
  EXPECT_EQ(Parse({"frobnicate"}).error, "unknown command 'frobnicate'");
  EXPECT_EQ(Parse({"inbox"}).error, "'inbox' needs a subcommand");
  EXPECT_EQ(Parse({"inbox", "peek"}).error, "unknown command 'inbox peek'");
  EXPECT_EQ(Parse({"show"}).error, "missing ID");
  EXPECT_EQ(Parse({"show", "a", "b"}).error, "unexpected argument 'b'");
  EXPECT_EQ(Parse({"show", "a", "--bogus"}).error, "unknown option --bogus");
  EXPECT_EQ(Parse({"show", "a", "-x"}).error, "unknown option -x");
  EXPECT_EQ(Parse({"--to", "x", "send"}).error,
            "option --to must come after the command name");
  EXPECT_EQ(Parse({"show", "a", "--hub"}).error,
            "option --hub needs a value (HOST:PORT)");
  EXPECT_EQ(Parse({"show", "a", "--json=1"}).error,
            "option --json takes no value");
  EXPECT_EQ(
      Parse({"accept", "a", "--request-id", "1", "--request-id", "2"}).error,
      "option --request-id given more than once");
  EXPECT_EQ(Parse({"return", "a"}).error,
            "missing required option --reason TEXT");
  EXPECT_EQ(Parse({"list", "--role", "both"}).error,
            "--role 'both' is not one of: sent, received");
  EXPECT_EQ(Parse({"inbox", "ack", "-1"}).error, "unknown option -1");
  EXPECT_EQ(Parse({"inbox", "ack", "x1"}).error,
            "argument 'x1' is not a non-negative integer");
  EXPECT_EQ(Parse({"show", "a", "--timeout", "0"}).error,
            "--timeout '0' is not a positive number of seconds");
  EXPECT_EQ(Parse({"show", "a", "--timeout", "inf"}).error,
            "--timeout 'inf' is not a positive number of seconds");
}

TEST(CommandLineTest, HelpWinsOverErrors) {
  ParseResult general = Parse({"--help"});
  EXPECT_TRUE(general.invocation.help);
  EXPECT_EQ(general.invocation.command, nullptr);

  ParseResult command = Parse({"send", "--bogus", "-h"});
  EXPECT_TRUE(command.invocation.help);
  ASSERT_NE(command.invocation.command, nullptr);
  EXPECT_EQ(command.invocation.command->name, "send");

  ParseResult word = Parse({"help", "inbox", "watch"});
  EXPECT_TRUE(word.invocation.help);
  ASSERT_NE(word.invocation.command, nullptr);
  EXPECT_EQ(word.invocation.command->name, "inbox watch");

  ParseResult group = Parse({"inbox", "--help"});
  EXPECT_TRUE(group.invocation.help);
  EXPECT_EQ(group.invocation.partial_command, "inbox");
}

TEST(CommandLineTest, VersionNeedsNoCommand) {
  ParseResult alone = Parse({"--version"});
  EXPECT_TRUE(alone.invocation.version);
  EXPECT_EQ(alone.error, "");

  ParseResult after = Parse({"show", "R-1", "--version"});
  EXPECT_TRUE(after.invocation.version);
  ASSERT_NE(after.invocation.command, nullptr);
  EXPECT_EQ(after.invocation.command->name, "show");

  EXPECT_EQ(Parse({"--version=1"}).error, "option --version takes no value");
}

TEST(CommandLineTest, ChoicesAreTheSdkNames) {
  EXPECT_EQ(Parse({"dispose", "a", "--method", "case_filed"}).error, "");
  // 转办 has its own command.
  EXPECT_NE(Parse({"dispose", "a", "--method", "transfer"}).error, "");
  EXPECT_EQ(Parse({"send", "--to", "x", "--subject", "s", "--category", "c",
                   "--summary", "m", "--source", "o", "--sensitivity",
                   "highly_sensitive", "--urgency", "fast_track", "--kind",
                   "audit_finding"})
                .error,
            "");
}

TEST(UsageErrorTest, IsRecognisedAndDistinctFromCallErrors) {
  EXPECT_TRUE(IsUsageError(UsageError("x")));
  EXPECT_FALSE(IsUsageError(absl::InvalidArgumentError("x")));
  EXPECT_FALSE(IsUsageError(absl::OkStatus()));
}

TEST(CommandLineTest, TimesAreRfc3339WithAnOffset) {
  ParseResult parsed = Parse({"admin", "transfers", "--created-after",
                              "2024-05-01T08:00:00+08:00", "--created-before",
                              "2024-05-02T00:00:00.5Z"});
  ASSERT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.invocation.Time("created-after", absl::InfinitePast()),
            absl::FromUnixSeconds(1714521600));
  EXPECT_EQ(parsed.invocation.Time("created-before", absl::InfinitePast()),
            absl::FromUnixMillis(1714608000500));
  EXPECT_EQ(parsed.invocation.Time("absent", absl::InfiniteFuture()),
            absl::InfiniteFuture());
  for (const char* bad : {"2024-05-01", "2024-05-01T08:00:00", "yesterday"}) {
    EXPECT_NE(Parse({"audit", "events", "--from", bad})
                  .error.find("is not an RFC 3339 time"),
              std::string::npos)
        << bad;
  }
}

TEST(CommandLineTest, RectificationCommandsTakeTheReferralAndTheItem) {
  ParseResult list =
      Parse({"rectification", "list", "R-1", "--status", "in_progress",
             "--status", "reported_done", "--overdue", "--history", "--all"});
  ASSERT_EQ(list.error, "");
  EXPECT_EQ(list.invocation.command->name, "rectification list");
  EXPECT_EQ(list.invocation.Values("status"),
            (std::vector<std::string>{"in_progress", "reported_done"}));
  EXPECT_TRUE(list.invocation.Has("all"));

  ParseResult report =
      Parse({"rectification", "report", "R-1", "3", "--kind", "long_term",
             "--text", "已建立长效机制", "--review-date", "2025-06-30",
             "--evidence", "a.pdf", "--evidence", "b.jpg"});
  ASSERT_EQ(report.error, "");
  EXPECT_EQ(report.invocation.arguments,
            (std::vector<std::string>{"R-1", "3"}));
  EXPECT_EQ(report.invocation.Values("evidence"),
            (std::vector<std::string>{"a.pdf", "b.jpg"}));

  EXPECT_EQ(
      Parse({"rectification", "report", "R-1", "--kind", "done", "--text", "t"})
          .error,
      "missing ID ITEM");
  EXPECT_EQ(Parse({"rectification", "report", "R-1", "3", "--kind", "finished",
                   "--text", "t"})
                .error,
            "--kind 'finished' is not one of: progress, done, long_term");
  EXPECT_EQ(Parse({"rectification", "add", "R-1"}).error,
            "missing required option --items FILE");
  EXPECT_EQ(Parse({"rectification", "verify", "R-1", "3", "--reject",
                   "--reason", "缺少整改佐证材料"})
                .error,
            "");
  EXPECT_EQ(Parse({"rectification"}).error,
            "'rectification' needs a subcommand");
}

TEST(CommandLineTest, FinalFeedbackTakesOutcomeFigures) {
  ParseResult parsed =
      Parse({"feedback", "R-1", "--kind", "final", "--text", "已立案",
             "--case-filed", "36", "--disciplined", "37", "--recovered-yuan",
             "12.5", "--rectified", "11"});
  ASSERT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.invocation.Count("case-filed"), 36u);
  EXPECT_EQ(parsed.invocation.Value("recovered-yuan"), "12.5");
  EXPECT_EQ(Parse({"feedback", "R-1", "--kind", "final", "--text", "t",
                   "--judicial", "two"})
                .error,
            "--judicial 'two' is not a non-negative integer");
}

// 退回补充 (case 2 of docs/CASES.md): the inspection office sends the
// commission's final feedback back because it says nothing of the people
// responsible.
TEST(CommandLineTest, RejectFeedbackTakesTheReferralAndAReason) {
  ParseResult parsed =
      Parse({"reject-feedback", "R-1", "--reason",
             "未说明对相关责任人的处理情况", "--request-id", "recheck-1"});
  ASSERT_EQ(parsed.error, "");
  ASSERT_NE(parsed.invocation.command, nullptr);
  EXPECT_EQ(parsed.invocation.command->name, "reject-feedback");
  EXPECT_EQ(parsed.invocation.arguments, std::vector<std::string>{"R-1"});
  EXPECT_EQ(parsed.invocation.Value("reason"), "未说明对相关责任人的处理情况");
  EXPECT_EQ(parsed.invocation.Value("request-id"), "recheck-1");
  EXPECT_EQ(Parse({"reject-feedback", "R-1"}).error,
            "missing required option --reason TEXT");
  EXPECT_EQ(Parse({"reject-feedback", "--reason", "r"}).error, "missing ID");
  // Audit readers can pick its events out.
  EXPECT_EQ(Parse({"audit", "events", "--type", "feedback_rejected"}).error,
            "");
}

// 处置 with its handler and approval, and 暂存待查 with a review date.
TEST(CommandLineTest, DisposeTakesHandlerApprovalReasonAndReviewDate) {
  ParseResult parsed =
      Parse({"dispose", "R-1", "--method", "kept_pending", "--handler", "张明",
             "--approver", "李华", "--approval-ref", "组务会纪要第12期",
             "--reason", "关键证人暂无法联系", "--review-date", "2026-06-30"});
  ASSERT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.invocation.command->name, "dispose");
  EXPECT_EQ(parsed.invocation.Value("handler"), "张明");
  EXPECT_EQ(parsed.invocation.Value("approver"), "李华");
  EXPECT_EQ(parsed.invocation.Value("approval-ref"), "组务会纪要第12期");
  EXPECT_EQ(parsed.invocation.Value("reason"), "关键证人暂无法联系");
  EXPECT_EQ(parsed.invocation.Value("review-date"), "2026-06-30");
  // Only the method is required by sxctl; the hub enforces its own rules.
  EXPECT_EQ(Parse({"dispose", "R-1", "--method", "case_filed"}).error, "");
  EXPECT_EQ(Parse({"dispose", "R-1", "--handler", "张明"}).error,
            "missing required option --method METHOD");
  EXPECT_EQ(
      Parse({"dispose", "R-1", "--method", "talk_or_inquiry", "--approval-ref"})
          .error,
      "option --approval-ref needs a value (REF)");
  // Kept pending is a state to list by, and its events can be picked out.
  EXPECT_EQ(
      Parse({"list", "--role", "received", "--state", "kept_pending"}).error,
      "");
  for (const char* type : {"reopened", "review_due", "delegated"}) {
    EXPECT_EQ(Parse({"audit", "events", "--type", type}).error, "") << type;
  }
}

TEST(CommandLineTest, ReopenAndDelegateTakeWhatTheHubRequires) {
  ParseResult reopen = Parse({"reopen", "R-1", "--reason", "收到新的举报材料"});
  ASSERT_EQ(reopen.error, "");
  EXPECT_EQ(reopen.invocation.command->name, "reopen");
  EXPECT_EQ(Parse({"reopen", "R-1"}).error,
            "missing required option --reason TEXT");

  ParseResult delegate =
      Parse({"delegate", "R-1", "--to", "stationed-education", "--instructions",
             "请对第2项问题开展初步核实并于20日内报告", "--due", "2026-01-20",
             "--request-id", "delegate-1"});
  ASSERT_EQ(delegate.error, "");
  EXPECT_EQ(delegate.invocation.command->name, "delegate");
  EXPECT_EQ(delegate.invocation.arguments, std::vector<std::string>{"R-1"});
  EXPECT_EQ(delegate.invocation.Value("to"), "stationed-education");
  EXPECT_EQ(delegate.invocation.Value("due"), "2026-01-20");
  EXPECT_EQ(delegate.invocation.Value("request-id"), "delegate-1");
  EXPECT_EQ(Parse({"delegate", "R-1", "--to", "x"}).error,
            "missing required option --instructions TEXT");
  EXPECT_EQ(Parse({"delegate", "R-1", "--instructions", "i"}).error,
            "missing required option --to AGENCY");
  EXPECT_EQ(Parse({"delegate", "--to", "x", "--instructions", "i"}).error,
            "missing ID");

  ParseResult cites = Parse({"feedback", "R-1", "--kind", "final", "--text",
                             "t", "--cites", "R-2,R-3", "--cites", "R-4"});
  ASSERT_EQ(cites.error, "");
  EXPECT_EQ(cites.invocation.Values("cites"),
            (std::vector<std::string>{"R-2,R-3", "R-4"}));
}

// The help names every new option, with the Chinese terms as elsewhere.
TEST(CommandLineTest, HelpExplainsDispositionsKeptPendingAndDelegation) {
  const std::string general = GeneralHelp(Commands(), GlobalOptions());
  for (const char* line :
       {"\n  reopen ", "\n  delegate ", "交办", "暂存待查"}) {
    EXPECT_TRUE(absl::StrContains(general, line)) << line;
  }
  const std::string dispose =
      CommandHelp(*Parse({"dispose"}).invocation.command, GlobalOptions());
  for (const char* text :
       {"--handler NAME", "--approver NAME", "--approval-ref REF",
        "--reason TEXT", "--review-date DATE", "承办人", "组务会",
        "kept_pending"}) {
    EXPECT_TRUE(absl::StrContains(dispose, text)) << text;
  }
  const std::string delegate =
      CommandHelp(*Parse({"delegate"}).invocation.command, GlobalOptions());
  EXPECT_TRUE(absl::StartsWith(
      delegate,
      "usage: sxctl delegate ID --to AGENCY --instructions TEXT [options]"))
      << delegate;
  EXPECT_TRUE(absl::StrContains(delegate, "--due DATE")) << delegate;
  const std::string feedback =
      CommandHelp(*Parse({"feedback"}).invocation.command, GlobalOptions());
  EXPECT_TRUE(absl::StrContains(feedback, "--cites ID[,ID...]")) << feedback;
}

// For each command line, that its command's help mentions each text.
void ExpectHelpMentions(
    const std::vector<std::pair<std::vector<std::string>,
                                std::vector<std::string>>>& commands) {
  for (const auto& [command, texts] : commands) {
    const ParseResult parsed = Parse(command);
    ASSERT_NE(parsed.invocation.command, nullptr) << command[0];
    const std::string help =
        CommandHelp(*parsed.invocation.command, GlobalOptions());
    for (const std::string& text : texts) {
      EXPECT_TRUE(absl::StrContains(help, text))
          << parsed.invocation.command->name << ": " << text;
    }
  }
}

// 预警: auditors pick out the warnings, and the help says where each
// listing shows the level (single words: the help is wrapped).
TEST(CommandLineTest, DeadlineWarningsCanBeListedAndAreExplained) {
  ParseResult events = Parse({"audit", "events", "--type", "deadline_warning"});
  ASSERT_EQ(events.error, "");
  EXPECT_EQ(events.invocation.Value("type"), "deadline_warning");
  EXPECT_NE(Parse({"audit", "events", "--type", "warning"}).error, "");
  ExpectHelpMentions(
      {{{"show"}, {"预警", "黄", "红"}},
       {{"list"}, {"WARN", "蓝", "黄", "红"}},
       {{"admin", "transfers"}, {"WARN", "预警", "delegation_count"}},
       {{"inbox", "list"}, {"DETAIL", "预警"}},
       {{"audit", "events"}, {"deadline_warning"}}});
}

// 督办 escalates: remind takes the level by its SDK name, only those three;
// the help says what each means and where show prints it (single words:
// the help is wrapped).
TEST(CommandLineTest, RemindTakesASupervisionLevelAndTheHelpExplainsIt) {
  for (const std::string level : {"urge", "supervise", "listed"}) {
    const ParseResult parsed = Parse({"remind", "demo-0000000016", "--text",
                                      "请尽快反馈", "--level", level});
    ASSERT_EQ(parsed.error, "") << level;
    EXPECT_EQ(parsed.invocation.Value("level"), level);
  }
  const ParseResult without =
      Parse({"remind", "demo-0000000016", "--text", "请尽快反馈"});
  ASSERT_EQ(without.error, "");
  EXPECT_FALSE(without.invocation.Has("level")) << "optional";
  for (const std::string level : {"督办", "unspecified", "LISTED"}) {
    EXPECT_NE(
        Parse({"remind", "demo-0000000016", "--text", "t", "--level", level})
            .error,
        "")
        << level;
  }
  ExpectHelpMentions(
      {{{"remind"},
        {"--level LEVEL", "urge", "supervise", "listed", "催办", "督办",
         "挂牌督办", "supervisor"}},
       {{"show"}, {"挂牌督办", "instructions", "reminder"}},
       {{"inbox", "list"}, {"DETAIL", "挂牌督办"}},
       {{"stats"}, {"督办", "挂牌督办", "蓝色预警", "黄色预警", "交办"}}});
}

// 退回后重新移送: the commission returned the land reserve lead (case 1 of
// docs/CASES.md) for want of the transfer records; the inspection office
// sends it again with them, naming the returned referral.
TEST(CommandLineTest, SendTakesTheReturnedReferralItSendsAgain) {
  ParseResult parsed =
      Parse({"send", "--to", "discipline-commission", "--subject",
             "县土地储备中心", "--category", "进一步了解关注类", "--summary",
             "通过个人账户收取土地出让金", "--source", "巡察个别谈话",
             "--sensitivity", "sensitive", "--attach", "转账凭证.pdf",
             "--resubmits", "demo-0000000007"});
  ASSERT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.invocation.command->name, "send");
  EXPECT_EQ(parsed.invocation.Value("resubmits"), "demo-0000000007");
  EXPECT_EQ(Parse({"send", "--to", "x", "--subject", "s", "--category", "c",
                   "--summary", "m", "--source", "o", "--sensitivity",
                   "ordinary", "--resubmits"})
                .error,
            "option --resubmits needs a value (ID)");
  // Optional: without it, a referral of its own.
  ParseResult fresh =
      Parse({"send", "--to", "x", "--subject", "s", "--category", "c",
             "--summary", "m", "--source", "o", "--sensitivity", "ordinary"});
  ASSERT_EQ(fresh.error, "");
  EXPECT_FALSE(fresh.invocation.Has("resubmits"));
}

TEST(CommandLineTest, DistributeTakesSendsOptionsAndManyRecipients) {
  ParseResult parsed = Parse(
      {"distribute", "--to", "discipline-commission,organization-department",
       "--to", "propaganda-department", "--kind", "problem_list", "--subject",
       "行业系统治理", "--category", "巡察建议", "--summary", "s", "--source",
       "巡察", "--sensitivity", "ordinary", "--items", "items.txt"});
  ASSERT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.invocation.command->name, "distribute");
  EXPECT_EQ(parsed.invocation.command->service, HubService::kExchange);
  EXPECT_EQ(
      parsed.invocation.Values("to"),
      (std::vector<std::string>{"discipline-commission,organization-department",
                                "propaganda-department"}));
  EXPECT_EQ(Parse({"distribute", "--to", "x", "--subject", "s"}).error,
            "missing required option --category TEXT");

  // Everything send takes, distribute takes, and the other way round, but
  // for --resubmits: a distribution sends nothing again.
  const CommandSpec* send = Parse({"send"}).invocation.command;
  const CommandSpec* distribute = Parse({"distribute"}).invocation.command;
  ASSERT_NE(send, nullptr);
  ASSERT_NE(distribute, nullptr);
  std::vector<std::string> send_names;
  for (const OptionSpec& option : send->options) {
    if (option.name != "resubmits") send_names.push_back(option.name);
  }
  std::vector<std::string> distribute_names;
  for (const OptionSpec& option : distribute->options) {
    distribute_names.push_back(option.name);
  }
  EXPECT_EQ(send_names, distribute_names);
  EXPECT_EQ(send_names.size() + 1, send->options.size())
      << "send takes --resubmits";
  EXPECT_EQ(Parse({"distribute", "--to", "x", "--subject", "s", "--category",
                   "c", "--summary", "m", "--source", "o", "--sensitivity",
                   "ordinary", "--resubmits", "demo-0000000007"})
                .error,
            "unknown option --resubmits");

  ParseResult show = Parse({"distribution", "show", "demo-0000000040"});
  ASSERT_EQ(show.error, "");
  EXPECT_EQ(show.invocation.command->name, "distribution show");
  ParseResult list =
      Parse({"distribution", "list", "--page-size", "100", "--all"});
  ASSERT_EQ(list.error, "");
  EXPECT_EQ(list.invocation.Count("page-size"), 100u);
  EXPECT_EQ(Parse({"distribution"}).error, "'distribution' needs a subcommand");
}

TEST(CommandLineTest, StatsTakesAnyIdentityAndOneOfThePeriodOptions) {
  ParseResult parsed = Parse({"stats", "--quarter", "2026-Q1", "--unit",
                              "discipline-commission", "--csv"});
  ASSERT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.invocation.command->service, HubService::kStatistics);
  EXPECT_EQ(parsed.invocation.Value("quarter"), "2026-Q1");
  EXPECT_TRUE(parsed.invocation.Has("csv"));
  ParseResult days =
      Parse({"stats", "--from", "2026-01-01", "--to", "2026-03-31", "--json"});
  ASSERT_EQ(days.error, "");
  EXPECT_EQ(days.invocation.Value("to"), "2026-03-31");
}

// 督办台账: an exchange command (the hub admits supervising agencies only),
// conditions repeated or separated by commas, and the help says who may ask
// and what each column and condition means (single words: the help is
// wrapped).
TEST(CommandLineTest, SupervisionLedgerTakesFiltersAndPagesAndIsExplained) {
  ParseResult parsed =
      Parse({"supervision", "ledger", "--recipient", "organization-dept",
             "--condition", "overdue,warned", "--condition", "listed",
             "--page-size", "20", "--page-token", "0a0b", "--all", "--json"});
  ASSERT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.invocation.command->name, "supervision ledger");
  EXPECT_EQ(parsed.invocation.command->service, HubService::kExchange);
  EXPECT_EQ(parsed.invocation.Value("recipient"), "organization-dept");
  EXPECT_EQ(parsed.invocation.Values("condition"),
            (std::vector<std::string>{"overdue,warned", "listed"}));
  EXPECT_EQ(parsed.invocation.Count("page-size"), 20u);
  EXPECT_TRUE(parsed.invocation.Has("all"));
  EXPECT_EQ(Parse({"supervision", "ledger"}).error, "") << "every filter "
                                                           "optional";
  EXPECT_EQ(Parse({"supervision"}).error, "'supervision' needs a subcommand");
  EXPECT_NE(Parse({"supervision", "ledger", "R-1"}).error, "");

  const std::string general = GeneralHelp(Commands(), GlobalOptions());
  EXPECT_TRUE(absl::StrContains(general, "\n  supervision ledger ")) << general;
  EXPECT_TRUE(absl::StrContains(general, "督办台账")) << general;
  ExpectHelpMentions(
      {{{"supervision", "ledger"},
        {"督办台账", "`supervisor:", "PERMISSION_DENIED", "--recipient AGENCY",
         "--condition CONDITION[,CONDITION...]", "overdue", "warned", "pressed",
         "listed", "--page-size N", "--page-token TOKEN", "--all", "WARN", "蓝",
         "黄", "红", "催办", "挂牌督办", "subject"}},
       {{"admin", "counts"},
        {"by_recipient", "蓝", "黄", "红", "催办", "督办", "挂牌"}},
       {{"admin", "top"}, {"预警", "挂牌督办"}},
       {{"admin", "transfers"}, {"督办", "supervision_level"}}});
}

TEST(CommandLineTest, OfflineCommandsNeedNoHubService) {
  EXPECT_EQ(Parse({"audit", "verify", "--export", "e", "--hub-cert", "c"})
                .invocation.command->service,
            HubService::kNone);
  EXPECT_EQ(Parse({"audit", "events"}).invocation.command->service,
            HubService::kAudit);
  EXPECT_EQ(Parse({"admin", "status"}).invocation.command->service,
            HubService::kAdmin);
  EXPECT_EQ(Parse({"list", "--role", "sent"}).invocation.command->service,
            HubService::kExchange);
  EXPECT_EQ(Parse({"whoami"}).invocation.command->service,
            HubService::kHubInfo);
}

}  // namespace
}  // namespace sx::sxctl
