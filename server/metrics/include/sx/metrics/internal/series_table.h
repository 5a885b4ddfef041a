// The series of one metric family: a map from label values to a cell of
// atomics, built so that updating an existing series takes a shared lock and
// an atomic operation only. Internal to sx::metrics.
#pragma once

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"

namespace sx::metrics::internal {

// "size:value" per label value, so that {"a,b"} and {"a","b"} differ.
inline std::string SeriesKey(absl::Span<const absl::string_view> values) {
  std::string key;
  for (absl::string_view value : values) {
    absl::StrAppend(&key, value.size(), ":", value);
  }
  return key;
}

// Thread-safe. Series are never removed, so returned cells stay valid for
// the table's lifetime.
template <typename Cell>
class SeriesTable {
 public:
  struct Series {
    std::vector<std::string> label_values;
    const Cell* cell;
  };

  // Returns the cell for `values`, constructing it with `args` if new.
  template <typename... Args>
  Cell& GetOrCreate(absl::Span<const absl::string_view> values,
                    const Args&... args) {
    const std::string key = SeriesKey(values);
    {
      absl::ReaderMutexLock lock(&mu_);
      auto it = series_.find(key);
      if (it != series_.end()) return *it->second.cell;
    }
    absl::MutexLock lock(&mu_);
    Entry& entry = series_[key];
    if (entry.cell == nullptr) {
      entry.label_values.reserve(values.size());
      for (absl::string_view value : values) {
        entry.label_values.emplace_back(value);
      }
      entry.cell = std::make_unique<Cell>(args...);
    }
    return *entry.cell;
  }

  // Returns nullptr if the series was never created.
  const Cell* Find(absl::Span<const absl::string_view> values) const {
    absl::ReaderMutexLock lock(&mu_);
    auto it = series_.find(SeriesKey(values));
    return it == series_.end() ? nullptr : it->second.cell.get();
  }

  // All series ordered by label values, for a stable exposition.
  std::vector<Series> Sorted() const {
    std::vector<Series> sorted;
    {
      absl::ReaderMutexLock lock(&mu_);
      sorted.reserve(series_.size());
      for (const auto& [key, entry] : series_) {
        sorted.push_back(Series{entry.label_values, entry.cell.get()});
      }
    }
    std::sort(sorted.begin(), sorted.end(),
              [](const Series& a, const Series& b) {
                return a.label_values < b.label_values;
              });
    return sorted;
  }

 private:
  struct Entry {
    std::vector<std::string> label_values;
    std::unique_ptr<Cell> cell;
  };

  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> series_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sx::metrics::internal
