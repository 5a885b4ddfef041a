// SubmitBatcher against a fake sender whose calls the test answers by hand:
// what goes out alone and what gathers, the count, byte and hold-time
// limits, per-item retries with the same request ids, and a batcher
// destroyed with submits still gathering.
#include "client_sdk/submit_batcher.h"

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace sx::client::internal {
namespace {

namespace v1 = ::supervision::v1;
using Requests = std::vector<v1::SubmitReferralRequest>;

v1::SubmitReferralRequest RequestWithId(const std::string& request_id,
                                        size_t summary_bytes = 0) {
  v1::SubmitReferralRequest request;
  request.set_request_id(request_id);
  request.set_recipient_agency_id("discipline-commission");
  request.mutable_lead()->set_summary(std::string(summary_bytes, 'x'));
  return request;
}

// What the fake hub answers: the referral named after the request id.
Referral ReferralFor(const v1::SubmitReferralRequest& request) {
  Referral referral;
  referral.referral_id = absl::StrCat("ref-", request.request_id());
  return referral;
}

// Records every call and keeps it open until the test answers it.
class FakeSender {
 public:
  SubmitBatcher::SendCall AsSendCall() {
    return [this](std::shared_ptr<const Requests> requests,
                  SubmitBatcher::CallDone done) {
      absl::MutexLock lock(&mu_);
      calls_.push_back({std::move(requests), std::move(done)});
    };
  }

  // Waits (up to 10 s) until `count` calls have been made.
  bool AwaitCalls(size_t count) {
    absl::MutexLock lock(&mu_);
    auto made = [this, count] {
      mu_.AssertHeld();
      return calls_.size() >= count;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&made), absl::Seconds(10));
  }

  size_t calls() {
    absl::MutexLock lock(&mu_);
    return calls_.size();
  }

  // The request ids of call `index`, in order.
  std::vector<std::string> RequestIds(size_t index) {
    absl::MutexLock lock(&mu_);
    std::vector<std::string> ids;
    for (const v1::SubmitReferralRequest& request : *calls_.at(index).requests)
      ids.push_back(request.request_id());
    return ids;
  }

  // Answers call `index`: every item OK, except those `refuse` names.
  void Answer(
      size_t index,
      const std::function<absl::Status(const std::string&)>& refuse =
          [](const std::string&) { return absl::OkStatus(); }) {
    std::shared_ptr<const Requests> requests;
    SubmitBatcher::CallDone done;
    {
      absl::MutexLock lock(&mu_);
      requests = calls_.at(index).requests;
      done = std::move(calls_.at(index).done);
    }
    BatchResults results;
    for (const v1::SubmitReferralRequest& request : *requests) {
      const absl::Status refused = refuse(request.request_id());
      if (refused.ok()) {
        results.push_back(ReferralFor(request));
      } else {
        results.push_back(refused);
      }
    }
    done(std::move(results));
  }

  void AnswerWith(size_t index, BatchResults results) {
    SubmitBatcher::CallDone done;
    {
      absl::MutexLock lock(&mu_);
      done = std::move(calls_.at(index).done);
    }
    done(std::move(results));
  }

  void Fail(size_t index, absl::Status status) {
    SubmitBatcher::CallDone done;
    {
      absl::MutexLock lock(&mu_);
      done = std::move(calls_.at(index).done);
    }
    done(std::move(status));
  }

 private:
  struct Call {
    std::shared_ptr<const Requests> requests;
    SubmitBatcher::CallDone done;
  };
  absl::Mutex mu_;
  std::vector<Call> calls_ ABSL_GUARDED_BY(mu_);
};

// Collects what the callbacks report, by request id.
class Outcomes {
 public:
  SubmitCallback For(const std::string& request_id) {
    return [this, request_id](absl::StatusOr<Referral> result) {
      absl::MutexLock lock(&mu_);
      ++times_called_[request_id];
      results_.insert_or_assign(request_id, std::move(result));
    };
  }
  int TimesCalled(const std::string& request_id) {
    absl::MutexLock lock(&mu_);
    auto it = times_called_.find(request_id);
    return it == times_called_.end() ? 0 : it->second;
  }
  absl::StatusOr<Referral> Result(const std::string& request_id) {
    absl::MutexLock lock(&mu_);
    auto it = results_.find(request_id);
    if (it == results_.end()) return absl::NotFoundError("no result yet");
    return it->second;
  }

 private:
  absl::Mutex mu_;
  std::map<std::string, int> times_called_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, absl::StatusOr<Referral>> results_ ABSL_GUARDED_BY(mu_);
};

SubmitBatching LongHold(int max_count = 100) {
  SubmitBatching batching;
  batching.max_count = max_count;
  // Longer than any test: gathered submits go out for another reason.
  batching.max_hold = absl::Minutes(10);
  return batching;
}

RetryPolicy NoPause(int max_attempts = 5) {
  RetryPolicy retry;
  retry.max_attempts = max_attempts;
  retry.initial_backoff = absl::Milliseconds(1);
  retry.max_backoff = absl::Milliseconds(1);
  return retry;
}

TEST(SubmitBatcherTest, ALoneSubmitGoesOutAtOnceAlone) {
  FakeSender sender;
  Outcomes outcomes;
  SubmitBatcher batcher(LongHold(), NoPause(), sender.AsSendCall());
  batcher.Submit(RequestWithId("a"), outcomes.For("a"));
  ASSERT_EQ(sender.calls(), 1u);
  EXPECT_EQ(sender.RequestIds(0), std::vector<std::string>{"a"});
  sender.Answer(0);
  ASSERT_TRUE(outcomes.Result("a").ok());
  EXPECT_EQ(outcomes.Result("a")->referral_id, "ref-a");
}

TEST(SubmitBatcherTest, SubmitsGatherWhileACallIsOutAndGoWhenItIsAnswered) {
  FakeSender sender;
  Outcomes outcomes;
  SubmitBatcher batcher(LongHold(), NoPause(), sender.AsSendCall());
  batcher.Submit(RequestWithId("first"), outcomes.For("first"));
  for (const char* id : {"b", "c", "d"}) {
    batcher.Submit(RequestWithId(id), outcomes.For(id));
  }
  EXPECT_EQ(sender.calls(), 1u) << "gathered submits went out early";
  sender.Answer(0);
  ASSERT_EQ(sender.calls(), 2u);
  EXPECT_EQ(sender.RequestIds(1), (std::vector<std::string>{"b", "c", "d"}));
  sender.Answer(1);
  for (const char* id : {"first", "b", "c", "d"}) {
    EXPECT_EQ(outcomes.TimesCalled(id), 1) << id;
    EXPECT_TRUE(outcomes.Result(id).ok()) << id;
  }
}

TEST(SubmitBatcherTest, AFullCountGoesOutWithoutWaiting) {
  FakeSender sender;
  Outcomes outcomes;
  SubmitBatcher batcher(LongHold(/*max_count=*/3), NoPause(),
                        sender.AsSendCall());
  batcher.Submit(RequestWithId("first"), outcomes.For("first"));
  for (int i = 0; i < 7; ++i) {
    const std::string id = absl::StrCat("g", i);
    batcher.Submit(RequestWithId(id), outcomes.For(id));
  }
  // Two full calls went while the first was out; one submit still gathers.
  ASSERT_EQ(sender.calls(), 3u);
  EXPECT_EQ(sender.RequestIds(1), (std::vector<std::string>{"g0", "g1", "g2"}));
  EXPECT_EQ(sender.RequestIds(2), (std::vector<std::string>{"g3", "g4", "g5"}));
  for (size_t call = 0; call < 3; ++call) sender.Answer(call);
  ASSERT_EQ(sender.calls(), 4u);
  EXPECT_EQ(sender.RequestIds(3), std::vector<std::string>{"g6"});
  sender.Answer(3);
  EXPECT_TRUE(outcomes.Result("g6").ok());
}

TEST(SubmitBatcherTest, ByteLimitSplitsAndALargeSubmitGoesAlone) {
  FakeSender sender;
  Outcomes outcomes;
  SubmitBatching batching = LongHold();
  batching.max_bytes = 3000;
  SubmitBatcher batcher(batching, NoPause(), sender.AsSendCall());
  batcher.Submit(RequestWithId("first"), outcomes.For("first"));
  // About 1 KB each: two fit under the limit, the third reaches it.
  for (const char* id : {"k1", "k2", "k3"}) {
    batcher.Submit(RequestWithId(id, 1000), outcomes.For(id));
  }
  batcher.Submit(RequestWithId("huge", 5000), outcomes.For("huge"));
  // The submit over the limit by itself pushed out k3, then went alone.
  ASSERT_EQ(sender.calls(), 4u);
  EXPECT_EQ(sender.RequestIds(1), (std::vector<std::string>{"k1", "k2"}));
  EXPECT_EQ(sender.RequestIds(2), (std::vector<std::string>{"k3"}));
  EXPECT_EQ(sender.RequestIds(3), std::vector<std::string>{"huge"});
  for (size_t call = 0; call < 4; ++call) sender.Answer(call);
  EXPECT_TRUE(outcomes.Result("huge").ok());
}

TEST(SubmitBatcherTest, GatheredSubmitsGoOutWhenTheHoldTimeIsOver) {
  FakeSender sender;
  Outcomes outcomes;
  SubmitBatching batching;
  batching.max_hold = absl::Milliseconds(20);
  SubmitBatcher batcher(batching, NoPause(), sender.AsSendCall());
  batcher.Submit(RequestWithId("first"), outcomes.For("first"));
  batcher.Submit(RequestWithId("held"), outcomes.For("held"));
  // The first call is never answered before the second goes: only the
  // hold time can send it.
  ASSERT_TRUE(sender.AwaitCalls(2)) << "the hold time never sent the submit";
  EXPECT_EQ(sender.RequestIds(1), std::vector<std::string>{"held"});
  sender.Answer(0);
  sender.Answer(1);
  EXPECT_TRUE(outcomes.Result("held").ok());
}

TEST(SubmitBatcherTest, AnItemTheHubCouldNotTakeGoesAgainWithItsRequestId) {
  FakeSender sender;
  Outcomes outcomes;
  SubmitBatcher batcher(LongHold(), NoPause(), sender.AsSendCall());
  batcher.Submit(RequestWithId("first"), outcomes.For("first"));
  for (const char* id : {"x", "busy", "y"}) {
    batcher.Submit(RequestWithId(id), outcomes.For(id));
  }
  sender.Answer(0);
  ASSERT_EQ(sender.calls(), 2u);
  sender.Answer(1, [](const std::string& id) {
    return id == "busy" ? absl::UnavailableError("storage busy")
                        : absl::OkStatus();
  });
  EXPECT_EQ(outcomes.TimesCalled("busy"), 0) << "retry was not attempted";
  ASSERT_TRUE(sender.AwaitCalls(3));
  EXPECT_EQ(sender.RequestIds(2), std::vector<std::string>{"busy"});
  sender.Answer(2);
  EXPECT_EQ(outcomes.TimesCalled("busy"), 1);
  ASSERT_TRUE(outcomes.Result("busy").ok());
  EXPECT_EQ(outcomes.Result("busy")->referral_id, "ref-busy");
  EXPECT_EQ(outcomes.TimesCalled("x"), 1);
}

TEST(SubmitBatcherTest, PerItemRetriesEndWhenTheAttemptsAreSpent) {
  FakeSender sender;
  Outcomes outcomes;
  SubmitBatcher batcher(LongHold(), NoPause(/*max_attempts=*/3),
                        sender.AsSendCall());
  batcher.Submit(RequestWithId("busy"), outcomes.For("busy"));
  for (size_t call = 0; call < 3; ++call) {
    ASSERT_TRUE(sender.AwaitCalls(call + 1));
    EXPECT_EQ(sender.RequestIds(call), std::vector<std::string>{"busy"});
    sender.Answer(call, [](const std::string&) {
      return absl::UnavailableError("storage busy");
    });
  }
  EXPECT_EQ(outcomes.TimesCalled("busy"), 1);
  EXPECT_EQ(outcomes.Result("busy").status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(sender.calls(), 3u);
}

TEST(SubmitBatcherTest, ARefusalIsFinalAndACallFailureReachesEveryItem) {
  FakeSender sender;
  Outcomes outcomes;
  SubmitBatcher batcher(LongHold(), NoPause(), sender.AsSendCall());
  batcher.Submit(RequestWithId("refused"), outcomes.For("refused"));
  for (const char* id : {"p", "q"}) {
    batcher.Submit(RequestWithId(id), outcomes.For(id));
  }
  sender.Answer(0, [](const std::string&) {
    return absl::PermissionDeniedError("no route");
  });
  ASSERT_EQ(sender.calls(), 2u);
  // The sender has spent its own retries on the call as a whole.
  sender.Fail(1, absl::UnavailableError("hub unreachable"));
  EXPECT_EQ(sender.calls(), 2u) << "a failed call was sent again";
  EXPECT_EQ(outcomes.Result("refused").status().code(),
            absl::StatusCode::kPermissionDenied);
  for (const char* id : {"p", "q"}) {
    EXPECT_EQ(outcomes.TimesCalled(id), 1) << id;
    EXPECT_EQ(outcomes.Result(id).status().code(),
              absl::StatusCode::kUnavailable)
        << id;
  }
}

TEST(SubmitBatcherTest, ACallRefusedForItsSizeGoesAgainInHalves) {
  FakeSender sender;
  Outcomes outcomes;
  SubmitBatcher batcher(LongHold(/*max_count=*/4), NoPause(),
                        sender.AsSendCall());
  batcher.Submit(RequestWithId("first"), outcomes.For("first"));
  for (const char* id : {"a", "b", "c", "d"}) {
    batcher.Submit(RequestWithId(id), outcomes.For(id));
  }
  ASSERT_EQ(sender.calls(), 2u);
  sender.Fail(
      1, absl::InvalidArgumentError("referrals: 4 items; a batch holds 1 to 2 "
                                    "(limits.max_batch_submits)"));
  ASSERT_EQ(sender.calls(), 4u);
  EXPECT_EQ(sender.RequestIds(2), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(sender.RequestIds(3), (std::vector<std::string>{"c", "d"}));
  EXPECT_EQ(outcomes.TimesCalled("a"), 0) << "the refusal reached the caller";
  sender.Answer(0);
  sender.Answer(2);
  sender.Answer(3);
  for (const char* id : {"a", "b", "c", "d"}) {
    EXPECT_EQ(outcomes.TimesCalled(id), 1) << id;
    EXPECT_TRUE(outcomes.Result(id).ok()) << id;
  }
  // Later calls keep to the size the hub took.
  batcher.Submit(RequestWithId("e"), outcomes.For("e"));
  ASSERT_EQ(sender.calls(), 5u);
  sender.Answer(4);
}

TEST(SubmitBatcherTest, AHubWithoutSubmitReferralsGetsOneAtATime) {
  FakeSender sender;
  Outcomes outcomes;
  SubmitBatcher batcher(LongHold(/*max_count=*/3), NoPause(),
                        sender.AsSendCall());
  batcher.Submit(RequestWithId("first"), outcomes.For("first"));
  for (const char* id : {"a", "b", "c"}) {
    batcher.Submit(RequestWithId(id), outcomes.For(id));
  }
  ASSERT_EQ(sender.calls(), 2u);
  sender.Fail(1, absl::UnimplementedError("unknown method SubmitReferrals"));
  ASSERT_EQ(sender.calls(), 5u);
  EXPECT_EQ(sender.RequestIds(2), std::vector<std::string>{"a"});
  EXPECT_EQ(sender.RequestIds(4), std::vector<std::string>{"c"});
  for (size_t call : {0, 2, 3, 4}) sender.Answer(call);
  for (const char* id : {"a", "b", "c"}) {
    EXPECT_TRUE(outcomes.Result(id).ok()) << id;
  }
}

TEST(SubmitBatcherTest, ShortAnswersFailTheWholeCall) {
  FakeSender sender;
  Outcomes outcomes;
  SubmitBatcher batcher(LongHold(), NoPause(), sender.AsSendCall());
  batcher.Submit(RequestWithId("first"), outcomes.For("first"));
  batcher.Submit(RequestWithId("second"), outcomes.For("second"));
  sender.Answer(0);
  ASSERT_EQ(sender.calls(), 2u);
  // A call of one answered with no result at all.
  sender.AnswerWith(1, BatchResults{});
  EXPECT_EQ(outcomes.Result("second").status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(SubmitBatcherTest, WhatCallbacksSubmitGathersIntoOneCall) {
  FakeSender sender;
  Outcomes outcomes;
  SubmitBatcher batcher(LongHold(), NoPause(), sender.AsSendCall());
  // A program pacing itself by its callbacks: each result submits the next.
  std::atomic<int> next{0};
  std::function<void(absl::StatusOr<Referral>)> chain =
      [&](absl::StatusOr<Referral>) {
        const int turn = next.fetch_add(1);
        if (turn < 4)
          batcher.Submit(RequestWithId(absl::StrCat("n", turn)), chain);
      };
  batcher.Submit(RequestWithId("first"), chain);
  for (const char* id : {"b", "c", "d"}) {
    batcher.Submit(RequestWithId(id), chain);
  }
  sender.Answer(0);  // "first" calls back: n0
  sender.Answer(1);  // b, c, d call back: n1, n2, n3
  ASSERT_EQ(sender.calls(), 3u);
  EXPECT_EQ(sender.RequestIds(1),
            (std::vector<std::string>{"b", "c", "d", "n0"}))
      << "what a callback submitted went out alone";
  EXPECT_EQ(sender.RequestIds(2), (std::vector<std::string>{"n1", "n2", "n3"}));
  sender.Answer(2);
}

TEST(SubmitBatcherTest, DestroyingTheBatcherSendsWhatGatheredAndWaits) {
  // Answers each call from its own thread a little later, as gRPC would.
  std::vector<std::thread> answering;
  absl::Mutex answering_mu;
  SubmitBatcher::SendCall send = [&](std::shared_ptr<const Requests> requests,
                                     SubmitBatcher::CallDone done) {
    absl::MutexLock lock(&answering_mu);
    answering.emplace_back([requests, done = std::move(done)] {
      absl::SleepFor(absl::Milliseconds(20));
      BatchResults results;
      for (const v1::SubmitReferralRequest& request : *requests)
        results.push_back(ReferralFor(request));
      done(std::move(results));
    });
  };
  Outcomes outcomes;
  {
    SubmitBatcher batcher(LongHold(), NoPause(), send);
    for (int i = 0; i < 10; ++i) {
      const std::string id = absl::StrCat("s", i);
      batcher.Submit(RequestWithId(id), outcomes.For(id));
    }
  }
  // Every callback ran before the destructor returned.
  for (int i = 0; i < 10; ++i) {
    const std::string id = absl::StrCat("s", i);
    EXPECT_EQ(outcomes.TimesCalled(id), 1) << id;
    EXPECT_TRUE(outcomes.Result(id).ok()) << id;
  }
  absl::MutexLock lock(&answering_mu);
  // One alone, then the nine that gathered behind it in one call.
  EXPECT_EQ(answering.size(), 2u);
  for (std::thread& thread : answering) thread.join();
}

}  // namespace
}  // namespace sx::client::internal
