// The dump file (supervision/v1/storage_dump.proto): written whole or not at
// all, read back record by record with its trailer checked, and the tally of
// records per kind that both ends, and a store read back after an import,
// are compared by.
//
//   SX_ASSIGN_OR_RETURN(auto writer, DumpFileWriter::Create(path, header));
//   SX_RETURN_IF_ERROR(writer->Add(record));  // ... every record
//   SX_RETURN_IF_ERROR(writer->Finish());     // trailer, fsync, publish
//
//   SX_ASSIGN_OR_RETURN(auto reader, DumpFileReader::Open(path));
//   while (true) {
//     SX_ASSIGN_OR_RETURN(std::optional<DumpRecord> record, reader->Next());
//     if (!record.has_value()) break;  // the trailer matched
//   }
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "supervision/v1/storage_dump.pb.h"
#include "sx/storage/store_dump.h"

namespace sx::storage {

// What DumpHeader.format_version this release writes and reads.
inline constexpr uint32_t kDumpFormatVersion = 1;

// Records per kind, and a digest chained over each kind's records in order
// (DumpKindTally). The digest is unkeyed: it finds a damaged dump, not an
// edited one (an editor recomputes it). Kinds are the DumpRecord oneof
// field names. Not thread-safe.
class DumpTally {
 public:
  // `bytes` are `record`'s serialized form.
  void Add(const ::supervision::v1::DumpRecord& record,
           const std::string& bytes);
  // Serializes `record` itself.
  void Add(const ::supervision::v1::DumpRecord& record);

  ::supervision::v1::DumpTrailer ToTrailer() const;
  // Per kind, in dump order (the DumpRecord field order).
  std::vector<DumpKindCount> Counts() const;
  // "" if both tallies hold the same records, else what differs, e.g.
  // "event: 57 records, 56 loaded".
  std::string DifferencesFrom(const DumpTally& loaded) const;

 private:
  struct Kind {
    uint64_t count = 0;
    std::string sha256;
  };
  // By DumpRecord field number: dump order.
  std::map<int, Kind> kinds_;
};

// Writes `path` under a temporary name, `path`.partial, made afresh (mode
// 0600: a dump holds every lead; a symlink or file at that name is removed,
// never written through), and links it into place once complete and
// synced, never over a file. Not thread-safe.
class DumpFileWriter {
 public:
  // ALREADY_EXISTS if `path` exists: a dump is never overwritten.
  static absl::StatusOr<std::unique_ptr<DumpFileWriter>> Create(
      const std::string& path, const ::supervision::v1::DumpHeader& header);
  // Removes the partial file unless Finish succeeded.
  ~DumpFileWriter();
  DumpFileWriter(const DumpFileWriter&) = delete;
  DumpFileWriter& operator=(const DumpFileWriter&) = delete;

  absl::Status Add(const ::supervision::v1::DumpRecord& record);
  // Writes the trailer, syncs the file and moves it to `path` (and syncs
  // the directory); ALREADY_EXISTS, with nothing written over, if a file
  // was made at `path` meanwhile.
  absl::Status Finish();

  const DumpTally& tally() const { return tally_; }

 private:
  DumpFileWriter(std::string path, std::string partial, int fd);
  absl::Status WriteRecord(const std::string& bytes);
  absl::Status WriteAll(const std::string& bytes);

  const std::string path_;
  const std::string partial_;
  int fd_;
  bool finished_ = false;
  DumpTally tally_;
};

// Reads a dump written by DumpFileWriter. Not thread-safe.
class DumpFileReader {
 public:
  // Reads and checks the file's mark and header (FAILED_PRECONDITION for a
  // format this release does not know).
  static absl::StatusOr<std::unique_ptr<DumpFileReader>> Open(
      const std::string& path);
  ~DumpFileReader();
  DumpFileReader(const DumpFileReader&) = delete;
  DumpFileReader& operator=(const DumpFileReader&) = delete;

  const ::supervision::v1::DumpHeader& header() const { return header_; }
  // The next record, or nullopt at the trailer once it matched every record
  // read (DATA_LOSS if it does not, or if the file ends without one).
  absl::StatusOr<std::optional<::supervision::v1::DumpRecord>> Next();
  // The records read so far.
  const DumpTally& tally() const { return tally_; }

 private:
  DumpFileReader(std::string path, int fd);
  // One length-delimited record's bytes; nullopt at the end of the file.
  absl::StatusOr<std::optional<std::string>> ReadRecordBytes();
  absl::StatusOr<bool> ReadExactly(size_t size, std::string* bytes);
  absl::Status Damaged(absl::string_view what) const;

  const std::string path_;
  const int fd_;
  ::supervision::v1::DumpHeader header_;
  bool trailer_seen_ = false;
  DumpTally tally_;
};

}  // namespace sx::storage
