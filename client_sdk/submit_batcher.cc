#include "client_sdk/submit_batcher.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace sx::client::internal {
namespace {

namespace v1 = ::supervision::v1;
using Requests = std::vector<v1::SubmitReferralRequest>;

// What the hub may answer for one item of a call that worked and that a
// later call can settle: the same codes the transport retries.
bool WorthAnotherCall(const absl::StatusOr<Referral>& result) {
  return result.status().code() == absl::StatusCode::kUnavailable ||
         result.status().code() == absl::StatusCode::kDeadlineExceeded;
}

// A gathered call refused as a whole for what gathering made of it, not
// for its referrals: more than the hub's limits.max_batch_submits
// (INVALID_ARGUMENT; everything else about a referral is refused item by
// item), or a hub from before SubmitReferrals (UNIMPLEMENTED). Its
// referrals go again in smaller calls, so that each gets what Submit would
// have given it.
bool GatheringWasRefused(const absl::Status& status, size_t items) {
  return items > 1 && (status.code() == absl::StatusCode::kInvalidArgument ||
                       status.code() == absl::StatusCode::kUnimplemented);
}

}  // namespace

class SubmitBatcher::State : public std::enable_shared_from_this<State> {
 public:
  State(const SubmitBatching& batching, const RetryPolicy& retry, SendCall send)
      : batching_(batching),
        retry_(retry),
        send_(std::move(send)),
        gather_limit_(std::max(batching.max_count, 1)) {}

  void Submit(v1::SubmitReferralRequest request, SubmitCallback done) {
    Gathered item;
    item.bytes = request.ByteSizeLong();
    item.request = std::move(request);
    item.done = std::move(done);
    std::vector<Call> calls;
    {
      absl::MutexLock lock(&mu_);
      // The hold-time thread: sends what has waited long enough and the
      // items whose backoff is over. Started by the first submit, so that
      // a client that only reads has none; runs until the batcher closes
      // and every submit has finished; Close() joins it.
      if (!hold_timer_.joinable()) {
        hold_timer_ = std::thread([this] { RunHoldTimer(); });
      }
      ++unfinished_;
      Gather(std::move(item), absl::Now());
      calls = TakeDueCalls(absl::Now());
      // A gathering just begun has a new hold deadline.
      if (gathering_.size() == 1) wake_timer_.Signal();
    }
    SendAll(std::move(calls));
  }

  void Close() {
    std::vector<Call> calls;
    {
      absl::MutexLock lock(&mu_);
      closing_ = true;
      calls = TakeDueCalls(absl::Now());
      wake_timer_.Signal();
    }
    SendAll(std::move(calls));
    if (hold_timer_.joinable()) hold_timer_.join();
  }

 private:
  struct Gathered {
    v1::SubmitReferralRequest request;
    SubmitCallback done;
    size_t bytes = 0;
    // Calls this item has been part of.
    int calls = 0;
    absl::Time gathered_at;
    // After a per-item failure: not sent again before this.
    absl::Time not_before;
  };
  // An item of a call on its way: its request is the call's, by position.
  struct Sent {
    SubmitCallback done;
    size_t bytes = 0;
    int calls = 0;
  };
  struct Call {
    std::shared_ptr<const Requests> requests;
    std::vector<Sent> items;
  };
  using Finished = std::pair<SubmitCallback, absl::StatusOr<Referral>>;

  void Gather(Gathered item, absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    item.gathered_at = now;
    gathered_bytes_ += item.bytes;
    gathering_.push_back(std::move(item));
  }

  // Whether what has gathered should go out now (see SubmitBatching).
  bool GatheredIsDue(absl::Time now) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (gathering_.empty()) return false;
    return closing_ || calls_out_ == 0 ||
           gathering_.size() >= static_cast<size_t>(gather_limit_) ||
           gathered_bytes_ >= batching_.max_bytes ||
           now >= gathering_.front().gathered_at + batching_.max_hold;
  }

  std::vector<Call> TakeDueCalls(absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    // Items whose backoff is over gather again, in the order they failed.
    for (auto it = backing_off_.begin(); it != backing_off_.end();) {
      if (it->not_before <= now) {
        Gather(std::move(*it), now);
        it = backing_off_.erase(it);
      } else {
        ++it;
      }
    }
    std::vector<Call> calls;
    while (GatheredIsDue(now)) {
      auto requests = std::make_shared<Requests>();
      Call call;
      size_t bytes = 0;
      // At least one item, however large; then as many as the limits allow.
      while (!gathering_.empty() &&
             requests->size() < static_cast<size_t>(gather_limit_) &&
             (requests->empty() ||
              bytes + gathering_.front().bytes <= batching_.max_bytes)) {
        Gathered& item = gathering_.front();
        bytes += item.bytes;
        gathered_bytes_ -= item.bytes;
        requests->push_back(std::move(item.request));
        call.items.push_back(
            {std::move(item.done), item.bytes, item.calls + 1});
        gathering_.pop_front();
      }
      call.requests = std::move(requests);
      ++calls_out_;
      calls.push_back(std::move(call));
    }
    return calls;
  }

  void SendAll(std::vector<Call> calls) {
    for (Call& call : calls) {
      std::shared_ptr<const Requests> requests = call.requests;
      // The sender may answer at once, on this thread; nothing is locked.
      // The answer holds the state: the batcher may be gone the moment the
      // last submit has been called back, with this code still running.
      send_(std::move(requests),
            [self = shared_from_this(), call = std::move(call)](
                absl::StatusOr<BatchResults> results) mutable {
              self->CallFinished(std::move(call), std::move(results));
            });
    }
  }

  // Item `i` of `call` as a gathered item again, to go in a later call;
  // `calls_change` corrects its count of the calls it was part of.
  static Gathered Unsent(Call& call, size_t i, int calls_change) {
    Sent& item = call.items[i];
    Gathered again;
    again.request = (*call.requests)[i];
    again.done = std::move(item.done);
    again.bytes = item.bytes;
    again.calls = item.calls + calls_change;
    return again;
  }

  void CallFinished(Call call, absl::StatusOr<BatchResults> results) {
    if (results.ok() && results->size() != call.items.size()) {
      results = absl::DataLossError(
          absl::StrCat("the hub answered a call of ", call.items.size(),
                       " submits with ", results->size(), " results"));
    }
    std::vector<Finished> finished;
    {
      absl::MutexLock lock(&mu_);
      const absl::Time now = absl::Now();
      if (!results.ok() &&
          GatheringWasRefused(results.status(), call.items.size())) {
        // Half the size until the hub takes it (one per call, the old
        // SubmitReferral, for a hub without SubmitReferrals); the
        // referrals go first, in their order, with their request ids.
        gather_limit_ =
            results.status().code() == absl::StatusCode::kUnimplemented
                ? 1
                : std::max<int>(1, std::min<size_t>(gather_limit_,
                                                    call.items.size() / 2));
        for (size_t i = call.items.size(); i-- > 0;) {
          // The refused call does not count as an attempt.
          Gathered again = Unsent(call, i, /*calls_change=*/-1);
          again.gathered_at = now;
          gathered_bytes_ += again.bytes;
          gathering_.push_front(std::move(again));
        }
        call.items.clear();
      }
      for (size_t i = 0; i < call.items.size(); ++i) {
        Sent& item = call.items[i];
        absl::StatusOr<Referral> result =
            results.ok() ? std::move((*results)[i])
                         : absl::StatusOr<Referral>(results.status());
        if (results.ok() && WorthAnotherCall(result) &&
            item.calls < retry_.max_attempts) {
          // Same request, same request id: the hub applies it once.
          Gathered again = Unsent(call, i, /*calls_change=*/0);
          again.not_before = now + Backoff(item.calls);
          backing_off_.push_back(std::move(again));
          wake_timer_.Signal();
        } else {
          finished.emplace_back(std::move(item.done), std::move(result));
        }
      }
    }
    for (Finished& item : finished) item.first(std::move(item.second));
    std::vector<Call> calls;
    {
      absl::MutexLock lock(&mu_);
      // The call counts as out until its callbacks have run: what they
      // submit (a program pacing itself by its callbacks) gathers, and goes
      // out here together rather than the first of it alone.
      --calls_out_;
      unfinished_ -= static_cast<int>(finished.size());
      calls = TakeDueCalls(absl::Now());
      if (unfinished_ == 0 || !gathering_.empty()) wake_timer_.Signal();
    }
    SendAll(std::move(calls));
  }

  // Exponential in the calls made, capped, with full jitter (as the
  // transport's retries).
  absl::Duration Backoff(int calls) const {
    absl::Duration ceiling = retry_.initial_backoff;
    for (int i = 1; i < calls && ceiling < retry_.max_backoff; ++i) {
      ceiling *= 2;
    }
    ceiling = std::min(ceiling, retry_.max_backoff);
    thread_local std::minstd_rand jitter(std::random_device{}());
    std::uniform_int_distribution<int64_t> spread(
        0, absl::ToInt64Microseconds(ceiling));
    return absl::Microseconds(spread(jitter));
  }

  // When the hold-time thread must look again: the hold deadline of the
  // oldest gathered item while calls are out, and the end of each backoff.
  absl::Time NextWake() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    absl::Time wake = absl::InfiniteFuture();
    if (!gathering_.empty()) {
      wake = gathering_.front().gathered_at + batching_.max_hold;
    }
    for (const Gathered& item : backing_off_) {
      wake = std::min(wake, item.not_before);
    }
    return wake;
  }

  void RunHoldTimer() {
    absl::MutexLock lock(&mu_);
    while (!(closing_ && unfinished_ == 0)) {
      wake_timer_.WaitWithDeadline(&mu_, NextWake());
      std::vector<Call> calls = TakeDueCalls(absl::Now());
      if (calls.empty()) continue;
      mu_.Unlock();
      SendAll(std::move(calls));
      mu_.Lock();
    }
  }

  const SubmitBatching batching_;
  const RetryPolicy retry_;
  const SendCall send_;
  // Written under mu_ by the first Submit; joined by Close, after the last.
  std::thread hold_timer_;

  absl::Mutex mu_;
  absl::CondVar wake_timer_;
  std::deque<Gathered> gathering_ ABSL_GUARDED_BY(mu_);
  size_t gathered_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<Gathered> backing_off_ ABSL_GUARDED_BY(mu_);
  int calls_out_ ABSL_GUARDED_BY(mu_) = 0;
  // At most this many per call: batching_.max_count, less once the hub has
  // refused calls that large (GatheringWasRefused).
  int gather_limit_ ABSL_GUARDED_BY(mu_);
  // Submitted and not yet called back.
  int unfinished_ ABSL_GUARDED_BY(mu_) = 0;
  bool closing_ ABSL_GUARDED_BY(mu_) = false;
};

SubmitBatcher::SubmitBatcher(const SubmitBatching& batching,
                             const RetryPolicy& retry, SendCall send)
    : state_(std::make_shared<State>(batching, retry, std::move(send))) {}

SubmitBatcher::~SubmitBatcher() { state_->Close(); }

void SubmitBatcher::Submit(v1::SubmitReferralRequest request,
                           SubmitCallback done) {
  state_->Submit(std::move(request), std::move(done));
}

}  // namespace sx::client::internal
