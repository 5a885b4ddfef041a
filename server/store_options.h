// The store options a config gives: the same data directory or database,
// hub id, log hash and derived entries whether the hub opens its store to
// serve (hub.cc, which adds its callbacks) or --export and --import open it
// (storage_transfer.cc).
#pragma once

#include <string>

#include "supervision/v1/config.pb.h"
#include "sx/storage/postgres_store.h"
#include "sx/storage/store.h"

namespace sx::server {

// The transparency log's hash name the config asks for: "sha256" or "sm3".
std::string LogHashOf(const ::supervision::v1::HubConfig& settings);

storage::RocksDbStoreOptions RocksDbOptionsOf(
    const ::supervision::v1::HubConfig& settings);

// For a config with storage.postgres.
storage::PostgresStoreOptions PostgresOptionsOf(
    const ::supervision::v1::HubConfig& settings);

}  // namespace sx::server
