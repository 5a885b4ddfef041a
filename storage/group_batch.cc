#include "storage/group_batch.h"

#include <cstring>

#include "storage/rocksdb_status.h"
#include "storage/slices.h"
#include "sx/base/status_macros.h"

namespace sx::storage {

std::string GroupBatch::OverlayKey(rocksdb::ColumnFamilyHandle* cf,
                                   absl::string_view key) {
  const uint32_t id = cf->GetID();
  std::string overlay_key(sizeof(id) + key.size(), '\0');
  std::memcpy(overlay_key.data(), &id, sizeof(id));
  std::memcpy(overlay_key.data() + sizeof(id), key.data(), key.size());
  return overlay_key;
}

void GroupBatch::Remember(const std::string& overlay_key) {
  if (!has_save_point_) return;
  auto found = overlay_.find(overlay_key);
  Undo undo{overlay_key, std::nullopt};
  if (found != overlay_.end()) undo.previous = found->second;
  undo_.push_back(std::move(undo));
}

absl::Status GroupBatch::Put(rocksdb::ColumnFamilyHandle* cf,
                             absl::string_view key, absl::string_view value) {
  SX_RETURN_IF_ERROR(
      FromRocksDb(batch_.Put(cf, ToSlice(key), ToSlice(value)), "batch put"));
  std::string overlay_key = OverlayKey(cf, key);
  Remember(overlay_key);
  overlay_[std::move(overlay_key)] = std::string(value);
  return absl::OkStatus();
}

absl::Status GroupBatch::Delete(rocksdb::ColumnFamilyHandle* cf,
                                absl::string_view key) {
  SX_RETURN_IF_ERROR(
      FromRocksDb(batch_.Delete(cf, ToSlice(key)), "batch delete"));
  std::string overlay_key = OverlayKey(cf, key);
  Remember(overlay_key);
  overlay_[std::move(overlay_key)] = std::nullopt;
  return absl::OkStatus();
}

absl::Status GroupBatch::Merge(rocksdb::ColumnFamilyHandle* cf,
                               absl::string_view key,
                               absl::string_view operand) {
  // The WriteBatch's own save point undoes it; no overlay entry to keep.
  return FromRocksDb(batch_.Merge(cf, ToSlice(key), ToSlice(operand)),
                     "batch merge");
}

absl::StatusOr<std::optional<std::string>> GroupBatch::Get(
    rocksdb::DB& db, rocksdb::ColumnFamilyHandle* cf, absl::string_view key) {
  auto found = overlay_.find(OverlayKey(cf, key));
  if (found != overlay_.end()) return found->second;
  std::string value;
  rocksdb::Status status =
      db.Get(rocksdb::ReadOptions(), cf, ToSlice(key), &value);
  if (status.IsNotFound()) return std::nullopt;
  SX_RETURN_IF_ERROR(FromRocksDb(status, "read"));
  return value;
}

void GroupBatch::SetSavePoint() {
  batch_.SetSavePoint();
  undo_.clear();
  has_save_point_ = true;
}

absl::Status GroupBatch::PopSavePoint() {
  undo_.clear();
  has_save_point_ = false;
  return FromRocksDb(batch_.PopSavePoint(), "pop save point");
}

absl::Status GroupBatch::RollbackToSavePoint() {
  for (auto undo = undo_.rbegin(); undo != undo_.rend(); ++undo) {
    if (undo->previous.has_value()) {
      overlay_[undo->overlay_key] = std::move(*undo->previous);
    } else {
      overlay_.erase(undo->overlay_key);
    }
  }
  undo_.clear();
  has_save_point_ = false;
  return FromRocksDb(batch_.RollbackToSavePoint(), "roll back a transaction");
}

}  // namespace sx::storage
