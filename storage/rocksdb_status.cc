#include "storage/rocksdb_status.h"

#include "absl/strings/str_cat.h"

namespace sx::storage {

absl::Status FromRocksDb(const rocksdb::Status& status,
                         absl::string_view action) {
  if (status.ok()) return absl::OkStatus();
  const std::string message =
      absl::StrCat("storage: ", action, " failed: ", status.ToString());
  if (status.IsNoSpace()) return absl::ResourceExhaustedError(message);
  if (status.IsCorruption()) return absl::DataLossError(message);
  if (status.IsNotFound()) return absl::NotFoundError(message);
  if (status.IsInvalidArgument()) return absl::InvalidArgumentError(message);
  // I/O errors, a database stopped after a failed write, busy locks: the
  // caller may retry later with the same request id.
  return absl::UnavailableError(message);
}

}  // namespace sx::storage
