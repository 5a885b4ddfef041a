#include "storage/table_scrub.h"

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "rocksdb/metadata.h"
#include "rocksdb/sst_file_reader.h"
#include "storage/rocksdb_status.h"

namespace sx::storage {

absl::StatusOr<ScrubReport> ScrubTableFiles(
    rocksdb::DB& db, uint64_t bytes_per_second,
    const std::function<bool()>& keep_going) {
  const absl::Time start = absl::Now();
  std::vector<rocksdb::LiveFileMetaData> files;
  db.GetLiveFilesMetaData(&files);
  // Not the database's options: their block cache would fill with every
  // block read here and push out what requests use.
  rocksdb::Options options;
  options.env = db.GetEnv();
  ScrubReport report;
  for (const rocksdb::LiveFileMetaData& file : files) {
    if (keep_going && !keep_going()) break;
    const std::string path =
        (std::filesystem::path(file.directory) / file.relative_filename)
            .string();
    rocksdb::SstFileReader reader(options);
    rocksdb::Status status = reader.Open(path);
    if (status.ok()) status = reader.VerifyChecksum();
    if (status.IsCorruption()) {
      report.damaged.push_back(absl::StrCat(path, ": ", status.ToString()));
    } else if (!status.ok() && !std::filesystem::exists(path)) {
      ++report.gone;  // compacted away since the list was taken
      continue;
    } else if (!status.ok()) {
      return FromRocksDb(status, absl::StrCat("scrub ", path));
    } else {
      ++report.files;
    }
    report.bytes += file.size;
    if (bytes_per_second > 0) {
      // Sleep until the average rate is back under the limit.
      const absl::Time due =
          start + absl::Seconds(static_cast<double>(report.bytes) /
                                static_cast<double>(bytes_per_second));
      // In short steps, so that a hub stopping does not wait for a pause.
      while (absl::Now() < due && (!keep_going || keep_going())) {
        absl::SleepFor(std::min(due - absl::Now(), absl::Milliseconds(100)));
      }
    }
  }
  report.took = absl::Now() - start;
  return report;
}

}  // namespace sx::storage
