#include "storage/event_log_rebuild.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "storage/event_time.h"
#include "supervision/v1/referral.pb.h"
#include "sx/base/sha256.h"
#include "sx/base/status_macros.h"
#include "sx/transparency/merkle_proofs.h"

namespace sx::storage {
namespace {

// The last node of each level, as the root computation asks for them.
class LastNodes final : public transparency::SubtreeHashSource {
 public:
  explicit LastNodes(
      const std::vector<std::optional<std::pair<uint64_t, std::string>>>& nodes)
      : nodes_(nodes) {}

  absl::StatusOr<std::string> PerfectSubtreeHash(uint64_t level,
                                                 uint64_t index) override {
    if (level < nodes_.size() && nodes_[level].has_value() &&
        nodes_[level]->first == index) {
      return nodes_[level]->second;
    }
    return absl::InternalError(
        absl::StrCat("rebuilt transparency log: node (", level, ", ", index,
                     ") is not on the log's right edge"));
  }

 private:
  const std::vector<std::optional<std::pair<uint64_t, std::string>>>& nodes_;
};

}  // namespace

EventLogRebuild::EventLogRebuild(const transparency::MerkleHasher& hasher)
    : hasher_(hasher) {
  head_.sha256.assign(kSha256Bytes, '\0');
}

absl::Status EventLogRebuild::Add(uint64_t sequence, absl::string_view bytes,
                                  const WriteMerkleNode& write_node) {
  ::supervision::v1::Event event;
  if (sequence != head_.sequence + 1) {
    return absl::DataLossError(
        absl::StrCat("audit chain: expected event ", head_.sequence + 1,
                     ", found ", sequence, " (events missing or reordered)"));
  }
  if (!event.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) ||
      event.sequence() != sequence) {
    return absl::DataLossError(
        absl::StrCat("audit chain: event ", sequence, " is unreadable"));
  }
  if (event.previous_event_sha256() != head_.sha256) {
    return absl::DataLossError(absl::StrCat(
        "audit chain: event ", sequence,
        " does not follow the one before (altered or removed event)"));
  }
  SX_RETURN_IF_ERROR(AppendMerkleLeaf(
      hasher_, sequence - 1, bytes,
      [this](uint64_t level,
             uint64_t index) -> absl::StatusOr<std::optional<std::string>> {
        if (level < levels_.size()) {
          for (const auto& node :
               {levels_[level].last, levels_[level].before_last}) {
            if (node.has_value() && node->first == index) return node->second;
          }
        }
        return std::nullopt;
      },
      [this, &write_node](uint64_t level, uint64_t index,
                          absl::string_view hash) -> absl::Status {
        if (levels_.size() <= level) levels_.resize(level + 1);
        levels_[level].before_last = std::move(levels_[level].last);
        levels_[level].last = std::make_pair(index, std::string(hash));
        return write_node ? write_node(level, index, hash) : absl::OkStatus();
      }));
  const absl::Time time = EventTime(event);
  if (time < latest_) head_.time_went_back = sequence;
  latest_ = std::max(latest_, time);
  head_.time = std::max(head_.time, time);
  head_.sequence = sequence;
  head_.sha256 = Sha256(bytes);
  return absl::OkStatus();
}

absl::StatusOr<std::string> EventLogRebuild::Root() const {
  std::vector<std::optional<std::pair<uint64_t, std::string>>> last;
  for (const LevelNodes& level : levels_) last.push_back(level.last);
  LastNodes nodes(last);
  return transparency::RootHash(head_.sequence, nodes, hasher_);
}

}  // namespace sx::storage
