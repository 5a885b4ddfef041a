#include "sx/encryption/key_use_counts.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "sx/base/status_macros.h"

namespace sx::encryption {
namespace {

// Beside the referral conditions ("g/") and queue depths ("q/").
constexpr absl::string_view kCounterPrefix = "k/encrypted/";
// Sorts right after every key under kCounterPrefix.
constexpr absl::string_view kCounterEnd = "k/encrypted0";
// Far more keys than anyone keeps in a key file.
constexpr size_t kMaxKeys = 1000;

}  // namespace

absl::StatusOr<KeyUse> ReadKeyUse(storage::Store& store) {
  SX_ASSIGN_OR_RETURN(
      auto counters, store.ReadCounters(kCounterPrefix, kCounterEnd, kMaxKeys));
  if (counters.size() >= kMaxKeys) {
    return absl::FailedPreconditionError(
        absl::StrCat("the data directory counts records under ", kMaxKeys,
                     " or more key-encryption keys, more than the hub reads"));
  }
  KeyUse use;
  for (const auto& [key, count] : counters) {
    if (count != 0) use[key.substr(kCounterPrefix.size())] = count;
  }
  return use;
}

absl::Status CheckRingCoversKeyUse(const KeyUse& use, const KeyRing& ring,
                                   absl::string_view key_file) {
  std::vector<std::string> missing;
  for (const auto& [fingerprint, count] : use) {
    if (ring.Find(fingerprint) == nullptr) {
      missing.push_back(
          absl::StrCat(count, " records under key ", fingerprint));
    }
  }
  if (missing.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "the data directory holds ", absl::StrJoin(missing, " and "),
      ", which the key file ", key_file,
      " does not hold (a key is known by its fingerprint, so a different "
      "key under the same name does not count): put that key back into the "
      "file; a key may leave the file only once `sxctl admin status` counts "
      "no records under it (after `sxctl admin rewrap-keys`)"));
}

absl::Status CheckNothingEncrypted(storage::Store& store) {
  SX_ASSIGN_OR_RETURN(KeyUse use, ReadKeyUse(store));
  int64_t total = 0;
  for (const auto& entry : use) total += entry.second;
  if (total == 0) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "the data directory holds ", total,
      " records encrypted at rest, but the config has no `encryption` "
      "section: name the key file in `encryption { key_file: ... }` to "
      "start"));
}

void KeyUseDeltas::Moved(const std::optional<std::string>& before,
                         const std::optional<std::string>& after) {
  if (before == after) return;
  if (before.has_value()) --deltas_[*before];
  if (after.has_value()) ++deltas_[*after];
}

std::vector<std::pair<std::string, int64_t>> KeyUseDeltas::Take() {
  std::vector<std::pair<std::string, int64_t>> counters;
  for (const auto& [fingerprint, delta] : deltas_) {
    if (delta != 0) {
      counters.emplace_back(absl::StrCat(kCounterPrefix, fingerprint), delta);
    }
  }
  deltas_.clear();
  return counters;
}

}  // namespace sx::encryption
