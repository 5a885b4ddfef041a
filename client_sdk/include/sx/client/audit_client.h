// What auditors (审计员) use, through AuditService: the hub's full event
// history, and the means to prove it was not altered. The event log is a
// transparency log in the manner of RFC 6962 / RFC 9162: leaf i is the stored
// bytes of event i+1, and a checkpoint (tree size and root hash) is signed
// by the hub's key. Callable only with an auditor certificate.
//
//   auto audit = sx::client::ConnectAuditClient(options);  // auditor's cert
//   absl::StatusOr<sx::client::EventExport> exported =
//       (*audit)->ExportEvents(1, 100);
//   // Offline, with the hub's certificate only: check exported->checkpoint's
//   // signature, then each event's proof against its root (see
//   // sx::transparency), and read the event with ParseEventBytes.
//
// This client fetches; it verifies nothing itself, so that verification can
// run where the hub cannot be reached and trusts nothing the hub says
// beyond the signed checkpoint. Deadlines and retries follow ClientOptions.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "sx/client/client_options.h"
#include "sx/client/export.h"
#include "sx/client/types.h"

namespace sx::client {

// Which events to read; every filter left at its default matches all.
struct EventQuery {
  std::string referral_id;
  // Events of referrals this agency is a party to, or acted in.
  std::string agency_id;
  EventType type = EventType::kUnspecified;  // kUnspecified: any type
  // Inclusive bounds on the event time; infinite: no bound.
  absl::Time time_from = absl::InfinitePast();
  absl::Time time_to = absl::InfiniteFuture();
  uint32_t page_size = 0;  // 0: the hub's default (100, at most 1000)
  std::string page_token;
};

// Oldest first.
struct EventPage {
  std::vector<Event> events;
  std::string next_page_token;  // empty at the end
};

// The hub's signed statement "the log has tree_size leaves with this root".
struct SignedCheckpoint {
  // The signed text (format: sx::transparency::FormatCheckpoint).
  std::string text;
  // Raw signature bytes over `text` by the hub's key.
  std::string signature;
  // Parsed from `text` by the hub for convenience; `text` is authoritative.
  uint64_t tree_size = 0;
  std::string root_hash;  // raw bytes
};

// Sibling hashes (raw bytes) from leaf `leaf_index` up to the root of the
// tree of `tree_size` leaves.
struct InclusionProof {
  uint64_t leaf_index = 0;
  uint64_t tree_size = 0;
  std::vector<std::string> hashes;
};

// Hashes (raw bytes) proving that the tree of `second_size` leaves extends
// the tree of `first_size` leaves.
struct ConsistencyProof {
  uint64_t first_size = 0;
  uint64_t second_size = 0;
  std::vector<std::string> hashes;
};

struct ExportedEvent {
  // The event exactly as stored: its leaf hash is H(0x00 || event_bytes).
  // ParseEventBytes reads it.
  std::string event_bytes;
  InclusionProof proof;
};

// A range of events with a checkpoint covering them and an inclusion proof
// of each in that checkpoint's tree.
struct EventExport {
  SignedCheckpoint checkpoint;
  std::vector<ExportedEvent> events;
  // The DER signing certificates that the events' step signatures name by
  // SHA-256 (StepSignature::certificate_sha256), each once, so that the
  // signatures can be checked offline. Not covered by the checkpoint: a
  // certificate is trusted for its issuer, not for being in the export.
  std::vector<std::string> signing_certificates;
};

// Thread-safe: one client may serve many threads.
//
// An interface so that programs can substitute a fake in their own tests. No
// method is pure virtual: each has a default that fails with UNIMPLEMENTED
// ("AuditClient::GetCheckpoint is not implemented by this client"), defined
// in the SDK library. A fake overrides only the calls its test makes, and
// methods that later SDK versions add will always come with such a default,
// so that those fakes keep compiling (the way google-cloud-cpp's
// *Connection classes grow). ConnectAuditClient returns a client that
// implements every method.
class SX_CLIENT_EXPORT AuditClient {
 public:
  virtual ~AuditClient();

  virtual absl::StatusOr<EventPage> QueryEvents(const EventQuery& query);
  // A signed checkpoint of the log as it is now.
  virtual absl::StatusOr<SignedCheckpoint> GetCheckpoint();
  // Proof that event `sequence` (from 1) is in the log of `tree_size`
  // events (0: the current size).
  virtual absl::StatusOr<InclusionProof> GetInclusionProof(
      uint64_t sequence, uint64_t tree_size = 0);
  // Proof that the log of `second_size` events (0: the current size) extends
  // the log of `first_size` events.
  virtual absl::StatusOr<ConsistencyProof> GetConsistencyProof(
      uint64_t first_size, uint64_t second_size = 0);
  // Events [from_sequence, to_sequence] (0: up to the newest; at most 10000
  // events) with a checkpoint of the current log and a proof for each.
  virtual absl::StatusOr<EventExport> ExportEvents(uint64_t from_sequence,
                                                   uint64_t to_sequence = 0);
  // 统计: figures per unit for a period, every unit's (see the comment before
  // StatisticsQuery in types.h). Unlike the calls above it is not proved by
  // the log: the hub counts as it writes.
  virtual absl::StatusOr<Statistics> GetStatistics(
      const StatisticsQuery& query);
};

// Connects over mutual TLS with an auditor's certificate.
// Before connecting it checks what it can itself:
// INVALID_ARGUMENT for an unreadable file, an address without a port, a PEM
// that does not parse or a key that is not the certificate's;
// UNAUTHENTICATED for a certificate the hub would refuse for what it
// carries (expired, not yet valid, not exactly one URI SAN). The connection
// itself is made lazily, on the first call.
SX_CLIENT_EXPORT absl::StatusOr<std::unique_ptr<AuditClient>>
ConnectAuditClient(const ClientOptions& options);

// Reads an event from its stored bytes (ExportedEvent::event_bytes).
// DATA_LOSS if they are not a serialized event. Needs no connection.
SX_CLIENT_EXPORT absl::StatusOr<Event> ParseEventBytes(
    absl::string_view event_bytes);

}  // namespace sx::client
