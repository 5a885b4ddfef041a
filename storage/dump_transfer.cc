#include "storage/dump_transfer.h"

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "storage/keys.h"
#include "sx/base/status_macros.h"
#include "sx/base/version.h"
#include "sx/transparency/merkle_proofs.h"

namespace sx::storage {
namespace {

namespace v1 = ::supervision::v1;

absl::StatusOr<transparency::MerkleHasher> HasherOf(
    absl::string_view log_hash) {
  SX_ASSIGN_OR_RETURN(transparency::HashAlgorithm algorithm,
                      transparency::ParseHashAlgorithm(log_hash));
  return transparency::MerkleHasher::Create(algorithm);
}

// DATA_LOSS unless `log`, rebuilt from the events, has `expected`.
absl::Status CheckRebuilt(const EventLogRebuild& log,
                          const DumpCheckpoint& expected,
                          absl::string_view whose) {
  SX_ASSIGN_OR_RETURN(std::string root, log.Root());
  if (log.count() != expected.event_count || root != expected.root_hash) {
    return absl::DataLossError(absl::StrCat(
        "transparency log: ", whose, " says ", expected.event_count,
        " events with root ", RootHex(expected), ", but its events give ",
        log.count(), " with root ", absl::BytesToHexString(root)));
  }
  return absl::OkStatus();
}

DumpCheckpoint CheckpointOf(const v1::DumpHeader& header) {
  return DumpCheckpoint{header.event_count(), header.root_hash()};
}

absl::Time TimeOf(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixSeconds(timestamp.seconds()) +
         absl::Nanoseconds(timestamp.nanos());
}

DumpSummary SummaryOf(const v1::DumpHeader& header, const DumpTally& tally) {
  DumpSummary summary;
  summary.source_backend = header.source_backend();
  summary.written_at = TimeOf(header.written_at());
  summary.checkpoint = CheckpointOf(header);
  summary.counts = tally.Counts();
  // The header is no record of the data.
  if (!summary.counts.empty() && summary.counts.front().kind == "header") {
    summary.counts.erase(summary.counts.begin());
  }
  return summary;
}

v1::DumpedDeadline::Kind DumpedKindOf(DeadlineKind kind) {
  switch (kind) {
    case DeadlineKind::kAccept:
      return v1::DumpedDeadline::KIND_ACCEPT;
    case DeadlineKind::kFeedback:
      return v1::DumpedDeadline::KIND_FEEDBACK;
    case DeadlineKind::kRectificationItem:
      return v1::DumpedDeadline::KIND_RECTIFICATION_ITEM;
    case DeadlineKind::kReview:
      return v1::DumpedDeadline::KIND_REVIEW;
    case DeadlineKind::kBlueWarning:
      return v1::DumpedDeadline::KIND_BLUE_WARNING;
    case DeadlineKind::kYellowWarning:
      return v1::DumpedDeadline::KIND_YELLOW_WARNING;
    case DeadlineKind::kReport:
      return v1::DumpedDeadline::KIND_REPORT;
  }
  return v1::DumpedDeadline::KIND_UNSPECIFIED;
}

absl::StatusOr<DeadlineKind> DeadlineKindOf(v1::DumpedDeadline::Kind kind) {
  switch (kind) {
    case v1::DumpedDeadline::KIND_ACCEPT:
      return DeadlineKind::kAccept;
    case v1::DumpedDeadline::KIND_FEEDBACK:
      return DeadlineKind::kFeedback;
    case v1::DumpedDeadline::KIND_RECTIFICATION_ITEM:
      return DeadlineKind::kRectificationItem;
    case v1::DumpedDeadline::KIND_REVIEW:
      return DeadlineKind::kReview;
    case v1::DumpedDeadline::KIND_BLUE_WARNING:
      return DeadlineKind::kBlueWarning;
    case v1::DumpedDeadline::KIND_YELLOW_WARNING:
      return DeadlineKind::kYellowWarning;
    case v1::DumpedDeadline::KIND_REPORT:
      return DeadlineKind::kReport;
    default:
      return absl::DataLossError(
          absl::StrCat("dump: a deadline of unknown kind ", kind));
  }
}

}  // namespace

absl::StatusOr<std::string> StoredRoot(absl::string_view log_hash,
                                       uint64_t event_count,
                                       const ReadMerkleNode& read_node) {
  // The stored nodes, as the proofs read them.
  class StoredNodes final : public transparency::SubtreeHashSource {
   public:
    explicit StoredNodes(const ReadMerkleNode& read) : read_(read) {}
    absl::StatusOr<std::string> PerfectSubtreeHash(uint64_t level,
                                                   uint64_t index) override {
      SX_ASSIGN_OR_RETURN(std::optional<std::string> hash, read_(level, index));
      if (!hash.has_value()) {
        return absl::DataLossError(
            absl::StrCat("storage: transparency log node (", level, ", ", index,
                         ") is missing"));
      }
      return *std::move(hash);
    }

   private:
    const ReadMerkleNode& read_;
  };
  SX_ASSIGN_OR_RETURN(transparency::MerkleHasher hasher, HasherOf(log_hash));
  StoredNodes nodes(read_node);
  return transparency::RootHash(event_count, nodes, hasher);
}

absl::StatusOr<DumpCheckpoint> VerifiedCheckpoint(Store& store,
                                                  absl::string_view log_hash) {
  SX_RETURN_IF_ERROR(store.VerifyEventChain());
  DumpCheckpoint checkpoint;
  SX_ASSIGN_OR_RETURN(checkpoint.event_count, store.EventCount());
  SX_ASSIGN_OR_RETURN(
      checkpoint.root_hash,
      StoredRoot(log_hash, checkpoint.event_count,
                 [&store](uint64_t level, uint64_t index)
                     -> absl::StatusOr<std::optional<std::string>> {
                   return store.PerfectSubtreeHash(level, index);
                 }));
  return checkpoint;
}

std::string RootHex(const DumpCheckpoint& checkpoint) {
  return absl::BytesToHexString(checkpoint.root_hash);
}

absl::Status ReadAllRecords(DumpSource& source, const StoredLog& log,
                            const EmitRecord& emit) {
  SX_ASSIGN_OR_RETURN(transparency::MerkleHasher hasher,
                      HasherOf(log.log_hash));
  EventLogRebuild rebuilt(hasher);
  for (const DumpKind kind : kDumpKinds) {
    SX_RETURN_IF_ERROR(
        source.Read(kind, [&](const v1::DumpRecord& record) -> absl::Status {
          if (record.has_event()) {
            SX_RETURN_IF_ERROR(rebuilt.Add(record.event().sequence(),
                                           record.event().bytes(), {}));
          }
          return emit(record);
        }));
  }
  return CheckRebuilt(rebuilt, log.checkpoint,
                      absl::StrCat("the ", source.backend(), " store"));
}

absl::StatusOr<DumpSummary> WriteDump(DumpSource& source,
                                      absl::string_view id_prefix,
                                      const std::string& path) {
  SX_ASSIGN_OR_RETURN(const StoredLog log, source.Log());
  v1::DumpHeader header;
  header.set_format_version(kDumpFormatVersion);
  header.set_source_backend(source.backend());
  header.set_id_prefix(std::string(id_prefix));
  header.set_log_hash(log.log_hash);
  header.set_event_count(log.checkpoint.event_count);
  header.set_root_hash(log.checkpoint.root_hash);
  const absl::Time now = absl::Now();
  header.mutable_written_at()->set_seconds(absl::ToUnixSeconds(now));
  header.set_hub_version(kVersion);
  SX_ASSIGN_OR_RETURN(std::unique_ptr<DumpFileWriter> writer,
                      DumpFileWriter::Create(path, header));
  SX_RETURN_IF_ERROR(ReadAllRecords(
      source, log,
      [&writer](const v1::DumpRecord& record) { return writer->Add(record); }));
  SX_RETURN_IF_ERROR(writer->Finish());
  return SummaryOf(header, writer->tally());
}

absl::StatusOr<std::unique_ptr<DumpFileReader>> OpenDumpForImport(
    const std::string& path, absl::string_view id_prefix,
    absl::string_view log_hash) {
  SX_ASSIGN_OR_RETURN(std::unique_ptr<DumpFileReader> reader,
                      DumpFileReader::Open(path));
  const v1::DumpHeader& header = reader->header();
  if (header.id_prefix() != id_prefix) {
    return absl::FailedPreconditionError(absl::StrCat(
        path, " is a dump of hub \"", header.id_prefix(),
        "\" but the config's hub_id is \"", id_prefix,
        "\": import with the config of the hub that was exported (its "
        "referral ids and checkpoints carry its hub id)"));
  }
  if (header.log_hash() != log_hash) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, "'s transparency log uses ", header.log_hash(),
                     " but the config asks for ", log_hash,
                     ": the log hash cannot change for existing data; set "
                     "audit_log.hash to ",
                     header.log_hash()));
  }
  return reader;
}

absl::Status LoadAllRecords(DumpFileReader& reader, DumpTarget& target) {
  SX_ASSIGN_OR_RETURN(transparency::MerkleHasher hasher,
                      HasherOf(reader.header().log_hash()));
  EventLogRebuild rebuilt(hasher);
  const WriteMerkleNode write_node = [&target](uint64_t level, uint64_t index,
                                               absl::string_view hash) {
    return target.WriteLogNode(level, index, hash);
  };
  for (;;) {
    SX_ASSIGN_OR_RETURN(std::optional<v1::DumpRecord> record, reader.Next());
    if (!record.has_value()) break;
    if (record->has_event()) {
      SX_RETURN_IF_ERROR(rebuilt.Add(record->event().sequence(),
                                     record->event().bytes(), write_node));
    }
    SX_RETURN_IF_ERROR(target.Write(*record));
  }
  SX_RETURN_IF_ERROR(
      CheckRebuilt(rebuilt, CheckpointOf(reader.header()), "the dump"));
  return target.Finish(rebuilt.head());
}

absl::StatusOr<DumpSummary> VerifyLoaded(DumpSource& loaded,
                                         const DumpFileReader& reader) {
  const v1::DumpHeader& header = reader.header();
  SX_ASSIGN_OR_RETURN(const StoredLog log, loaded.Log());
  if (log.log_hash != header.log_hash() ||
      log.checkpoint.event_count != header.event_count() ||
      log.checkpoint.root_hash != header.root_hash()) {
    return absl::DataLossError(absl::StrCat(
        "the loaded store's checkpoint is ", log.checkpoint.event_count,
        " events with root ", RootHex(log.checkpoint), " (", log.log_hash,
        "), the dump's ", header.event_count(), " with root ",
        RootHex(CheckpointOf(header)), " (", header.log_hash(), ")"));
  }
  DumpTally read_back;
  v1::DumpRecord header_record;
  *header_record.mutable_header() = header;
  read_back.Add(header_record);
  SX_RETURN_IF_ERROR(
      ReadAllRecords(loaded, log, [&read_back](const v1::DumpRecord& record) {
        read_back.Add(record);
        return absl::OkStatus();
      }));
  const std::string differences = reader.tally().DifferencesFrom(read_back);
  if (!differences.empty()) {
    return absl::DataLossError(absl::StrCat(
        "the loaded store does not hold what the dump holds: ", differences));
  }
  return SummaryOf(header, reader.tally());
}

absl::StatusOr<bool> AddSetting(absl::string_view key, absl::string_view value,
                                v1::DumpedSettings& settings) {
  if (key == keys::kReferralCounterKey) {
    uint64_t counter = 0;
    if (!keys::DecodeUint64(value, &counter)) {
      return absl::DataLossError("storage: the referral counter is malformed");
    }
    settings.set_referral_counter(counter);
  } else if (key == keys::kIdGenerationKey) {
    settings.set_id_generation(std::string(value));
  } else if (key == keys::kDerivedVersionKey) {
    settings.set_derived_version(std::string(value));
  } else {
    return false;
  }
  return true;
}

absl::Status UnknownSetting(absl::string_view key) {
  return absl::FailedPreconditionError(absl::StrCat(
      "storage: the store holds a setting this release does not know (\"",
      absl::CHexEscape(key),
      "\"), so it cannot dump it faithfully: export with the release that "
      "wrote it"));
}

std::vector<std::pair<std::string, std::optional<std::string>>> SettingsToLoad(
    const v1::DumpedSettings& settings) {
  std::vector<std::pair<std::string, std::optional<std::string>>> load;
  load.emplace_back(keys::kReferralCounterKey,
                    settings.has_referral_counter()
                        ? std::optional<std::string>(
                              keys::EncodeUint64(settings.referral_counter()))
                        : std::nullopt);
  load.emplace_back(keys::kIdGenerationKey,
                    settings.has_id_generation()
                        ? std::optional<std::string>(settings.id_generation())
                        : std::nullopt);
  load.emplace_back(keys::kDerivedVersionKey,
                    settings.has_derived_version()
                        ? std::optional<std::string>(settings.derived_version())
                        : std::nullopt);
  return load;
}

absl::StatusOr<v1::DumpRecord> DeadlineRecord(absl::string_view sort_key) {
  Deadline deadline;
  if (!keys::ParseDeadlineKey(sort_key, &deadline) ||
      keys::DeadlineKey(deadline.kind, deadline.due, deadline.referral_id,
                        deadline.item_number) != sort_key) {
    return absl::DataLossError("storage: a deadline's key is malformed");
  }
  v1::DumpRecord record;
  v1::DumpedDeadline& dumped = *record.mutable_deadline();
  dumped.set_kind(DumpedKindOf(deadline.kind));
  dumped.set_due(absl::ToUnixSeconds(deadline.due));
  dumped.set_referral_id(deadline.referral_id);
  dumped.set_item_number(deadline.item_number);
  return record;
}

absl::StatusOr<Deadline> DeadlineOf(const v1::DumpedDeadline& dumped) {
  Deadline deadline;
  SX_ASSIGN_OR_RETURN(deadline.kind, DeadlineKindOf(dumped.kind()));
  deadline.due = absl::FromUnixSeconds(dumped.due());
  deadline.referral_id = dumped.referral_id();
  deadline.item_number = dumped.item_number();
  return deadline;
}

}  // namespace sx::storage
