#include "storage/derived_changes.h"

#include <algorithm>

namespace sx::storage {
namespace {

template <typename T>
bool Contains(const std::vector<T>& list, const T& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

DerivedChanges DiffDerivedEntries(const ReferralDeriver& deriver,
                                  const ::supervision::v1::Referral* before,
                                  const ::supervision::v1::Referral& after) {
  DerivedEntries was;
  if (before != nullptr) was = deriver.derive(*before);
  const DerivedEntries is = deriver.derive(after);
  DerivedChanges changes;
  // Counters: one less where the referral no longer counts, one more where
  // it newly does. Both lists are short (a handful of conditions).
  for (const std::string& key : was.counters) {
    if (!Contains(is.counters, key)) changes.counter_deltas.emplace_back(key, -1);
  }
  for (const std::string& key : is.counters) {
    if (!Contains(was.counters, key)) changes.counter_deltas.emplace_back(key, 1);
  }
  for (const auto& [key, value] : was.watched) {
    const bool kept = std::any_of(
        is.watched.begin(), is.watched.end(),
        [&key = key](const auto& entry) { return entry.first == key; });
    if (!kept) changes.unwatched.push_back(key);
  }
  for (const auto& entry : is.watched) {
    if (!Contains(was.watched, entry)) changes.watched.push_back(entry);
  }
  // Index keys: most writes change none of them (only a new state does).
  for (const std::string& key : was.indexed) {
    if (!Contains(is.indexed, key)) changes.unindexed.push_back(key);
  }
  for (const std::string& key : is.indexed) {
    if (!Contains(was.indexed, key)) changes.indexed.push_back(key);
  }
  return changes;
}

}  // namespace sx::storage
