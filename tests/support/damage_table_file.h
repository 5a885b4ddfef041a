// Damages a RocksDB data directory on disk the way a failing disk would, for
// the tests of damaged-storage reporting.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace sx::testing {

// Overwrites 64 bytes a third of the way into the largest table file (.sst)
// of `db_dir`: inside a data block, so the database still opens, and a read
// or a scrub of that block fails its checksum. Returns the file's path, or
// "" if there is no table file of at least 64 KiB to damage.
inline std::string DamageLargestTableFile(const std::string& db_dir) {
  std::filesystem::path largest;
  uintmax_t largest_size = 0;
  for (const auto& entry : std::filesystem::directory_iterator(db_dir)) {
    if (entry.path().extension() == ".sst" &&
        entry.file_size() > largest_size) {
      largest = entry.path();
      largest_size = entry.file_size();
    }
  }
  if (largest_size < 64u * 1024) return "";
  std::fstream file(largest, std::ios::in | std::ios::out | std::ios::binary);
  file.seekp(static_cast<std::streamoff>(largest_size / 3));
  const std::string garbage(64, '\x5A');
  file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  return largest.string();
}

}  // namespace sx::testing
