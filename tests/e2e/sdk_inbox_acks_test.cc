// InboxConsumer's acknowledgements against a scripted inbox (real mTLS,
// loopback): entries handled while an Ack call is on its way share the next
// calls, no entry is acknowledged before its handler succeeded, what was
// handled is acknowledged before Run() returns, and a failed acknowledgement
// makes the consumer reconnect and acknowledge again without handling again.
#include <algorithm>
#include <memory>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "supervision/v1/exchange.grpc.pb.h"
#include "sx/client/exchange_client.h"
#include "sx/client/inbox_consumer.h"
#include "tests/e2e/dev_pki_suite.h"
#include "tests/e2e/fake_hub_server.h"
#include "tests/e2e/hub_process.h"

namespace sx::testing {
namespace {

namespace v1 = ::supervision::v1;
using client::InboxEntry;

// How long a test waits for something that should happen soon: a deadline
// so that a broken consumer fails the test instead of hanging it.
constexpr absl::Duration kGuard = absl::Seconds(10);

// What the consumer's handler did. The scripted inbox asks it whether an
// entry it is asked to acknowledge was handled: an acknowledgement must
// never overtake its handler.
class HandlerLog {
 public:
  // The first call for `sequence` is to fail.
  void FailOnce(uint64_t sequence) {
    absl::MutexLock lock(&mu_);
    fail_once_ = sequence;
  }

  absl::Status Handle(const InboxEntry& entry) {
    absl::MutexLock lock(&mu_);
    calls_.push_back(entry.sequence);
    if (entry.sequence == fail_once_ && !failed_) {
      failed_ = true;
      return absl::UnavailableError("scripted handler failure");
    }
    succeeded_.insert(entry.sequence);
    return absl::OkStatus();
  }

  bool Succeeded(uint64_t sequence) const {
    absl::MutexLock lock(&mu_);
    return succeeded_.contains(sequence);
  }

  bool AwaitSucceeded(size_t count) const {
    absl::MutexLock lock(&mu_);
    auto reached = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return succeeded_.size() >= count;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), kGuard);
  }

  // Every handler call, in order.
  std::vector<uint64_t> calls() const {
    absl::MutexLock lock(&mu_);
    return calls_;
  }

 private:
  mutable absl::Mutex mu_;
  uint64_t fail_once_ ABSL_GUARDED_BY(mu_) = 0;  // 0: none fails
  std::vector<uint64_t> calls_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<uint64_t> succeeded_ ABSL_GUARDED_BY(mu_);
  bool failed_ ABSL_GUARDED_BY(mu_) = false;
};

struct Script {
  // The inbox holds entries 1 to `entries`.
  uint64_t entries = 0;
  // Holds the first AckInbox call until ReleaseAcks(): whatever is handled
  // meanwhile must go in the calls after it.
  bool hold_first_ack = false;
  // The first AckInbox call fails with this code, unless OK.
  grpc::StatusCode first_ack_failure = grpc::StatusCode::OK;
};

// An inbox served as the hub serves it: each stream sends the entries not
// yet acknowledged, in order, then stays open until the client cancels it.
// Records every AckInbox call.
class ScriptedInbox final : public v1::ExchangeService::Service {
 public:
  ScriptedInbox(Script script, const HandlerLog& handler)
      : script_(script), handler_(handler) {}

  grpc::Status StreamInbox(
      grpc::ServerContext* context, const v1::StreamInboxRequest*,
      grpc::ServerWriter<v1::InboxEntry>* writer) override {
    std::vector<uint64_t> unacknowledged;
    {
      absl::MutexLock lock(&mu_);
      ++open_streams_;
      for (uint64_t sequence = 1; sequence <= script_.entries; ++sequence) {
        if (!acknowledged_.contains(sequence)) {
          unacknowledged.push_back(sequence);
        }
      }
      stream_starts_.push_back(unacknowledged.empty() ? 0 : unacknowledged[0]);
    }
    for (uint64_t sequence : unacknowledged) {
      v1::InboxEntry entry;
      entry.set_sequence(sequence);
      if (!writer->Write(entry)) break;
    }
    // Like the hub, wait for new entries (none come) until the client goes.
    // The sync API has no cancellation callback, hence the polling.
    absl::MutexLock lock(&mu_);
    while (!context->IsCancelled() && !shutting_down_) {
      mu_.AwaitWithTimeout(absl::Condition(&shutting_down_),
                           absl::Milliseconds(5));
    }
    --open_streams_;
    return grpc::Status::OK;
  }

  grpc::Status AckInbox(grpc::ServerContext*,
                        const v1::AckInboxRequest* request,
                        v1::AckInboxResponse* response) override {
    const std::vector<uint64_t> sequences(request->sequences().begin(),
                                          request->sequences().end());
    std::vector<uint64_t> unhandled;
    for (uint64_t sequence : sequences) {
      if (!handler_.Succeeded(sequence)) unhandled.push_back(sequence);
    }
    absl::MutexLock lock(&mu_);
    acknowledged_before_handled_.insert(acknowledged_before_handled_.end(),
                                        unhandled.begin(), unhandled.end());
    if (open_streams_ == 0) ++calls_without_open_stream_;
    const bool first = ack_calls_.empty();
    ack_calls_.push_back(sequences);
    if (first && script_.hold_first_ack) {
      mu_.AwaitWithTimeout(absl::Condition(&acks_released_), kGuard);
    }
    if (first && script_.first_ack_failure != grpc::StatusCode::OK) {
      return grpc::Status(script_.first_ack_failure, "scripted ack failure");
    }
    uint32_t newly = 0;
    for (uint64_t sequence : sequences) {
      if (acknowledged_.insert(sequence).second) ++newly;
    }
    response->set_acknowledged(newly);
    return grpc::Status::OK;
  }

  void ReleaseAcks() {
    absl::MutexLock lock(&mu_);
    acks_released_ = true;
  }

  // Lets open streams end before the server shuts down.
  void Close() {
    absl::MutexLock lock(&mu_);
    shutting_down_ = true;
    acks_released_ = true;
  }

  bool AwaitAllAcknowledged() {
    absl::MutexLock lock(&mu_);
    auto all = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return acknowledged_.size() == script_.entries;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&all), kGuard);
  }

  bool AwaitAckCalls(size_t count) {
    absl::MutexLock lock(&mu_);
    auto reached = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return ack_calls_.size() >= count;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), kGuard);
  }

  std::vector<std::vector<uint64_t>> ack_calls() const {
    absl::MutexLock lock(&mu_);
    return ack_calls_;
  }
  size_t acknowledged() const {
    absl::MutexLock lock(&mu_);
    return acknowledged_.size();
  }
  std::vector<uint64_t> acknowledged_before_handled() const {
    absl::MutexLock lock(&mu_);
    return acknowledged_before_handled_;
  }
  // Ack calls that arrived when no stream was open: the consumer closed its
  // stream before acknowledging what it had handled.
  int calls_without_open_stream() const {
    absl::MutexLock lock(&mu_);
    return calls_without_open_stream_;
  }
  // The first sequence each stream sent, in the order they opened.
  std::vector<uint64_t> stream_starts() const {
    absl::MutexLock lock(&mu_);
    return stream_starts_;
  }

 private:
  const Script script_;
  const HandlerLog& handler_;
  mutable absl::Mutex mu_;
  absl::flat_hash_set<uint64_t> acknowledged_ ABSL_GUARDED_BY(mu_);
  std::vector<std::vector<uint64_t>> ack_calls_ ABSL_GUARDED_BY(mu_);
  std::vector<uint64_t> acknowledged_before_handled_ ABSL_GUARDED_BY(mu_);
  int calls_without_open_stream_ ABSL_GUARDED_BY(mu_) = 0;
  int open_streams_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<uint64_t> stream_starts_ ABSL_GUARDED_BY(mu_);
  bool acks_released_ ABSL_GUARDED_BY(mu_) = false;
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
};

std::vector<uint64_t> OneTo(uint64_t last) {
  std::vector<uint64_t> sequences;
  for (uint64_t sequence = 1; sequence <= last; ++sequence) {
    sequences.push_back(sequence);
  }
  return sequences;
}

class SdkInboxAcksTest : public DevPkiSuite {
 protected:
  // Serves `script` and starts a consumer on it whose handler is handler_.
  void Start(Script script, client::InboxConsumerOptions options = {}) {
    inbox_ = std::make_unique<ScriptedInbox>(script, handler_);
    server_ = std::make_unique<FakeHubServer>(*pki_, *inbox_);
    ASSERT_TRUE(server_->started());
    client::ClientOptions connection =
        server_->ClientOptionsFor("discipline-commission");
    connection.retry.initial_backoff = absl::Milliseconds(1);
    client_ = *client::ConnectExchangeClient(connection);
    options.initial_backoff = absl::Milliseconds(1);
    consumer_ = std::make_unique<client::InboxConsumer>(
        *client_,
        [this](const InboxEntry& entry) { return handler_.Handle(entry); },
        options);
    worker_ = std::thread([this] {
      ended_ = consumer_->Run();
      run_ended_.Notify();
    });
  }

  // Stops the consumer and returns what Run() returned.
  absl::Status StopConsumer() {
    consumer_->Stop();
    return JoinConsumer();
  }

  absl::Status JoinConsumer() {
    if (worker_.joinable()) worker_.join();
    return ended_;
  }

  void TearDown() override {
    if (consumer_ != nullptr) consumer_->Stop();
    if (inbox_ != nullptr) inbox_->ReleaseAcks();
    JoinConsumer().IgnoreError();  // each test checks it where it matters
    if (inbox_ != nullptr) inbox_->Close();
    server_.reset();
  }

  // Handles a burst of `entries` while the first Ack call is held, and
  // returns the Ack calls that acknowledged them all.
  std::vector<std::vector<uint64_t>> AcknowledgeBurst(
      uint64_t entries, client::InboxConsumerOptions options) {
    Script script;
    script.entries = entries;
    script.hold_first_ack = true;
    Start(script, options);
    EXPECT_TRUE(handler_.AwaitSucceeded(entries))
        << "handling waited for acknowledgements";
    inbox_->ReleaseAcks();
    EXPECT_TRUE(inbox_->AwaitAllAcknowledged());
    EXPECT_TRUE(StopConsumer().ok());
    EXPECT_EQ(handler_.calls(), OneTo(entries));
    EXPECT_EQ(inbox_->acknowledged_before_handled(), std::vector<uint64_t>{});
    return inbox_->ack_calls();
  }

  HandlerLog handler_;
  std::unique_ptr<ScriptedInbox> inbox_;
  std::unique_ptr<FakeHubServer> server_;
  std::unique_ptr<client::ExchangeClient> client_;
  std::unique_ptr<client::InboxConsumer> consumer_;
  std::thread worker_;
  absl::Status ended_;
  absl::Notification run_ended_;
};

size_t LargestCall(const std::vector<std::vector<uint64_t>>& calls) {
  size_t largest = 0;
  for (const auto& call : calls) largest = std::max(largest, call.size());
  return largest;
}

TEST_F(SdkInboxAcksTest, ABurstIsAcknowledgedInFewCallsOfAtMostAThousand) {
  const auto calls = AcknowledgeBurst(1500, {});
  // The held first call, then the other 1499 or fewer in calls of <= 1000,
  // and one more if the last entry was queued only after the release.
  EXPECT_LE(calls.size(), 1u + 2u + 1u);
  EXPECT_LE(LargestCall(calls), 1000u) << "the hub refuses more per call";
}

TEST_F(SdkInboxAcksTest, MaxAckBatchBoundsEachCall) {
  client::InboxConsumerOptions options;
  options.max_ack_batch = 16;
  const auto calls = AcknowledgeBurst(100, options);
  // The held first call, then the other 99 or fewer in calls of <= 16, and
  // one more if the last entry was queued only after the release.
  EXPECT_LE(calls.size(), 1u + 7u + 1u);
  EXPECT_LE(LargestCall(calls), 16u);
}

TEST_F(SdkInboxAcksTest, StopAcknowledgesWhatWasHandledBeforeClosing) {
  Script script;
  script.entries = 100;
  script.hold_first_ack = true;
  Start(script);
  ASSERT_TRUE(handler_.AwaitSucceeded(100));
  // Stop while the first Ack call is held and the rest wait their turn.
  consumer_->Stop();
  inbox_->ReleaseAcks();
  EXPECT_TRUE(JoinConsumer().ok());
  EXPECT_EQ(inbox_->acknowledged(), 100u) << "Run() returned with acks pending";
  EXPECT_EQ(inbox_->calls_without_open_stream(), 0)
      << "the stream closed before the handled entries were acknowledged";
}

TEST_F(SdkInboxAcksTest,
       AfterAHandlerFailureOnlyHandledEntriesAreAcknowledged) {
  handler_.FailOnce(30);
  Script script;
  script.entries = 50;
  Start(script);
  EXPECT_TRUE(inbox_->AwaitAllAcknowledged());
  EXPECT_TRUE(StopConsumer().ok());
  std::vector<uint64_t> expected = OneTo(29);
  std::vector<uint64_t> rest = OneTo(50);
  expected.insert(expected.end(), rest.begin() + 29, rest.end());
  expected.insert(expected.begin() + 29, 30);  // failed once, handled again
  EXPECT_EQ(handler_.calls(), expected);
  EXPECT_EQ(inbox_->acknowledged_before_handled(), std::vector<uint64_t>{});
  // 1 to 29 were acknowledged before the consumer reconnected.
  EXPECT_EQ(inbox_->stream_starts(), (std::vector<uint64_t>{1, 30}));
  EXPECT_EQ(inbox_->calls_without_open_stream(), 0);
}

TEST_F(SdkInboxAcksTest, AFailedAckIsRepeatedOnTheNextStreamWithoutHandling) {
  Script script;
  script.entries = 50;
  script.hold_first_ack = true;
  // Not retried by the SDK, and no reason to give up: the consumer reconnects.
  script.first_ack_failure = grpc::StatusCode::INTERNAL;
  Start(script);
  ASSERT_TRUE(handler_.AwaitSucceeded(50));
  inbox_->ReleaseAcks();
  EXPECT_TRUE(inbox_->AwaitAllAcknowledged());
  EXPECT_TRUE(StopConsumer().ok());
  EXPECT_EQ(handler_.calls(), OneTo(50)) << "an entry was handled twice";
  // Nothing was acknowledged, so the second stream began at the start.
  EXPECT_EQ(inbox_->stream_starts(), (std::vector<uint64_t>{1, 1}));
}

TEST_F(SdkInboxAcksTest, ARefusedAckEndsRun) {
  Script script;
  script.entries = 5;
  script.first_ack_failure = grpc::StatusCode::PERMISSION_DENIED;
  Start(script);
  ASSERT_TRUE(run_ended_.WaitForNotificationWithTimeout(kGuard))
      << "Run() went on after PERMISSION_DENIED";
  const absl::Status ended = JoinConsumer();
  EXPECT_TRUE(absl::IsPermissionDenied(ended)) << ended;
  EXPECT_EQ(inbox_->acknowledged(), 0u);
}

}  // namespace
}  // namespace sx::testing
