#include "server/inbox_stream.h"

#include "absl/strings/str_cat.h"
#include "server/grpc_status.h"
#include "server/hub_log.h"

namespace sx::server {
namespace {

// Entries read from storage at a time; bounds memory per stream.
constexpr size_t kReadBatch = 64;
// Carried sequences remembered per stream for delivery accounting.
constexpr size_t kMaxCarried = 4096;

}  // namespace

InboxStream::InboxStream(core::ExchangeCore& core, InboxNotifier& notifier,
                         core::Identity caller, Reauthenticator reauthenticate,
                         uint64_t after_sequence, size_t max_streams)
    : core_(core),
      notifier_(notifier),
      caller_(std::move(caller)),
      reauthenticate_(std::move(reauthenticate)),
      last_sequence_(after_sequence) {
  subscribed_ = notifier_.Subscribe(caller_.name, this, max_streams);
  if (!subscribed_) {
    Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                        absl::StrCat("agency \"", caller_.name,
                                     "\" already holds ", max_streams,
                                     " open inbox streams; close one or raise "
                                     "limits.max_inbox_streams_per_agency")));
    return;
  }
  // A config reload or new CRL between the caller's authentication and
  // Subscribe would not have reached this stream: check once more.
  if (EndIfNoLongerAllowed()) return;
  Pump();
}

// gRPC may run reactions inline, so StartWrite and Finish are called only
// after mu_ is released.
void InboxStream::Pump() {
  std::optional<grpc::Status> finish;
  {
    absl::MutexLock lock(&mu_);
    if (writing_ || finished_) return;
    if (pending_.empty()) {
      absl::StatusOr<std::vector<supervision::v1::InboxEntry>> entries =
          core_.ReadInbox(caller_, last_sequence_, kReadBatch);
      if (!entries.ok()) {
        finish = FinishOnce(ToGrpcStatus(entries.status()));
      } else {
        for (auto& entry : *entries) pending_.push_back(std::move(entry));
      }
    }
    if (!finish.has_value()) {
      if (pending_.empty()) return;  // Wake() calls again when more arrive
      in_flight_ = std::move(pending_.front());
      pending_.pop_front();
      last_sequence_ = in_flight_.sequence();
      carried_.push_back(last_sequence_);
      if (carried_.size() > kMaxCarried) carried_.pop_front();
      writing_ = true;
    }
  }
  if (finish.has_value()) {
    Finish(*finish);
  } else {
    StartWrite(&in_flight_);
  }
}

void InboxStream::OnWriteDone(bool ok) {
  std::optional<grpc::Status> finish;
  {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    if (!ok || finished_) {
      // The client went away; unacknowledged entries wait for its return.
      finish = FinishOnce(
          grpc::Status(grpc::StatusCode::CANCELLED, "stream closed"));
    }
  }
  if (finish.has_value()) {
    Finish(*finish);
    return;
  }
  Pump();
}

void InboxStream::Wake() { Pump(); }

void InboxStream::Reauthenticate() { EndIfNoLongerAllowed(); }

bool InboxStream::EndIfNoLongerAllowed() {
  const absl::Status allowed = reauthenticate_();
  if (allowed.ok()) return false;
  LogLine(absl::StrCat("StreamInbox caller=", caller_.name,
                       " ended: ", allowed.message()));
  std::optional<grpc::Status> finish;
  {
    absl::MutexLock lock(&mu_);
    finish = FinishOnce(ToGrpcStatus(allowed));
  }
  if (finish.has_value()) Finish(*finish);
  return true;
}

void InboxStream::OnCancel() {
  std::optional<grpc::Status> finish;
  {
    absl::MutexLock lock(&mu_);
    finish = FinishOnce(
        grpc::Status(grpc::StatusCode::CANCELLED, "stream cancelled"));
  }
  if (finish.has_value()) Finish(*finish);
}

std::optional<grpc::Status> InboxStream::FinishOnce(grpc::Status status) {
  // The first reason to end is the one the client hears.
  if (!finished_) ending_ = std::move(status);
  finished_ = true;
  // With a write in flight, OnWriteDone comes back here once it returns.
  if (finish_called_ || writing_) return std::nullopt;
  finish_called_ = true;
  return ending_;
}

void InboxStream::OnDone() {
  if (subscribed_) notifier_.Unsubscribe(caller_.name, this);
  std::vector<uint64_t> carried;
  {
    absl::MutexLock lock(&mu_);
    carried.assign(carried_.begin(), carried_.end());
  }
  if (!carried.empty()) {
    core_.RecordUnacknowledged(
        caller_, std::move(carried),
        [agency = caller_.name](absl::Status status) {
          if (!status.ok()) {
            LogLine(absl::StrCat("delivery accounting for ", agency,
                                 " failed: ", status.message()));
          }
        });
  }
  delete this;
}

}  // namespace sx::server
