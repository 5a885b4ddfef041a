#include "server/inbox_notifier.h"

#include <algorithm>

namespace sx::server {

bool InboxNotifier::Subscribe(absl::string_view agency_id, InboxWaiter* waiter,
                              size_t max_streams) {
  absl::MutexLock lock(&mu_);
  std::vector<InboxWaiter*>& list = waiters_[agency_id];
  if (list.size() >= max_streams) return false;
  list.push_back(waiter);
  return true;
}

void InboxNotifier::Unsubscribe(absl::string_view agency_id,
                                InboxWaiter* waiter) {
  absl::MutexLock lock(&mu_);
  auto it = waiters_.find(agency_id);
  if (it == waiters_.end()) return;
  std::vector<InboxWaiter*>& list = it->second;
  list.erase(std::remove(list.begin(), list.end(), waiter), list.end());
  if (list.empty()) waiters_.erase(it);
}

void InboxNotifier::Notify(const std::vector<std::string>& agency_ids) {
  absl::MutexLock lock(&mu_);
  for (const std::string& agency_id : agency_ids) {
    auto it = waiters_.find(agency_id);
    if (it == waiters_.end()) continue;
    for (InboxWaiter* waiter : it->second) waiter->Wake();
  }
}

void InboxNotifier::ReauthenticateAll() {
  absl::MutexLock lock(&mu_);
  for (const auto& [agency_id, waiters] : waiters_) {
    for (InboxWaiter* waiter : waiters) waiter->Reauthenticate();
  }
}

size_t InboxNotifier::OpenStreams(absl::string_view agency_id) const {
  absl::MutexLock lock(&mu_);
  auto it = waiters_.find(agency_id);
  return it == waiters_.end() ? 0 : it->second.size();
}

}  // namespace sx::server
