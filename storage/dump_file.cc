#include "storage/dump_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "sx/base/sha256.h"
#include "sx/base/status_macros.h"
#include "sx/storage/backup_marker.h"

namespace sx::storage {
namespace {

namespace v1 = ::supervision::v1;

// What every dump file starts with, so that another file is named as such.
constexpr char kMagic[] = "sxhub dump\n";
constexpr size_t kMagicSize = sizeof(kMagic) - 1;
// Far above any stored record; a length beyond it is a damaged file.
constexpr uint64_t kMaxRecordBytes = uint64_t{1} << 30;

std::string ErrnoText() { return strerror(errno); }

std::string KindName(int field_number) {
  const google::protobuf::FieldDescriptor* field =
      v1::DumpRecord::descriptor()->FindFieldByNumber(field_number);
  return field == nullptr ? absl::StrCat("#", field_number) : field->name();
}

std::string Varint(uint64_t value) {
  std::string out;
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
  return out;
}

}  // namespace

void DumpTally::Add(const v1::DumpRecord& record, const std::string& bytes) {
  Kind& kind = kinds_[static_cast<int>(record.kind_case())];
  if (kind.sha256.empty()) kind.sha256.assign(kSha256Bytes, '\0');
  kind.sha256 = Sha256(absl::StrCat(kind.sha256, Sha256(bytes)));
  ++kind.count;
}

void DumpTally::Add(const v1::DumpRecord& record) {
  Add(record, record.SerializeAsString());
}

v1::DumpTrailer DumpTally::ToTrailer() const {
  v1::DumpTrailer trailer;
  for (const auto& [number, kind] : kinds_) {
    v1::DumpKindTally* tally = trailer.add_kinds();
    tally->set_kind(KindName(number));
    tally->set_count(kind.count);
    tally->set_sha256(kind.sha256);
  }
  return trailer;
}

std::vector<DumpKindCount> DumpTally::Counts() const {
  std::vector<DumpKindCount> counts;
  for (const auto& [number, kind] : kinds_) {
    counts.push_back({KindName(number), kind.count});
  }
  return counts;
}

std::string DumpTally::DifferencesFrom(const DumpTally& loaded) const {
  std::vector<std::string> differences;
  std::map<int, std::pair<Kind, Kind>> both;
  for (const auto& [number, kind] : kinds_) both[number].first = kind;
  for (const auto& [number, kind] : loaded.kinds_) both[number].second = kind;
  for (const auto& [number, pair] : both) {
    const auto& [dumped, read_back] = pair;
    if (dumped.count != read_back.count) {
      differences.push_back(absl::StrCat(KindName(number), ": ", dumped.count,
                                         " in the dump, ", read_back.count,
                                         " loaded"));
    } else if (dumped.sha256 != read_back.sha256) {
      differences.push_back(absl::StrCat(KindName(number), ": ", dumped.count,
                                         " records, but not the same ones"));
    }
  }
  return absl::StrJoin(differences, "; ");
}

DumpFileWriter::DumpFileWriter(std::string path, std::string partial, int fd)
    : path_(std::move(path)), partial_(std::move(partial)), fd_(fd) {}

DumpFileWriter::~DumpFileWriter() {
  if (fd_ >= 0) close(fd_);
  if (!finished_) unlink(partial_.c_str());
}

absl::StatusOr<std::unique_ptr<DumpFileWriter>> DumpFileWriter::Create(
    const std::string& path, const v1::DumpHeader& header) {
  if (access(path.c_str(), F_OK) == 0) {
    return absl::AlreadyExistsError(absl::StrCat(
        path, " exists: a dump is never written over a file; name a new one"));
  }
  // A crashed attempt's partial file is ours to replace: removed, not
  // opened, so that whatever sits at that name (a symlink planted to
  // another file, a file of a wider mode) is never written through, and
  // the new file is made here, the hub user's alone.
  const std::string partial = absl::StrCat(path, ".partial");
  if (unlink(partial.c_str()) != 0 && errno != ENOENT) {
    return absl::UnavailableError(
        absl::StrCat("cannot remove ", partial, ": ", ErrnoText()));
  }
  const int fd =
      open(partial.c_str(),
           O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot create ", partial, ": ", ErrnoText()));
  }
  // The umask could only narrow 0600; this states it whatever it is.
  if (fchmod(fd, 0600) != 0) {
    const std::string error = ErrnoText();
    close(fd);
    unlink(partial.c_str());
    return absl::UnavailableError(
        absl::StrCat("cannot set the mode of ", partial, ": ", error));
  }
  std::unique_ptr<DumpFileWriter> writer(new DumpFileWriter(path, partial, fd));
  SX_RETURN_IF_ERROR(writer->WriteAll(kMagic));
  v1::DumpRecord record;
  *record.mutable_header() = header;
  SX_RETURN_IF_ERROR(writer->Add(record));
  return writer;
}

absl::Status DumpFileWriter::WriteAll(const std::string& bytes) {
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n =
        write(fd_, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot write ", partial_, ": ", ErrnoText()));
    }
    written += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::Status DumpFileWriter::WriteRecord(const std::string& bytes) {
  return WriteAll(absl::StrCat(Varint(bytes.size()), bytes));
}

absl::Status DumpFileWriter::Add(const v1::DumpRecord& record) {
  const std::string bytes = record.SerializeAsString();
  tally_.Add(record, bytes);
  return WriteRecord(bytes);
}

absl::Status DumpFileWriter::Finish() {
  v1::DumpRecord trailer;
  *trailer.mutable_trailer() = tally_.ToTrailer();
  SX_RETURN_IF_ERROR(WriteRecord(trailer.SerializeAsString()));
  if (fsync(fd_) != 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot sync ", partial_, ": ", ErrnoText()));
  }
  close(fd_);
  fd_ = -1;
  // link, unlike rename, fails if `path_` exists: a file made there since
  // Create looked is never replaced.
  if (link(partial_.c_str(), path_.c_str()) != 0) {
    if (errno == EEXIST) {
      return absl::AlreadyExistsError(absl::StrCat(
          path_,
          " was created while the dump was written: a dump is never written "
          "over a file, and nothing was written over it; name a new one"));
    }
    return absl::UnavailableError(absl::StrCat(
        "cannot link ", partial_, " to ", path_, ": ", ErrnoText()));
  }
  finished_ = true;
  if (unlink(partial_.c_str()) != 0) {
    return absl::UnavailableError(
        absl::StrCat("the dump is complete at ", path_, ", but ", partial_,
                     " (the same file) cannot be removed: ", ErrnoText()));
  }
  const std::string parent =
      std::filesystem::path(path_).parent_path().string();
  return SyncDirectory(parent.empty() ? "." : parent);
}

DumpFileReader::DumpFileReader(std::string path, int fd)
    : path_(std::move(path)), fd_(fd) {}

DumpFileReader::~DumpFileReader() { close(fd_); }

absl::Status DumpFileReader::Damaged(absl::string_view what) const {
  return absl::DataLossError(absl::StrCat(
      path_, " is not a complete sxhub dump (", what,
      "): it was cut short or damaged since it was written; export again"));
}

absl::StatusOr<bool> DumpFileReader::ReadExactly(size_t size,
                                                 std::string* bytes) {
  bytes->resize(size);
  size_t got = 0;
  while (got < size) {
    const ssize_t n = read(fd_, bytes->data() + got, size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot read ", path_, ": ", ErrnoText()));
    }
    if (n == 0) {
      bytes->resize(got);
      return false;
    }
    got += static_cast<size_t>(n);
  }
  return true;
}

absl::StatusOr<std::unique_ptr<DumpFileReader>> DumpFileReader::Open(
    const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const bool missing = errno == ENOENT;
    const std::string message =
        absl::StrCat("cannot open ", path, ": ", ErrnoText());
    return missing ? absl::NotFoundError(message)
                   : absl::UnavailableError(message);
  }
  std::unique_ptr<DumpFileReader> reader(new DumpFileReader(path, fd));
  std::string magic;
  SX_ASSIGN_OR_RETURN(bool whole, reader->ReadExactly(kMagicSize, &magic));
  if (!whole || magic != kMagic) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, " is not an sxhub dump (written by sxhub --export)"));
  }
  SX_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                      reader->ReadRecordBytes());
  v1::DumpRecord record;
  if (!bytes.has_value() || !record.ParseFromString(*bytes) ||
      !record.has_header()) {
    return reader->Damaged("no header");
  }
  if (record.header().format_version() != kDumpFormatVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        path, " is a dump of format ", record.header().format_version(),
        " (written by sxhub ", record.header().hub_version(),
        "); this release reads format ", kDumpFormatVersion,
        ": import it with the release that wrote it"));
  }
  reader->tally_.Add(record, *bytes);
  reader->header_ = record.header();
  return reader;
}

absl::StatusOr<std::optional<std::string>> DumpFileReader::ReadRecordBytes() {
  uint64_t size = 0;
  for (int shift = 0;; shift += 7) {
    std::string byte;
    SX_ASSIGN_OR_RETURN(bool got, ReadExactly(1, &byte));
    if (!got) {
      if (shift == 0) return std::nullopt;
      return Damaged("a record's length is cut short");
    }
    const auto value = static_cast<unsigned char>(byte[0]);
    size |= uint64_t{value & 0x7fu} << shift;
    if ((value & 0x80) == 0) break;
    if (shift > 56) return Damaged("a record's length is malformed");
  }
  if (size > kMaxRecordBytes) return Damaged("a record is impossibly long");
  std::string bytes;
  SX_ASSIGN_OR_RETURN(bool whole, ReadExactly(size, &bytes));
  if (!whole) return Damaged("the last record is cut short");
  return bytes;
}

absl::StatusOr<std::optional<v1::DumpRecord>> DumpFileReader::Next() {
  if (trailer_seen_) return std::nullopt;
  SX_ASSIGN_OR_RETURN(std::optional<std::string> bytes, ReadRecordBytes());
  if (!bytes.has_value()) return Damaged("it ends without a trailer");
  v1::DumpRecord record;
  if (!record.ParseFromString(*bytes) ||
      record.kind_case() == v1::DumpRecord::KIND_NOT_SET ||
      record.has_header()) {
    return Damaged("a record does not parse");
  }
  if (!record.has_trailer()) {
    tally_.Add(record, *bytes);
    return record;
  }
  trailer_seen_ = true;
  if (tally_.ToTrailer().SerializeAsString() !=
      record.trailer().SerializeAsString()) {
    return Damaged("its records do not match its trailer");
  }
  std::string after;
  SX_ASSIGN_OR_RETURN(bool more, ReadExactly(1, &after));
  if (more) return Damaged("there is more after its trailer");
  return std::nullopt;
}

}  // namespace sx::storage
