// End-to-end tests of the web console on the real hub: the authorization
// matrix of every page and JSON endpoint for every kind of caller (an
// administrator, an auditor, a supervising agency, an ordinary agency, a
// certificate of a foreign CA, a revoked one and none), figures equal to
// AdminService's over gRPC for the same hub, no lead content in an
// administrator's answers, and the redrive: refused without its CSRF proofs
// (nothing changes), done with them and recorded as the administrator's.
#include <httplib.h>

#include <chrono>
#include <cstdlib>
#include <csignal>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "supervision/v1/admin.grpc.pb.h"
#include "supervision/v1/audit.grpc.pb.h"
#include "supervision/v1/exchange.grpc.pb.h"
#include "supervision/v1/supervision_ledger.grpc.pb.h"
#include "tests/e2e/dev_pki_suite.h"
#include "tests/e2e/hub_process.h"
#include "tests/e2e/lead_submission.h"
#include "tests/e2e/metrics_scrape.h"
#include "tests/support/read_file.h"

namespace sx::testing {
namespace {

namespace v1 = ::supervision::v1;
namespace pb = ::google::protobuf;

// Content that must never reach an administrator.
constexpr char kSubject[] = "机密主体-控制台甲乙";
constexpr char kSummary[] = "机密摘要-控制台不得显示";

// A response; `no_http_answer` when TLS ended the connection (or nothing
// listened).
struct Answer {
  bool no_http_answer = false;
  int status = 0;
  std::string body;
};

// Who a route is for: whoever may sign in (administrators, auditors,
// supervising agencies), administrators (AdminService's rule), supervising
// agencies (SupervisionLedgerService's rule).
enum class Audience { kSignedIn, kAdmin, kSupervisor };

struct Endpoint {
  const char* method;
  const char* path;
  Audience audience;
};

// Every route of the console. The redrive's body names an agency without
// dead letters, so that an allowed call changes nothing here.
const Endpoint kEndpoints[] = {
    {"GET", "/", Audience::kSignedIn},
    {"GET", "/inboxes", Audience::kSignedIn},
    {"GET", "/ledger", Audience::kSignedIn},
    {"GET", "/assets/console.js", Audience::kSignedIn},
    {"GET", "/assets/chart.min.js", Audience::kSignedIn},
    {"GET", "/api/session", Audience::kSignedIn},
    {"GET", "/api/overview", Audience::kAdmin},
    {"GET", "/api/inboxes", Audience::kAdmin},
    {"GET", "/api/dead-letters?agency_id=discipline-commission",
     Audience::kAdmin},
    {"POST", "/api/redrive", Audience::kAdmin},
    {"GET", "/api/ledger", Audience::kSupervisor},
};

class ConsoleE2eTest : public DevPkiSuite {
 protected:
  static void SetUpTestSuite() {
    DevPkiSuite::SetUpTestSuite();
    // The client writes with write(): a connection the hub refused must
    // fail the call, not end the test.
    std::signal(SIGPIPE, SIG_IGN);
  }

  void SetUp() override {
    // Two unacknowledged deliveries make a dead letter, to test quickly.
    hub_ = std::make_unique<HubProcess>(*pki_, [](std::string& config) {
      config = absl::StrReplaceAll(
          config, {{"limits {", "limits {\n  max_delivery_attempts: 2"}});
      config += "\nconsole_address: \"127.0.0.1:0\"\n";
    });
    absl::Status started = hub_->Start();
    ASSERT_TRUE(started.ok()) << started;
    port_ = LoggedPort(hub_->ReadLog(), "console on https://127.0.0.1:");
    ASSERT_GT(port_, 0) << hub_->ReadLog();
  }

  // A client presenting `<who>.crt` (none if empty), trusting the dev CA.
  std::unique_ptr<httplib::SSLClient> Client(const std::string& who) const {
    auto client =
        who.empty()
            ? std::make_unique<httplib::SSLClient>("127.0.0.1", port_)
            : std::make_unique<httplib::SSLClient>(
                  "127.0.0.1", port_, pki_->Cert(who), pki_->Key(who));
    client->set_ca_cert_path(pki_->Cert("ca"));
    client->enable_server_certificate_verification(true);
    client->set_connection_timeout(std::chrono::seconds(5));
    client->set_read_timeout(std::chrono::seconds(10));
    return client;
  }

  std::string Origin() const {
    return absl::StrCat("https://127.0.0.1:", port_);
  }

  Answer Call(const std::string& who, const std::string& method,
              const std::string& path, const httplib::Headers& headers = {},
              const std::string& body = "{}") const {
    auto client = Client(who);
    httplib::Result result =
        method == "GET"
            ? client->Get(path.c_str(), headers)
            : client->Post(path.c_str(), headers, body, "application/json");
    Answer answer;
    if (!result) {
      answer.no_http_answer = true;
      return answer;
    }
    answer.status = result->status;
    answer.body = result->body;
    return answer;
  }

  // The same-origin headers of the console's own page, with `who`'s token.
  httplib::Headers SameOrigin(const std::string& who) const {
    const Answer session = Call(who, "GET", "/api/session");
    pb::Struct fields;
    EXPECT_TRUE(pb::util::JsonStringToMessage(session.body, &fields).ok());
    return {{"Origin", Origin()},
            {"Sec-Fetch-Site", "same-origin"},
            {"X-CSRF-Token", fields.fields().at("csrf_token").string_value()}};
  }

  std::unique_ptr<v1::AdminService::Stub> Admin() const {
    return v1::AdminService::NewStub(hub_->Channel("admin-ops"));
  }

  // A lead with distinctive content from the inspection office to the
  // commission.
  // Returns its referral id.
  std::string SubmitLead() const {
    auto inspection = v1::ExchangeService::NewStub(
        hub_->Channel("inspection-office"));
    const v1::SubmitReferralRequest submit = LeadSubmission(
        "console-lead-1", "discipline-commission", kSubject, kSummary);
    v1::Referral referral;
    const grpc::Status submitted =
        inspection->SubmitReferral(Context().get(), submit, &referral);
    EXPECT_TRUE(submitted.ok()) << submitted.error_message();
    return referral.referral_id();
  }

  // Its sender presses referral `id` with 督办: it is on the supervisors'
  // ledger.
  void Press(const std::string& id) const {
    auto inspection =
        v1::ExchangeService::NewStub(hub_->Channel("inspection-office"));
    v1::RemindReferralRequest remind;
    remind.set_request_id("console-remind-1");
    remind.set_referral_id(id);
    remind.set_text("请限期反馈");
    remind.set_level(v1::SUPERVISION_LEVEL_SUPERVISE);
    v1::Referral referral;
    const grpc::Status reminded =
        inspection->RemindReferral(Context().get(), remind, &referral);
    EXPECT_TRUE(reminded.ok()) << reminded.error_message();
  }

  // Streams the commission's inbox until one entry came, without
  // acknowledging: one delivery attempt.
  void ReadWithoutAck() const {
    auto stub = v1::ExchangeService::NewStub(
        hub_->Channel("discipline-commission"));
    auto context = Context();
    auto reader = stub->StreamInbox(context.get(), v1::StreamInboxRequest());
    v1::InboxEntry entry;
    EXPECT_TRUE(reader->Read(&entry));
    context->TryCancel();
    reader->Finish().ok();
  }

  // The commission's dead letters as AdminService lists them, once the hub
  // has counted the ended streams and no stream is open (an open one would
  // take redriven entries at once). Bounded.
  v1::ListDeadLettersResponse SettledDeadLetters(int expected) const {
    auto admin = Admin();
    v1::ListDeadLettersRequest request;
    request.set_agency_id("discipline-commission");
    v1::ListDeadLettersResponse letters;
    for (int i = 0; i < 100; ++i) {
      EXPECT_TRUE(admin->ListDeadLetters(Context().get(), request, &letters)
                      .ok());
      v1::GetInboxStatsResponse stats;
      EXPECT_TRUE(admin->GetInboxStats(Context().get(), {}, &stats).ok());
      bool open = false;
      for (const auto& inbox : stats.inboxes()) open |= inbox.connected_streams() > 0;
      if (letters.dead_letters_size() == expected && !open) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return letters;
  }

  // A lead to the commission, delivered twice without acknowledgement: one
  // dead letter (max_delivery_attempts: 2), as AdminService lists it.
  v1::ListDeadLettersResponse MakeOneDeadLetter() const {
    SubmitLead();
    ReadWithoutAck();
    ReadWithoutAck();
    return SettledDeadLetters(1);
  }

  std::vector<v1::Event> RedriveEvents() const {
    auto audit = v1::AuditService::NewStub(hub_->Channel("auditor-audit"));
    v1::QueryEventsRequest query;
    query.set_type(v1::EVENT_TYPE_DEAD_LETTERS_REDRIVEN);
    v1::QueryEventsResponse events;
    EXPECT_TRUE(audit->QueryEvents(Context().get(), query, &events).ok());
    return {events.events().begin(), events.events().end()};
  }

  std::unique_ptr<HubProcess> hub_;
  int port_ = 0;
};

// `json` parsed as `message`, or a test failure.
template <typename Message>
Message Parsed(const std::string& json) {
  Message message;
  const auto parsed = pb::util::JsonStringToMessage(json, &message);
  EXPECT_TRUE(parsed.ok()) << parsed.ToString() << "\n" << json;
  return message;
}

// A member of a JSON object, as JSON.
std::string Member(const std::string& json, const std::string& name) {
  const pb::Struct object = Parsed<pb::Struct>(json);
  std::string member;
  EXPECT_TRUE(pb::util::MessageToJsonString(object.fields().at(name), &member)
                  .ok());
  return member;
}

TEST_F(ConsoleE2eTest, EveryEndpointAnswersOnlyThoseTheGrpcRulesAllow) {
  struct Caller {
    const char* who;
    bool signs_in;       // pages and session
    bool administers;    // AdminService's figures and actions
    bool supervises;     // the supervision ledger
    bool handshake_ok;
  };
  const Caller callers[] = {
      {"admin-ops", true, true, false, true},
      {"auditor-audit", true, false, false, true},
      {"discipline-commission", true, false, true, true},  // supervisor
      {"inspection-office", false, false, false, true},
      {"negative/foreign", false, false, false, false},
      {"negative/revoked", false, false, false, false},
      {"", false, false, false, false},  // no certificate
  };
  for (const Caller& caller : callers) {
    for (const Endpoint& endpoint : kEndpoints) {
      SCOPED_TRACE(absl::StrCat(caller.who, " ", endpoint.method, " ",
                                endpoint.path));
      // An admin's POST carries the CSRF proofs, so that its 200 shows the
      // authorization passed; the others' would fail without them anyway.
      const httplib::Headers headers =
          caller.administers && std::string(endpoint.method) == "POST"
              ? SameOrigin(caller.who)
              : httplib::Headers{};
      const Answer answer =
          Call(caller.who, endpoint.method, endpoint.path, headers,
               "{\"agency_id\":\"audit-bureau\"}");
      if (!caller.handshake_ok) {
        EXPECT_TRUE(answer.no_http_answer) << answer.status;
        continue;
      }
      ASSERT_FALSE(answer.no_http_answer);
      const bool allowed =
          endpoint.audience == Audience::kSignedIn ? caller.signs_in
          : endpoint.audience == Audience::kAdmin  ? caller.administers
                                                   : caller.supervises;
      EXPECT_EQ(answer.status, allowed ? 200 : 403) << answer.body;
      if (!allowed) {
        // A refusal and its reason; a page's refusal is a page of its own.
        EXPECT_EQ(answer.body.find("console.js"), std::string::npos);
        const bool page = std::string(endpoint.path) == "/" ||
                          std::string(endpoint.path) == "/inboxes" ||
                          std::string(endpoint.path) == "/ledger";
        EXPECT_NE(answer.body.find(page ? "<h1>拒绝访问 Refused</h1>"
                                        : "{\"error\":"),
                  std::string::npos)
            << answer.body;
        EXPECT_NE(hub_->ReadLog().find(absl::StrCat(
                      "console: refused ", endpoint.method, " ",
                      std::string(endpoint.path).substr(
                          0, std::string(endpoint.path).find('?')))),
                  std::string::npos);
      }
    }
  }
}

TEST_F(ConsoleE2eTest, FiguresEqualAdminServicesAndCarryNoContent) {
  const v1::ListDeadLettersResponse letters = MakeOneDeadLetter();
  ASSERT_EQ(letters.dead_letters_size(), 1);

  auto admin = Admin();
  v1::GetTransferCountsResponse counts;
  ASSERT_TRUE(admin->GetTransferCounts(Context().get(), {}, &counts).ok());
  v1::HubStatus status;
  ASSERT_TRUE(admin->GetHubStatus(Context().get(), {}, &status).ok());
  v1::GetInboxStatsResponse inboxes;
  ASSERT_TRUE(admin->GetInboxStats(Context().get(), {}, &inboxes).ok());

  const Answer overview = Call("admin-ops", "GET", "/api/overview");
  ASSERT_EQ(overview.status, 200) << overview.body;
  const auto console_counts = Parsed<v1::GetTransferCountsResponse>(
      Member(overview.body, "counts"));
  EXPECT_TRUE(pb::util::MessageDifferencer::Equals(console_counts, counts))
      << console_counts.DebugString() << "\nvs\n" << counts.DebugString();
  EXPECT_EQ(console_counts.by_state_size(), 1);
  const auto console_status =
      Parsed<v1::HubStatus>(Member(overview.body, "status"));
  EXPECT_TRUE(pb::util::MessageDifferencer::Equals(console_status, status))
      << console_status.DebugString() << "\nvs\n" << status.DebugString();
  EXPECT_EQ(console_status.referrals(), 1u);

  const Answer inbox_page = Call("admin-ops", "GET", "/api/inboxes");
  ASSERT_EQ(inbox_page.status, 200);
  EXPECT_TRUE(pb::util::MessageDifferencer::Equals(
      Parsed<v1::GetInboxStatsResponse>(inbox_page.body), inboxes));
  const Answer letters_page =
      Call("admin-ops", "GET",
           "/api/dead-letters?agency_id=discipline-commission");
  ASSERT_EQ(letters_page.status, 200);
  EXPECT_TRUE(pb::util::MessageDifferencer::Equals(
      Parsed<v1::ListDeadLettersResponse>(letters_page.body), letters));

  const Answer session = Call("admin-ops", "GET", "/api/session");
  EXPECT_NE(session.body.find("市委巡察办"), std::string::npos)
      << session.body;  // the agencies' display names from the config
  for (const Endpoint& endpoint : kEndpoints) {
    if (std::string(endpoint.method) != "GET") continue;
    const Answer answer = Call("admin-ops", "GET", endpoint.path);
    EXPECT_EQ(answer.body.find(kSubject), std::string::npos) << endpoint.path;
    EXPECT_EQ(answer.body.find(kSummary), std::string::npos) << endpoint.path;
  }
}

TEST_F(ConsoleE2eTest, TheLedgerIsTheSupervisorsLedgerService) {
  Press(SubmitLead());

  auto ledger = v1::SupervisionLedgerService::NewStub(
      hub_->Channel("discipline-commission"));
  v1::ListSupervisedReferralsResponse expected;
  ASSERT_TRUE(ledger->ListSupervisedReferrals(Context().get(), {}, &expected)
                  .ok());
  ASSERT_EQ(expected.referrals_size(), 1);
  const Answer answer = Call("discipline-commission", "GET", "/api/ledger");
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_TRUE(pb::util::MessageDifferencer::Equals(
      Parsed<v1::ListSupervisedReferralsResponse>(answer.body), expected))
      << answer.body;
  // The supervisor reads the subject there, as over gRPC; the administrator
  // gets no ledger at all.
  EXPECT_NE(answer.body.find(kSubject), std::string::npos);
  EXPECT_EQ(Call("admin-ops", "GET", "/api/ledger").status, 403);
}

TEST_F(ConsoleE2eTest, ARedriveNeedsItsCsrfProofsAndIsRecordedAsTheAdmins) {
  ASSERT_EQ(MakeOneDeadLetter().dead_letters_size(), 1);
  const std::string body = "{\"agency_id\":\"discipline-commission\"}";
  const httplib::Headers good = SameOrigin("admin-ops");

  httplib::Headers no_token = good;
  no_token.erase("X-CSRF-Token");
  httplib::Headers other_origin = good;
  other_origin.erase("Origin");
  other_origin.emplace("Origin", "https://evil.example");
  httplib::Headers cross_site = good;
  cross_site.erase("Sec-Fetch-Site");
  cross_site.emplace("Sec-Fetch-Site", "cross-site");
  // The auditor's own token does not make an administrator's request.
  httplib::Headers auditors_token = good;
  auditors_token.erase("X-CSRF-Token");
  auditors_token.emplace(
      "X-CSRF-Token",
      SameOrigin("auditor-audit").find("X-CSRF-Token")->second);
  for (const httplib::Headers& headers :
       {no_token, other_origin, cross_site, auditors_token}) {
    const Answer refused =
        Call("admin-ops", "POST", "/api/redrive", headers, body);
    EXPECT_EQ(refused.status, 403) << refused.body;
    EXPECT_NE(refused.body.find("cross-site request refused"),
              std::string::npos)
        << refused.body;
  }
  EXPECT_EQ(SettledDeadLetters(1).dead_letters_size(), 1);
  EXPECT_TRUE(RedriveEvents().empty());

  const Answer redriven = Call("admin-ops", "POST", "/api/redrive", good, body);
  ASSERT_EQ(redriven.status, 200) << redriven.body;
  EXPECT_EQ(Parsed<v1::RedriveDeadLettersResponse>(redriven.body).redriven(),
            1u);
  EXPECT_EQ(SettledDeadLetters(0).dead_letters_size(), 0);
  const std::vector<v1::Event> events = RedriveEvents();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].actor(), "admin/ops");
  EXPECT_EQ(events[0].reason(),
            "1 dead letters back in the inbox of discipline-commission");
}

// The state names as the page shows them: "delivered" for
// REFERRAL_STATE_DELIVERED.
std::string StateLabel(v1::ReferralState state) {
  std::string name = absl::AsciiStrToLower(v1::ReferralState_Name(state));
  return name.substr(std::string("referral_state_").size());
}

// Headless Chromium logs in with the administrator's certificate, checks
// each page against the figures below and redrives through the page's
// confirmation (tests/console_browser/console.test.mjs); screenshots go to
// the build tree. Needs chromium, libnss3-tools, node and the npm packages
// that tests/console_browser/setup.sh installs (tests/run.sh runs it).
TEST_F(ConsoleE2eTest, ARealBrowserSignsInWithACertificateAndRedrives) {
  const v1::ListDeadLettersResponse letters = MakeOneDeadLetter();
  ASSERT_EQ(letters.dead_letters_size(), 1);
  // On the supervisors' ledger too.
  Press(letters.dead_letters(0).event().referral_id());
  auto admin = Admin();
  v1::GetTransferCountsResponse counts;
  ASSERT_TRUE(admin->GetTransferCounts(Context().get(), {}, &counts).ok());
  v1::HubStatus status;
  ASSERT_TRUE(admin->GetHubStatus(Context().get(), {}, &status).ok());
  std::string by_state;
  for (const v1::StateCount& entry : counts.by_state()) {
    absl::StrAppend(&by_state, by_state.empty() ? "" : ",", "\"",
                    StateLabel(entry.state()), "\":", entry.count());
  }
  const std::string expect = absl::StrCat(
      "{\"referrals\":", status.referrals(),
      ",\"overdue_open\":", counts.overdue_open(), ",\"by_state\":{",
      by_state, "},\"dead_letter_agency\":\"discipline-commission\"",
      ",\"dead_letters\":1,\"ledger_rows\":1,\"secret\":\"", kSubject,
      "\"}");

  const std::string browser_dir =
      std::string(SX_SOURCE_DIR) + "/tests/console_browser";
  const std::string log = pki_->dir() + "/browser.log";
  setenv("SX_PKI", (pki_->dir() + "/pki").c_str(), 1);
  setenv("SX_CONSOLE", absl::StrCat("https://localhost:", port_).c_str(), 1);
  setenv("SX_SHOTS", SX_SCREENSHOT_DIR, 1);
  setenv("SX_EXPECT", expect.c_str(), 1);
  const int exit_code = std::system(
      absl::StrCat("cd '", browser_dir, "' && node --test console.test.mjs > '",
                   log, "' 2>&1")
          .c_str());
  EXPECT_EQ(exit_code, 0)
      << ReadFile(log)
      << "\n(needs chromium, libnss3-tools, node and npm packages: "
         "tests/console_browser/setup.sh)";

  // What the browser did is what the hub did.
  EXPECT_EQ(SettledDeadLetters(0).dead_letters_size(), 0);
  const std::vector<v1::Event> events = RedriveEvents();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].actor(), "admin/ops");
}

TEST_F(ConsoleE2eTest, TheHubStopsCleanlyWithTheConsoleOn) {
  ASSERT_EQ(Call("admin-ops", "GET", "/").status, 200);
  hub_->Stop();
  EXPECT_FALSE(hub_->running());
  EXPECT_NE(hub_->ReadLog().find("stopping"), std::string::npos);
  EXPECT_TRUE(Call("admin-ops", "GET", "/").no_http_answer);
}

}  // namespace
}  // namespace sx::testing
