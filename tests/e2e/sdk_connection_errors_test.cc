// What the SDK reports when it cannot reach the real hub or the hub refuses
// its certificate: one prompt status whose code and message name the cause,
// so a misconfiguration is fixed from the message, not waited out in retries.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <initializer_list>
#include <memory>
#include <ostream>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "sx/client/client_options.h"
#include "sx/client/exchange_client.h"
#include "sx/client/types.h"
#include "tests/e2e/dev_pki_suite.h"
#include "tests/e2e/hub_process.h"

namespace sx::testing {
namespace {

// The identity of every working setup here; each case changes one thing.
constexpr char kAgency[] = "inspection-office";

// Every failure must be reported within this. It is far below call_timeout
// (left at its 10 s default), so a case passes only if the SDK recognized
// the error, not because some deadline cut the call short.
constexpr absl::Duration kPromptly = absl::Seconds(2);

// What became of ConnectExchangeClient and the one call after it.
struct Outcome {
  absl::Status connect;
  absl::Status call;  // OK and unused when connect failed
  absl::Duration took;
};

std::ostream& operator<<(std::ostream& out, const Outcome& outcome) {
  return out << "connect: " << outcome.connect << "; call: " << outcome.call
             << "; took " << outcome.took;
}

// Whether ConnectExchangeClient itself failed with `code` and a message that
// names every one of `causes`.
::testing::AssertionResult ConnectFailed(
    const Outcome& outcome, absl::StatusCode code,
    std::initializer_list<absl::string_view> causes) {
  if (outcome.connect.code() != code) {
    return ::testing::AssertionFailure()
           << "expected ConnectExchangeClient to fail with "
           << absl::StatusCodeToString(code) << "; " << outcome;
  }
  for (absl::string_view cause : causes) {
    if (!absl::StrContains(outcome.connect.message(), cause)) {
      return ::testing::AssertionFailure()
             << "the message does not name \"" << cause << "\"; " << outcome;
    }
  }
  return ::testing::AssertionSuccess();
}

// Whether ConnectExchangeClient succeeded (it connects lazily) and the call
// then failed with `code` and a message that names every one of `causes`.
::testing::AssertionResult CallFailed(
    const Outcome& outcome, absl::StatusCode code,
    std::initializer_list<absl::string_view> causes) {
  if (!outcome.connect.ok()) {
    return ::testing::AssertionFailure()
           << "expected ConnectExchangeClient to succeed and the call to "
              "fail; "
           << outcome;
  }
  if (outcome.call.code() != code) {
    return ::testing::AssertionFailure()
           << "expected the call to fail with "
           << absl::StatusCodeToString(code) << "; " << outcome;
  }
  for (absl::string_view cause : causes) {
    if (!absl::StrContains(outcome.call.message(), cause)) {
      return ::testing::AssertionFailure()
             << "the message does not name \"" << cause << "\"; " << outcome;
    }
  }
  return ::testing::AssertionSuccess();
}

// A loopback port that nothing listens on: the kernel picks a free one for a
// socket that is then closed without listening.
int UnusedLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = 0;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

size_t Occurrences(absl::string_view text, absl::string_view needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != absl::string_view::npos;
       at = text.find(needle, at + needle.size())) {
    ++count;
  }
  return count;
}

// The referrals the caller sent: a read-only call that any configured agency
// may make, so that only the connection can make it fail.
client::ListQuery SentReferrals() {
  client::ListQuery query;
  query.role = client::PartyRole::kSender;
  query.page_size = 10;
  return query;
}

class SdkConnectionErrorsTest : public DevPkiSuite {
 protected:
  // A running hub for every case, so that failures of the cases that never
  // reach it cannot be blamed on its absence.
  void SetUp() override {
    hub_ = std::make_unique<HubProcess>(*pki_);
    absl::Status started = hub_->Start();
    ASSERT_TRUE(started.ok()) << started;
  }

  // Options that work against hub_ when presenting `name`'s certificate; the
  // retry policy and call_timeout are the SDK's defaults.
  client::ClientOptions OptionsFor(const std::string& name) const {
    client::ClientOptions options;
    options.hub_address = absl::StrCat("127.0.0.1:", hub_->port());
    options.server_name_override = "localhost";
    options.certificate_file = pki_->Cert(name);
    options.private_key_file = pki_->Key(name);
    options.ca_file = pki_->Cert("ca");
    return options;
  }

  // ConnectExchangeClient and, if it succeeds, one List, timed together. The
  // client is gone on return, so the hub's log afterwards holds every
  // handshake it made.
  static Outcome ConnectAndList(const client::ClientOptions& options) {
    Outcome outcome;
    const absl::Time start = absl::Now();
    auto connected = client::ConnectExchangeClient(options);
    outcome.connect = connected.status();
    if (connected.ok()) {
      outcome.call = (*connected)->List(SentReferrals()).status();
    }
    outcome.took = absl::Now() - start;
    return outcome;
  }

  // Kills the hub and starts it again 300 ms later, on the returned thread
  // (join it), so that calls made meanwhile ride out the restart. As in
  // sdk_e2e_test.
  std::thread RestartHubSoon() {
    hub_->Kill();
    return std::thread([this] {
      absl::SleepFor(absl::Milliseconds(300));
      ASSERT_TRUE(hub_->Start().ok());
    });
  }

  std::unique_ptr<HubProcess> hub_;
};

TEST_F(SdkConnectionErrorsTest, HubDownIsUnavailableNamingAddressAndRefusal) {
  const int port = UnusedLoopbackPort();
  ASSERT_NE(port, 0);
  client::ClientOptions options = OptionsFor(kAgency);
  options.hub_address = absl::StrCat("127.0.0.1:", port);
  const Outcome outcome = ConnectAndList(options);
  EXPECT_TRUE(
      CallFailed(outcome, absl::StatusCode::kUnavailable,
                 {absl::StrCat("127.0.0.1:", port), "Connection refused"}));
  // A hub that never answered is not waited for through every retry.
  EXPECT_LT(outcome.took, kPromptly) << outcome;
}

TEST_F(SdkConnectionErrorsTest, UnknownHostIsUnavailableNamingTheHost) {
  client::ClientOptions options = OptionsFor(kAgency);
  // .invalid never resolves (RFC 2606), whatever the machine's DNS.
  options.hub_address = "nosuchhost.invalid:7443";
  const Outcome outcome = ConnectAndList(options);
  EXPECT_TRUE(CallFailed(outcome, absl::StatusCode::kUnavailable,
                         {"nosuchhost.invalid"}));
  EXPECT_LT(outcome.took, kPromptly) << outcome;
}

TEST_F(SdkConnectionErrorsTest, WrongCaIsUnauthenticatedPointingAtTheCaFile) {
  client::ClientOptions options = OptionsFor(kAgency);
  // The hub's certificate does not chain to this CA.
  options.ca_file = pki_->Cert("negative/foreign-ca");
  const Outcome outcome = ConnectAndList(options);
  // The message names the setting to fix: --ca is sxctl's name for ca_file.
  EXPECT_TRUE(CallFailed(outcome, absl::StatusCode::kUnauthenticated,
                         {"certificate verify failed", "--ca"}));
  EXPECT_LT(outcome.took, kPromptly) << outcome;
}

TEST_F(SdkConnectionErrorsTest, SwappedCertificateAndKeyFailToConnect) {
  client::ClientOptions options = OptionsFor(kAgency);
  options.certificate_file = pki_->Key(kAgency);
  options.private_key_file = pki_->Cert(kAgency);
  const Outcome outcome = ConnectAndList(options);
  // Caught locally, before any connection: the file that holds no
  // certificate is named.
  EXPECT_TRUE(ConnectFailed(outcome, absl::StatusCode::kInvalidArgument,
                            {options.certificate_file}));
  EXPECT_LT(outcome.took, kPromptly) << outcome;
}

TEST_F(SdkConnectionErrorsTest, AnotherAgencysKeyFailsToConnect) {
  client::ClientOptions options = OptionsFor("discipline-commission");
  options.private_key_file = pki_->Key("inspection-office");
  const Outcome outcome = ConnectAndList(options);
  EXPECT_TRUE(ConnectFailed(outcome, absl::StatusCode::kInvalidArgument,
                            {"does not belong to the certificate"}));
  EXPECT_LT(outcome.took, kPromptly) << outcome;
}

TEST_F(SdkConnectionErrorsTest, WrongServerNameIsUnauthenticatedNamingIt) {
  client::ClientOptions options = OptionsFor(kAgency);
  // The hub's certificate names localhost and 127.0.0.1 only.
  options.server_name_override = "wronghost";
  const Outcome outcome = ConnectAndList(options);
  EXPECT_TRUE(
      CallFailed(outcome, absl::StatusCode::kUnauthenticated, {"wronghost"}));
  EXPECT_LT(outcome.took, kPromptly) << outcome;
}

// The next three certificates are wrong in ways the SDK can see in the file
// itself, so it refuses them before the hub has to.

TEST_F(SdkConnectionErrorsTest, ExpiredCertificateFailsToConnect) {
  const Outcome outcome = ConnectAndList(OptionsFor("negative/expired"));
  EXPECT_TRUE(
      ConnectFailed(outcome, absl::StatusCode::kUnauthenticated, {"expired"}));
  EXPECT_LT(outcome.took, kPromptly) << outcome;
}

TEST_F(SdkConnectionErrorsTest, NotYetValidCertificateFailsToConnect) {
  const Outcome outcome = ConnectAndList(OptionsFor("negative/not-yet-valid"));
  EXPECT_TRUE(ConnectFailed(outcome, absl::StatusCode::kUnauthenticated,
                            {"not valid before"}));
  EXPECT_LT(outcome.took, kPromptly) << outcome;
}

TEST_F(SdkConnectionErrorsTest, CertificateWithoutUriFailsToConnect) {
  const Outcome outcome = ConnectAndList(OptionsFor("negative/no-uri"));
  EXPECT_TRUE(
      ConnectFailed(outcome, absl::StatusCode::kUnauthenticated, {"URI"}));
  EXPECT_LT(outcome.took, kPromptly) << outcome;
}

// The certificates below look fine from the client's side; the hub refuses
// them in the TLS handshake without saying why, so the SDK's message lists
// the possible causes.

TEST_F(SdkConnectionErrorsTest, RevokedCertificateIsRefusedByTheHub) {
  const Outcome outcome = ConnectAndList(OptionsFor("negative/revoked"));
  EXPECT_TRUE(CallFailed(outcome, absl::StatusCode::kUnauthenticated,
                         {"refused", "revoked"}));
  EXPECT_LT(outcome.took, kPromptly) << outcome;
}

TEST_F(SdkConnectionErrorsTest, UnknownAgencyCertificateIsRefusedByTheHub) {
  const Outcome outcome = ConnectAndList(OptionsFor("negative/unknown-agency"));
  EXPECT_TRUE(CallFailed(outcome, absl::StatusCode::kUnauthenticated,
                         {"refused", "no configured"}));
  EXPECT_LT(outcome.took, kPromptly) << outcome;
}

TEST_F(SdkConnectionErrorsTest, RefusedCertificateIsNotRetried) {
  client::ClientOptions options = OptionsFor("negative/unknown-agency");
  // Retries allowed explicitly: not retrying must be the SDK's choice.
  options.retry.max_attempts = 5;
  const Outcome outcome = ConnectAndList(options);
  EXPECT_TRUE(
      CallFailed(outcome, absl::StatusCode::kUnauthenticated, {"refused"}));
  EXPECT_LT(outcome.took, kPromptly) << outcome;
  // The hub logs each handshake it refuses; a second line would be a retry.
  // Timing alone proves nothing here: five attempts' jittered backoff sleeps
  // at most 1.5 s in all.
  const std::string log = hub_->ReadLog();
  EXPECT_EQ(Occurrences(log, "agency/no-such-agency is not configured"), 1u)
      << log;
}

TEST_F(SdkConnectionErrorsTest, HubThatWorkedAndRestartsIsRiddenOut) {
  auto connected = client::ConnectExchangeClient(OptionsFor(kAgency));
  ASSERT_TRUE(connected.ok()) << connected.status();
  client::ExchangeClient& agency = **connected;
  auto before = agency.List(SentReferrals());
  ASSERT_TRUE(before.ok()) << before.status();
  // Here a refused connection is retried, unlike with a hub that never
  // answered: this client has had answers from it.
  std::thread restart = RestartHubSoon();
  auto during = agency.List(SentReferrals());
  restart.join();
  EXPECT_TRUE(during.ok()) << during.status() << "\n" << hub_->ReadLog();
}

}  // namespace
}  // namespace sx::testing
