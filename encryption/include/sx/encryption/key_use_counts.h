// How many stored records have their data key wrapped by each
// key-encryption key, counted as records are written (store counters, in
// the same transaction), so that the hub can tell at start and at a key
// file reload whether every key the data needs is there, and an operator
// can tell when an old key has nothing left under it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sx/encryption/key_ring.h"
#include "sx/storage/store.h"

namespace sx::encryption {

// Records per key fingerprint; fingerprints with none left are omitted.
using KeyUse = std::map<std::string, int64_t>;

absl::StatusOr<KeyUse> ReadKeyUse(storage::Store& store);

// OK if `ring` holds every key that records are encrypted under; otherwise
// FAILED_PRECONDITION naming each missing fingerprint, its record count and
// `key_file`.
absl::Status CheckRingCoversKeyUse(const KeyUse& use, const KeyRing& ring,
                                   absl::string_view key_file);

// For a hub without encryption: OK if no record is encrypted, otherwise
// FAILED_PRECONDITION (it would serve records without their content).
absl::Status CheckNothingEncrypted(storage::Store& store);

// The changes to the counts one transaction makes.
class KeyUseDeltas {
 public:
  // A record whose data key was wrapped by `before` (nullopt: not
  // encrypted, or new) is now by `after`.
  void Moved(const std::optional<std::string>& before,
             const std::optional<std::string>& after);
  // The counter deltas to add, and none left here.
  std::vector<std::pair<std::string, int64_t>> Take();

 private:
  std::map<std::string, int64_t> deltas_;
};

}  // namespace sx::encryption
