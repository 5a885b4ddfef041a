#include "storage/postgres_reader_pool.h"

#include <utility>

namespace sx::storage {

PgReaderPool::PgReaderPool(std::string conninfo,
                           absl::Duration connect_timeout,
                           std::string application_name, size_t size)
    : conninfo_(std::move(conninfo)),
      connect_timeout_(connect_timeout),
      application_name_(std::move(application_name)),
      size_(size == 0 ? 1 : size) {}

absl::StatusOr<std::unique_ptr<PgConnection>> PgReaderPool::Take() {
  {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(this, &PgReaderPool::HasRoom));
    ++in_use_;
    if (!idle_.empty()) {
      std::unique_ptr<PgConnection> connection = std::move(idle_.back());
      idle_.pop_back();
      if (connection->usable()) return connection;
    }
  }
  // Connected outside the lock: other readers go on meanwhile.
  absl::StatusOr<std::unique_ptr<PgConnection>> connected =
      PgConnection::Connect(conninfo_, connect_timeout_, application_name_);
  if (!connected.ok()) {
    absl::MutexLock lock(&mu_);
    --in_use_;
  }
  return connected;
}

void PgReaderPool::Give(std::unique_ptr<PgConnection> connection) {
  absl::MutexLock lock(&mu_);
  --in_use_;
  if (connection->usable()) idle_.push_back(std::move(connection));
}

}  // namespace sx::storage
