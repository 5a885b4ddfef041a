// The event chain and transparency log rebuilt from the events' stored bytes
// alone, one event at a time in sequence order: checks that each event
// follows the one before (sequence, previous_event_sha256), hands out the
// log's nodes as AppendEvent would have stored them, and knows the chain's
// head and the log's root at the end. For dumps (store_dump.h): an export
// checks its source with it, an import writes the target's log with it.
//
//   EventLogRebuild log(hasher);
//   for (const auto& [sequence, bytes] : events) {
//     SX_RETURN_IF_ERROR(log.Add(sequence, bytes, write_node));
//   }
//   SX_ASSIGN_OR_RETURN(std::string root, log.Root());
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "storage/merkle_append.h"
#include "sx/transparency/merkle_hasher.h"

namespace sx::storage {

// The chain's head as the stores keep it (RocksDB meta/event_head,
// PostgreSQL event_chain_head).
struct EventLogHead {
  uint64_t sequence = 0;
  // SHA-256 of the last event's bytes (32 zero bytes before the first).
  std::string sha256;
  // The latest event time so far, at or after the epoch: the next event's
  // time is never stored earlier (RocksDbTransaction::AppendEvent).
  absl::Time time = absl::UnixEpoch();
  // The last sequence whose time is before an earlier event's (written by
  // releases before times were kept from going back); 0 if none.
  uint64_t time_went_back = 0;
};

// Not thread-safe. `hasher` must outlive it.
class EventLogRebuild {
 public:
  explicit EventLogRebuild(const transparency::MerkleHasher& hasher);

  // Event `sequence` with its stored `bytes`: DATA_LOSS unless it is the
  // next one and follows the last. `write_node` (may be empty) gets the
  // leaf and every node the event completes.
  absl::Status Add(uint64_t sequence, absl::string_view bytes,
                   const WriteMerkleNode& write_node);

  uint64_t count() const { return head_.sequence; }
  const EventLogHead& head() const { return head_; }
  // The root over every event added (the empty tree's before the first).
  absl::StatusOr<std::string> Root() const;

 private:
  const transparency::MerkleHasher& hasher_;
  EventLogHead head_;
  absl::Time latest_ = absl::InfinitePast();
  // Per level, the last two nodes written: the left sibling that
  // AppendMerkleLeaf reads after writing its right one, and the perfect
  // subtrees the root is made of (the last of each level).
  struct LevelNodes {
    std::optional<std::pair<uint64_t, std::string>> last;
    std::optional<std::pair<uint64_t, std::string>> before_last;
  };
  std::vector<LevelNodes> levels_;
};

}  // namespace sx::storage
