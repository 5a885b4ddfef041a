// Conversions between absl::string_view and rocksdb::Slice, which hold the
// same (pointer, size) but do not convert into each other.
#pragma once

#include "absl/strings/string_view.h"
#include "rocksdb/slice.h"

namespace sx::storage {

inline rocksdb::Slice ToSlice(absl::string_view view) {
  return rocksdb::Slice(view.data(), view.size());
}

inline absl::string_view ToView(const rocksdb::Slice& slice) {
  return absl::string_view(slice.data(), slice.size());
}

}  // namespace sx::storage
