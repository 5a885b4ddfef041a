// `sxhub --export=FILE` and `sxhub --import=FILE`: a hub's stored data
// copied out of its backend into a dump file, and from a dump file into the
// (empty) backend a config names, to move a hub between RocksDB and
// PostgreSQL (deploy/README.md, "Moving between storage backends"). Both
// print what they copied and the audit checkpoint (event count, root).
#pragma once

#include <string>

#include "absl/status/status.h"
#include "sx/core/hub_config.h"

namespace sx::server {

// Dumps the stopped hub's data (its data_dir, or its storage.postgres
// database) to `file`, which must not exist.
absl::Status ExportStorage(const core::HubConfig& config,
                           const std::string& file);

// Loads `file` into the config's storage, which must hold no data, then
// opens it as the hub does and checks that its checkpoint is the dump's,
// its event chain verifies and the config's encryption keys cover its
// records.
absl::Status ImportStorage(const core::HubConfig& config,
                           const std::string& file);

}  // namespace sx::server
