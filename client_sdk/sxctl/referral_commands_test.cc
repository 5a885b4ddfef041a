#include "client_sdk/sxctl/referral_commands.h"

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "client_sdk/sxctl/command_context.h"
#include "client_sdk/sxctl/command_line.h"
#include "client_sdk/sxctl/command_table.h"
#include "client_sdk/sxctl/local_files.h"
#include "client_sdk/sxctl/output.h"
#include "gtest/gtest.h"
#include "sx/client/exchange_client.h"
#include "sx/transparency/testing/test_keys.h"

namespace sx::sxctl {
namespace {

// Records what the commands ask of the hub and answers with the referral as
// the hub would return it.
class RecordingExchange final : public client::ExchangeClient {
 public:
  using ExchangeClient::Dispose;
  absl::StatusOr<client::Referral> Dispose(
      const client::DisposeParams& params,
      const client::CallOptions& options) override {
    client::Referral referral = Record(disposed, params, options);
    referral.disposition = params.method;
    return referral;
  }
  absl::StatusOr<client::Referral> Reopen(
      const client::ReopenParams& params,
      const client::CallOptions& options) override {
    return Record(reopened, params, options);
  }
  absl::StatusOr<client::Referral> Delegate(
      const client::DelegateParams& params,
      const client::CallOptions& options) override {
    client::Referral parent = Record(delegated, params, options);
    parent.delegated_referral_ids = {"demo-0000000014", "demo-0000000015"};
    return parent;
  }
  absl::StatusOr<client::Referral> SendFeedback(
      const std::string& referral_id, const client::Feedback& feedback,
      const client::CallOptions& options) override {
    feedback_sent.push_back(feedback);
    request_ids.push_back(options.request_id);
    return Reply(referral_id);
  }
  absl::StatusOr<client::Referral> Remind(
      const client::RemindParams& params,
      const client::CallOptions& options) override {
    client::Referral referral = Record(reminded, params, options);
    referral.supervision_level = params.level;
    referral.reminders.push_back(
        client::Reminder{"discipline-commission", params.text,
                         absl::FromUnixSeconds(1766000000), params.level});
    return referral;
  }

  std::vector<client::DisposeParams> disposed;
  std::vector<client::ReopenParams> reopened;
  std::vector<client::DelegateParams> delegated;
  std::vector<client::Feedback> feedback_sent;
  std::vector<client::RemindParams> reminded;
  std::vector<std::string> request_ids;

 private:
  // Keeps the call and its request id; the referral as the step left it.
  template <typename Params>
  client::Referral Record(std::vector<Params>& calls, const Params& params,
                          const client::CallOptions& options) {
    calls.push_back(params);
    request_ids.push_back(options.request_id);
    return Reply(params.referral_id);
  }
  static client::Referral Reply(const std::string& referral_id) {
    client::Referral referral;
    referral.referral_id = referral_id;
    referral.sender_agency_id = "inspection-office";
    referral.recipient_agency_id = "discipline-commission";
    referral.state = client::ReferralState::kDisposing;
    return referral;
  }
};

// Runs `args` as sxctl would against `exchange`: parsed with the real command
// table, then the command's handler. What it printed goes to `printed`.
absl::Status RunCommand(const std::vector<std::string>& args,
                        client::ExchangeClient& exchange, std::string* printed,
                        OutputFormat format = OutputFormat::kText) {
  const ParseResult parsed =
      CommandLineParser(Commands(), GlobalOptions()).Parse(args);
  if (!parsed.error.empty()) return UsageError(parsed.error);
  std::ostringstream out;
  Output output(format, out);
  const CommandContext context{parsed.invocation, output, &exchange};
  const absl::Status status = parsed.invocation.command->run(context);
  *printed = out.str();
  return status;
}

// 予以了结 as the group meeting decided it: the handler answers first, the
// group leader approved it (承办人负首责、组长审核把关).
TEST(ReferralCommandsTest, DisposeSendsTheHandlerApprovalAndReason) {
  RecordingExchange exchange;
  std::string printed;
  ASSERT_TRUE(
      RunCommand({"dispose", "demo-0000000011", "--method",
                  "closed_without_action", "--handler", "张明", "--approver",
                  "李华", "--approval-ref", "纪组会〔2026〕3号", "--reason",
                  "反映问题查无实据", "--request-id", "case-11-close"},
                 exchange, &printed)
          .ok());
  ASSERT_EQ(exchange.disposed.size(), 1u);
  const client::DisposeParams& params = exchange.disposed[0];
  EXPECT_EQ(params.referral_id, "demo-0000000011");
  EXPECT_EQ(params.method, client::DispositionMethod::kClosedWithoutAction);
  EXPECT_EQ(params.handler, "张明");
  EXPECT_EQ(params.approver, "李华");
  EXPECT_EQ(params.approval_reference, "纪组会〔2026〕3号");
  EXPECT_EQ(params.reason, "反映问题查无实据");
  EXPECT_EQ(params.review_at, absl::InfinitePast());
  EXPECT_EQ(exchange.request_ids, std::vector<std::string>{"case-11-close"});
  EXPECT_TRUE(absl::StrContains(printed, "closed_without_action")) << printed;

  // The method alone is still a disposition.
  ASSERT_TRUE(
      RunCommand({"dispose", "demo-0000000011", "--method", "talk_or_inquiry"},
                 exchange, &printed)
          .ok());
  ASSERT_EQ(exchange.disposed.size(), 2u);
  EXPECT_EQ(exchange.disposed[1].handler, "");
  EXPECT_EQ(exchange.disposed[1].approver, "");
}

// 暂存待查 needs the day it is reviewed again, and only it takes one.
TEST(ReferralCommandsTest, KeptPendingNeedsAReviewDateAtTheEndOfThatDay) {
  RecordingExchange exchange;
  std::string printed;
  ASSERT_TRUE(RunCommand({"dispose", "demo-0000000013", "--method",
                          "kept_pending", "--handler", "张明", "--reason",
                          "关键证人暂无法联系", "--review-date", "2026-06-30"},
                         exchange, &printed)
                  .ok());
  ASSERT_EQ(exchange.disposed.size(), 1u);
  EXPECT_EQ(exchange.disposed[0].method,
            client::DispositionMethod::kKeptPending);
  // 2026-07-01T00:00:00+08:00, as for every other date sxctl reads.
  EXPECT_EQ(exchange.disposed[0].review_at, absl::FromUnixSeconds(1782835200));

  const absl::Status missing =
      RunCommand({"dispose", "demo-0000000013", "--method", "kept_pending"},
                 exchange, &printed);
  EXPECT_TRUE(IsUsageError(missing)) << missing;
  EXPECT_EQ(missing.message(),
            "--method kept_pending needs --review-date DATE: when the lead is "
            "reviewed again");
  const absl::Status stray =
      RunCommand({"dispose", "demo-0000000013", "--method", "case_filed",
                  "--review-date", "2026-06-30"},
                 exchange, &printed);
  EXPECT_TRUE(IsUsageError(stray)) << stray;
  EXPECT_EQ(stray.message(),
            "--review-date goes with --method kept_pending only");
  const absl::Status bad =
      RunCommand({"dispose", "demo-0000000013", "--method", "kept_pending",
                  "--review-date", "2026-6-30"},
                 exchange, &printed);
  EXPECT_TRUE(IsUsageError(bad)) << bad;
  EXPECT_TRUE(absl::StartsWith(bad.message(),
                               "--review-date '2026-6-30' is not a date"))
      << bad;
  EXPECT_EQ(exchange.disposed.size(), 1u) << "nothing sent after an error";
}

TEST(ReferralCommandsTest, ReopenSendsTheReason) {
  RecordingExchange exchange;
  std::string printed;
  ASSERT_TRUE(RunCommand({"reopen", "demo-0000000013", "--reason",
                          "收到新的举报材料", "--request-id", "reopen-13"},
                         exchange, &printed)
                  .ok());
  ASSERT_EQ(exchange.reopened.size(), 1u);
  EXPECT_EQ(exchange.reopened[0].referral_id, "demo-0000000013");
  EXPECT_EQ(exchange.reopened[0].reason, "收到新的举报材料");
  EXPECT_EQ(exchange.request_ids, std::vector<std::string>{"reopen-13"});
  EXPECT_TRUE(absl::StrContains(printed, "demo-0000000013")) << printed;
}

// 交办 (case 4 of docs/CASES.md): the commission hands the verification of
// one problem to the stationed group, due earlier than its own feedback.
TEST(ReferralCommandsTest, DelegatePrintsTheParentThenTheNewChild) {
  RecordingExchange exchange;
  std::string printed;
  ASSERT_TRUE(
      RunCommand({"delegate", "demo-0000000012", "--to", "stationed-education",
                  "--instructions", "请对第2项问题开展初步核实并于20日内报告",
                  "--due", "2026-01-20", "--request-id", "delegate-12-1"},
                 exchange, &printed)
          .ok());
  ASSERT_EQ(exchange.delegated.size(), 1u);
  const client::DelegateParams& params = exchange.delegated[0];
  EXPECT_EQ(params.referral_id, "demo-0000000012");
  EXPECT_EQ(params.target_agency_id, "stationed-education");
  EXPECT_EQ(params.instructions, "请对第2项问题开展初步核实并于20日内报告");
  // 2026-01-21T00:00:00+08:00: by the end of the day.
  EXPECT_EQ(params.feedback_due_at, absl::FromUnixSeconds(1768924800));
  EXPECT_EQ(exchange.request_ids, std::vector<std::string>{"delegate-12-1"});
  EXPECT_TRUE(absl::StartsWith(printed, "referral ")) << printed;
  EXPECT_TRUE(absl::EndsWith(printed, "\nnew child referral demo-0000000015\n"))
      << printed;

  // Without --due, the parent's deadline.
  ASSERT_TRUE(
      RunCommand({"delegate", "demo-0000000012", "--to", "stationed-housing",
                  "--instructions", "请核查第3项问题"},
                 exchange, &printed, OutputFormat::kJson)
          .ok());
  ASSERT_EQ(exchange.delegated.size(), 2u);
  EXPECT_EQ(exchange.delegated[1].feedback_due_at, absl::InfinitePast());
  // JSON: the parent, as for every step; its last delegated id is the child.
  EXPECT_TRUE(absl::StartsWith(printed, "{")) << printed;
  EXPECT_TRUE(absl::StrContains(printed, "\"delegated_referral_ids\": [\n"))
      << printed;
  EXPECT_FALSE(absl::StrContains(printed, "new child")) << printed;

  const absl::Status bad =
      RunCommand({"delegate", "demo-0000000012", "--to", "stationed-education",
                  "--instructions", "i", "--due", "下月底"},
                 exchange, &printed);
  EXPECT_TRUE(IsUsageError(bad)) << bad;
  EXPECT_EQ(exchange.delegated.size(), 2u) << "nothing sent after an error";
}

// 督办 escalates: 挂牌督办 by the supervising commission, the level in what
// is printed; without --level, 催办; a level sxctl does not know is refused
// before anything is sent.
TEST(ReferralCommandsTest, RemindSendsItsLevel) {
  RecordingExchange exchange;
  std::string printed;
  ASSERT_TRUE(RunCommand({"remind", "demo-0000000016", "--text",
                          "请于12月20日前报送核查结果", "--level", "listed",
                          "--request-id", "remind-16-3"},
                         exchange, &printed)
                  .ok());
  ASSERT_EQ(exchange.reminded.size(), 1u);
  EXPECT_EQ(exchange.reminded[0].referral_id, "demo-0000000016");
  EXPECT_EQ(exchange.reminded[0].text, "请于12月20日前报送核查结果");
  EXPECT_EQ(exchange.reminded[0].level, client::SupervisionLevel::kListed);
  EXPECT_EQ(exchange.request_ids, std::vector<std::string>{"remind-16-3"});
  EXPECT_TRUE(absl::StrContains(printed, "listed (挂牌督办)")) << printed;

  ASSERT_TRUE(RunCommand({"remind", "demo-0000000016", "--text", "请尽快反馈",
                          "--level", "supervise"},
                         exchange, &printed, OutputFormat::kJson)
                  .ok());
  ASSERT_EQ(exchange.reminded.size(), 2u);
  EXPECT_EQ(exchange.reminded[1].level, client::SupervisionLevel::kSupervise);
  EXPECT_TRUE(
      absl::StrContains(printed, "\"supervision_level\": \"supervise\""))
      << printed;

  ASSERT_TRUE(RunCommand({"remind", "demo-0000000016", "--text", "请尽快反馈"},
                         exchange, &printed)
                  .ok());
  ASSERT_EQ(exchange.reminded.size(), 3u);
  EXPECT_EQ(exchange.reminded[2].level, client::SupervisionLevel::kUrge);
  EXPECT_EQ(exchange.request_ids[2], "") << "the SDK makes one";

  const absl::Status bad = RunCommand(
      {"remind", "demo-0000000016", "--text", "t", "--level", "督办"}, exchange,
      &printed);
  EXPECT_TRUE(IsUsageError(bad)) << bad;
  EXPECT_EQ(exchange.reminded.size(), 3u) << "nothing sent after an error";
}

TEST(ReferralCommandsTest, FinalFeedbackCitesTheDelegatedChildren) {
  RecordingExchange exchange;
  std::string printed;
  ASSERT_TRUE(RunCommand({"feedback", "demo-0000000012", "--kind", "final",
                          "--text", "经驻局纪检监察组核实，第2项问题属实",
                          "--cites", "demo-0000000014,demo-0000000015",
                          "--cites", "demo-0000000016"},
                         exchange, &printed)
                  .ok());
  ASSERT_EQ(exchange.feedback_sent.size(), 1u);
  EXPECT_EQ(exchange.feedback_sent[0].cites_referral_ids,
            (std::vector<std::string>{"demo-0000000014", "demo-0000000015",
                                      "demo-0000000016"}));

  ASSERT_TRUE(RunCommand({"feedback", "demo-0000000012", "--kind", "final",
                          "--text", "已办结"},
                         exchange, &printed)
                  .ok());
  ASSERT_EQ(exchange.feedback_sent.size(), 2u);
  EXPECT_TRUE(exchange.feedback_sent[1].cites_referral_ids.empty());

  const absl::Status interim =
      RunCommand({"feedback", "demo-0000000012", "--kind", "interim", "--text",
                  "t", "--cites", "demo-0000000014"},
                 exchange, &printed);
  EXPECT_TRUE(IsUsageError(interim)) << interim;
  EXPECT_EQ(interim.message(), "--cites goes with --kind final only");
  const absl::Status empty =
      RunCommand({"feedback", "demo-0000000012", "--kind", "final", "--text",
                  "t", "--cites", "demo-0000000014,"},
                 exchange, &printed);
  EXPECT_TRUE(IsUsageError(empty)) << empty;
  EXPECT_EQ(exchange.feedback_sent.size(), 2u) << "nothing sent after an error";
}

// Answers `show`: the referral, and its steps two to a page, each page with
// `certificates`.
class StepsExchange final : public client::ExchangeClient {
 public:
  StepsExchange(std::vector<client::Event> events,
                std::vector<std::string> certificates)
      : events_(std::move(events)), certificates_(std::move(certificates)) {}

  absl::StatusOr<client::Referral> Get(
      const std::string& referral_id,
      bool /*include_attachment_content*/) override {
    ++gets;
    client::Referral referral;
    referral.referral_id = referral_id;
    referral.sender_agency_id = "inspection-office";
    referral.recipient_agency_id = "discipline-commission";
    referral.state = client::ReferralState::kAccepted;
    return referral;
  }
  absl::StatusOr<client::ReferralSteps> ListSteps(
      const client::ReferralStepsQuery& query) override {
    queries.push_back(query);
    const size_t first =
        query.page_token.empty() ? 0 : std::stoul(query.page_token);
    client::ReferralSteps page;
    for (size_t i = first; i < events_.size() && i < first + 2; ++i) {
      page.events.push_back(events_[i]);
    }
    page.signing_certificates = certificates_;
    if (first + 2 < events_.size()) {
      page.next_page_token = std::to_string(first + 2);
    }
    return page;
  }

  int gets = 0;
  std::vector<client::ReferralStepsQuery> queries;

 private:
  const std::vector<client::Event> events_;
  const std::vector<std::string> certificates_;
};

client::Event ShownStep(uint64_t sequence, client::EventType type,
                        const std::string& actor) {
  client::Event event;
  event.sequence = sequence;
  event.type = type;
  event.referral_id = "demo-0000000021";
  event.actor = actor;
  event.time = absl::FromUnixSeconds(1764115200) +
               absl::Minutes(static_cast<int64_t>(sequence));
  return event;
}

// A PEM file with one CA certificate in it, as --signing-ca names it. Which
// CA does not matter to steps that carry no signature.
std::string SigningCaFile() {
  const std::string path = ::testing::TempDir() + "/sxctl_show_signing_ca.pem";
  const absl::Status written =
      WriteLocalFile(path,
                     transparency::testing::SharedTestKey(
                         transparency::testing::TestKeyType::kEcP256)
                         .certificate_pem,
                     "write signing CA");
  EXPECT_TRUE(written.ok()) << written;
  return path;
}

TEST(ReferralCommandsTest, VerifySignaturesNeedsTheSigningCaAndOnlyIt) {
  StepsExchange exchange({}, {});
  std::string printed;
  const absl::Status without_ca = RunCommand(
      {"show", "demo-0000000021", "--verify-signatures"}, exchange, &printed);
  EXPECT_TRUE(IsUsageError(without_ca)) << without_ca;
  EXPECT_EQ(without_ca.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(without_ca.message(), "--signing-ca"))
      << without_ca;

  const absl::Status without_switch =
      RunCommand({"show", "demo-0000000021", "--signing-ca", SigningCaFile()},
                 exchange, &printed);
  EXPECT_TRUE(IsUsageError(without_switch)) << without_switch;
  EXPECT_EQ(without_switch.message(),
            "--signing-ca goes with --verify-signatures only");
  EXPECT_EQ(exchange.gets, 0) << "the hub is not asked after a usage error";
  EXPECT_TRUE(exchange.queries.empty());
}

TEST(ReferralCommandsTest, VerifySignaturesReadsEveryPageOfSteps) {
  StepsExchange exchange(
      {ShownStep(1, client::EventType::kSubmitted, "inspection-office"),
       ShownStep(2, client::EventType::kDelivered, "hub"),
       ShownStep(5, client::EventType::kAccepted, "discipline-commission")},
      {});
  const std::string ca = SigningCaFile();
  std::string printed;
  const absl::Status shown = RunCommand(
      {"show", "demo-0000000021", "--verify-signatures", "--signing-ca", ca},
      exchange, &printed);
  ASSERT_TRUE(shown.ok()) << shown;
  ASSERT_EQ(exchange.queries.size(), 2u);
  EXPECT_EQ(exchange.queries[0].referral_id, "demo-0000000021");
  EXPECT_EQ(exchange.queries[0].page_token, "");
  EXPECT_EQ(exchange.queries[1].referral_id, "demo-0000000021");
  EXPECT_EQ(exchange.queries[1].page_token, "2");
  // The referral as ever, then its steps.
  const size_t state = printed.find("accepted");
  const size_t steps = printed.find("\nSteps (3 events)\n");
  ASSERT_NE(state, std::string::npos) << printed;
  ASSERT_NE(steps, std::string::npos) << printed;
  EXPECT_LT(state, steps) << printed;
  EXPECT_TRUE(absl::StrContains(
      printed, "step signatures: no signed steps, 2 agency steps unsigned"))
      << printed;

  exchange.queries.clear();
  ASSERT_TRUE(RunCommand({"show", "demo-0000000021", "--verify-signatures",
                          "--signing-ca", ca},
                         exchange, &printed, OutputFormat::kJson)
                  .ok());
  EXPECT_EQ(exchange.queries.size(), 2u);
  // One object: the referral's members, then "steps".
  EXPECT_TRUE(absl::StartsWith(printed, "{\n  \"referral_id\": ")) << printed;
  const size_t steps_member = printed.find("\n  \"steps\": {");
  ASSERT_NE(steps_member, std::string::npos) << printed;
  EXPECT_TRUE(absl::StrContains(printed, "\"checked\": true")) << printed;
  EXPECT_TRUE(absl::StrContains(printed, "\"unsigned_agency_steps\": 2"))
      << printed;
  EXPECT_NE(printed.find("\"sequence\": 5", steps_member), std::string::npos)
      << "the second page's event too";

  // Without the switch, show is as it was.
  exchange.queries.clear();
  ASSERT_TRUE(RunCommand({"show", "demo-0000000021"}, exchange, &printed).ok());
  EXPECT_TRUE(exchange.queries.empty());
  EXPECT_FALSE(absl::StrContains(printed, "Steps")) << printed;
}

TEST(ReferralCommandsTest, VerifySignaturesFailsNamingTheEventThatFails) {
  client::Event signed_step =
      ShownStep(2, client::EventType::kAccepted, "discipline-commission");
  signed_step.step_signature = client::StepSignature();
  signed_step.step_signature->certificate_sha256 = std::string(32, '\x02');
  StepsExchange exchange(
      {ShownStep(1, client::EventType::kSubmitted, "inspection-office"),
       signed_step},
      {"not the certificate it names"});
  std::string printed;
  const absl::Status shown =
      RunCommand({"show", "demo-0000000021", "--verify-signatures",
                  "--signing-ca", SigningCaFile()},
                 exchange, &printed);
  EXPECT_EQ(shown.code(), absl::StatusCode::kDataLoss) << shown;
  EXPECT_FALSE(IsUsageError(shown)) << "exit status 1, not 2";
  EXPECT_EQ(shown.message(),
            "event 2: its signing certificate is not in the hub's reply");
  EXPECT_EQ(printed, "") << "nothing printed for a referral that fails";
}

}  // namespace
}  // namespace sx::sxctl
