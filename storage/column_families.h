// Handles of the store's column families, owned by RocksDbStore.
#pragma once

#include <vector>

#include "rocksdb/db.h"

namespace sx::storage {

struct ColumnFamilies {
  rocksdb::ColumnFamilyHandle* meta = nullptr;  // the default family
  rocksdb::ColumnFamilyHandle* referrals = nullptr;
  rocksdb::ColumnFamilyHandle* leads = nullptr;
  rocksdb::ColumnFamilyHandle* party_index = nullptr;
  rocksdb::ColumnFamilyHandle* inbox = nullptr;
  rocksdb::ColumnFamilyHandle* requests = nullptr;
  rocksdb::ColumnFamilyHandle* events = nullptr;
  rocksdb::ColumnFamilyHandle* event_index = nullptr;
  rocksdb::ColumnFamilyHandle* merkle = nullptr;
  rocksdb::ColumnFamilyHandle* deadlines = nullptr;
  rocksdb::ColumnFamilyHandle* dead_letters = nullptr;
  rocksdb::ColumnFamilyHandle* rectification_items = nullptr;
  rocksdb::ColumnFamilyHandle* distributions = nullptr;
  rocksdb::ColumnFamilyHandle* counters = nullptr;
  rocksdb::ColumnFamilyHandle* watch_list = nullptr;
  rocksdb::ColumnFamilyHandle* referral_index = nullptr;

  std::vector<rocksdb::ColumnFamilyHandle*> All() const {
    return {meta,          referrals, leads,        party_index,
            inbox,         requests,  events,       event_index,
            merkle,        deadlines, dead_letters, rectification_items,
            distributions, counters,  watch_list,   referral_index};
  }
};

}  // namespace sx::storage
