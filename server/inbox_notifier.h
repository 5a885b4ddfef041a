// Wakes the open inbox streams of an agency when its inbox grows, bounds how
// many streams one agency may hold open, and has every open stream re-check
// its caller when the config or the CRLs change.
#pragma once

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace sx::server {

class InboxWaiter {
 public:
  virtual ~InboxWaiter() = default;
  // Called after new entries for the waiter's agency became durable. Must not
  // block; may be called on the store's writer thread.
  virtual void Wake() = 0;
  // Checks the caller again against the current config and CRLs, and ends
  // the stream (UNAUTHENTICATED) if it no longer passes. Must not block.
  virtual void Reauthenticate() = 0;
};

// Thread-safe. Wake() and Reauthenticate() run under the notifier's lock, so
// once Unsubscribe returns the waiter is never called again and may be
// destroyed.
class InboxNotifier {
 public:
  // False if the agency already holds `max_streams` streams.
  bool Subscribe(absl::string_view agency_id, InboxWaiter* waiter,
                 size_t max_streams);
  void Unsubscribe(absl::string_view agency_id, InboxWaiter* waiter);
  void Notify(const std::vector<std::string>& agency_ids);
  // Calls Reauthenticate() on every open stream.
  void ReauthenticateAll();
  size_t OpenStreams(absl::string_view agency_id) const;

 private:
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::vector<InboxWaiter*>> waiters_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace sx::server
