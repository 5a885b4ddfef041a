#include "server/store_options.h"

#include <string>

#include "absl/time/time.h"
#include "sx/core/current_conditions.h"
#include "sx/core/hub_config.h"
#include "sx/transparency/merkle_hasher.h"

namespace sx::server {
namespace v1 = ::supervision::v1;

std::string LogHashOf(const v1::HubConfig& settings) {
  return std::string(
      transparency::HashAlgorithmName(core::LogHashAlgorithm(settings)));
}

storage::RocksDbStoreOptions RocksDbOptionsOf(const v1::HubConfig& settings) {
  storage::RocksDbStoreOptions options;
  options.path = settings.data_dir();
  options.id_prefix = settings.hub_id();
  options.log_hash = LogHashOf(settings);
  options.referral_deriver = core::CurrentConditionsDeriver();
  options.min_free_bytes =
      static_cast<uint64_t>(settings.limits().min_free_disk_megabytes()) << 20;
  return options;
}

storage::PostgresStoreOptions PostgresOptionsOf(const v1::HubConfig& settings) {
  const v1::PostgresStorage& postgres = settings.storage().postgres();
  storage::PostgresStoreOptions options;
  options.conninfo = postgres.conninfo();
  options.id_prefix = settings.hub_id();
  options.log_hash = LogHashOf(settings);
  options.reader_connections = postgres.reader_connections();
  options.synchronous_commit = postgres.synchronous_commit();
  options.connect_timeout = absl::Seconds(postgres.connect_timeout_seconds());
  options.referral_deriver = core::CurrentConditionsDeriver();
  return options;
}

}  // namespace sx::server
