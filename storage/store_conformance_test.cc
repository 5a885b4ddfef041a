// The Store contract (sx/storage/store.h), written once and run against every
// backend: RocksDB in a temporary directory, PostgreSQL in a new database of
// the test server. Only the interface is used, so a test that passes on one
// backend and fails on the other has found a difference in behaviour that the
// domain core could notice. What a backend does beyond the interface (RocksDB's
// column families, WAL recovery, table-file scrubs, checkpoints; a SQL schema)
// is tested beside that backend, e.g. in rocksdb_store_test.cc.
//
// Reopening is part of the contract: what Apply acknowledged is there when
// the same directory or database is opened again.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "sx/base/sha256.h"
#include "sx/base/status_macros.h"
#include "sx/storage/postgres_store.h"
#include "sx/storage/referral_deriver.h"
#include "sx/storage/store.h"
#include "sx/transparency/merkle_hasher.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_postgres.h"
#include "tests/support/value_of.h"

namespace sx::storage {
namespace {

namespace v1 = ::supervision::v1;

enum class Backend { kRocksDb, kPostgres };

std::string BackendName(Backend backend) {
  return backend == Backend::kRocksDb ? "RocksDb" : "Postgres";
}

// For gtest's messages about the parameter.
void PrintTo(Backend backend, std::ostream* os) { *os << BackendName(backend); }

constexpr char kIdPrefix[] = "test";

using Sequences = std::vector<uint64_t>;
using Counts = std::vector<std::pair<std::string, int64_t>>;

constexpr int kSubmitted = v1::EVENT_TYPE_SUBMITTED;
constexpr int kAccepted = v1::EVENT_TYPE_ACCEPTED;

absl::Time At(int64_t seconds) { return absl::FromUnixSeconds(seconds); }

// Index and watch-list keys of the hub hold NUL separators.
constexpr absl::string_view kNul("\0", 1);

// Sets an event's time, nanoseconds included (times after 1970 only).
void SetTime(absl::Time time, v1::Event& event) {
  const int64_t seconds = absl::ToUnixSeconds(time);
  event.mutable_time()->set_seconds(seconds);
  event.mutable_time()->set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(time - absl::FromUnixSeconds(seconds))));
}

absl::Time TimeOf(const v1::Event& event) {
  return absl::FromUnixSeconds(event.time().seconds()) +
         absl::Nanoseconds(event.time().nanos());
}

using testing::ValueOf;

std::string KindName(DeadlineKind kind) {
  switch (kind) {
    case DeadlineKind::kAccept:
      return "accept";
    case DeadlineKind::kFeedback:
      return "feedback";
    case DeadlineKind::kRectificationItem:
      return "item";
    case DeadlineKind::kReview:
      return "review";
    case DeadlineKind::kBlueWarning:
      return "blue";
    case DeadlineKind::kYellowWarning:
      return "yellow";
    case DeadlineKind::kReport:
      return "report";
  }
  return "unknown";
}

// A deadline as one comparable, readable line.
std::string Describe(const Deadline& deadline) {
  return absl::StrCat(KindName(deadline.kind), " @",
                      absl::ToUnixNanos(deadline.due), "ns ",
                      deadline.referral_id, " #", deadline.item_number);
}

std::vector<std::string> Describe(const std::vector<Deadline>& deadlines) {
  std::vector<std::string> lines;
  for (const Deadline& deadline : deadlines) {
    lines.push_back(Describe(deadline));
  }
  return lines;
}

std::vector<std::string> Sorted(std::vector<std::string> lines) {
  std::sort(lines.begin(), lines.end());
  return lines;
}

// The sequences of inbox entries, in the order given.
Sequences SequencesOf(const std::vector<v1::InboxEntry>& entries) {
  Sequences sequences;
  for (const v1::InboxEntry& entry : entries) {
    sequences.push_back(entry.sequence());
  }
  return sequences;
}

std::vector<uint32_t> NumbersOf(
    const std::vector<v1::RectificationItem>& items) {
  std::vector<uint32_t> numbers;
  for (const v1::RectificationItem& item : items) {
    numbers.push_back(item.number());
  }
  return numbers;
}

std::vector<std::string> KeysOf(
    const std::vector<std::pair<std::string, std::string>>& entries) {
  std::vector<std::string> keys;
  for (const auto& entry : entries) keys.push_back(entry.first);
  return keys;
}

EventFilter Agency(const std::string& agency_id, int type = 0) {
  EventFilter filter;
  filter.agency_id = agency_id;
  filter.type = type;
  return filter;
}

EventFilter Between(absl::Time from, absl::Time to, int type = 0) {
  EventFilter filter;
  filter.time_from = from;
  filter.time_to = to;
  filter.type = type;
  return filter;
}

// The perfect subtree (level, index) over `leaves` (leaf hashes), computed
// as RFC 6962 defines it.
std::string SubtreeHash(const transparency::MerkleHasher& hasher,
                        const std::vector<std::string>& leaves, uint64_t level,
                        uint64_t index) {
  if (level == 0) return leaves[index];
  return hasher.NodeHash(SubtreeHash(hasher, leaves, level - 1, 2 * index),
                         SubtreeHash(hasher, leaves, level - 1, 2 * index + 1));
}

// The leaf hash of every stored event, from its stored bytes.
std::vector<std::string> LeafHashes(Store& store,
                                    const transparency::MerkleHasher& hasher) {
  std::vector<std::string> leaves;
  const uint64_t count = ValueOf(store.EventCount());
  for (uint64_t sequence = 1; sequence <= count; ++sequence) {
    leaves.push_back(hasher.LeafHash(ValueOf(store.ReadEventBytes(sequence))));
  }
  return leaves;
}

// Counts referrals by state and recipient; watches the overdue ones.
ReferralDeriver StateDeriver(std::string version = "1") {
  return {std::move(version), [](const v1::Referral& referral) {
            DerivedEntries entries;
            entries.counters.push_back(absl::StrCat(
                "g/", referral.state(), "/", referral.recipient_agency_id()));
            if (referral.feedback_overdue()) {
              entries.watched.emplace_back(
                  absl::StrCat(referral.recipient_agency_id(), "/",
                               referral.referral_id()),
                  absl::StrCat("v", referral.version()));
            }
            return entries;
          }};
}

// Indexes each referral by state and by recipient, with NUL separators as
// the hub's index keys have them.
ReferralDeriver IndexDeriver() {
  return {"index-1", [](const v1::Referral& referral) {
            const std::string nul(1, '\0');
            DerivedEntries entries;
            entries.indexed.push_back(absl::StrCat(
                "state", nul, referral.state(), nul, referral.referral_id()));
            entries.indexed.push_back(
                absl::StrCat("to", nul, referral.recipient_agency_id(), nul,
                             referral.referral_id()));
            return entries;
          }};
}

// Watches every referral under its recipient; the value is bytes, as the
// hub's serialized summaries are.
ReferralDeriver WatchAllDeriver() {
  return {"watch-1", [](const v1::Referral& referral) {
            DerivedEntries entries;
            entries.watched.emplace_back(
                absl::StrCat(referral.recipient_agency_id(),
                             std::string(1, '\0'), referral.referral_id()),
                absl::StrCat(std::string("\x00\xff", 2), referral.version()));
            return entries;
          }};
}

// What a test chooses about how its store is opened; the rest is the
// fixture's (id prefix "test", each backend's defaults).
struct OpenOptions {
  std::string log_hash = "sha256";
  ReferralDeriver deriver;
};

OpenOptions Deriving(ReferralDeriver deriver) {
  OpenOptions options;
  options.deriver = std::move(deriver);
  return options;
}

// Collects what `done` reports for transactions applied without waiting:
// each one's status, how often each was called, in which order, on which
// threads. Thread-safe.
class Completions {
 public:
  explicit Completions(size_t count) : results_(count), calls_(count, 0) {}
  // A callback must never outlive this: wait for all of them first.
  ~Completions() { WaitForAll(); }
  Completions(const Completions&) = delete;
  Completions& operator=(const Completions&) = delete;

  DurableCallback For(size_t index) {
    return [this, index](absl::Status status) {
      absl::MutexLock lock(&mu_);
      results_[index] = std::move(status);
      ++calls_[index];
      order_.push_back(index);
      threads_.insert(std::this_thread::get_id());
    };
  }

  // Returns once every transaction's `done` was called.
  void WaitForAll() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(this, &Completions::AllCalled));
  }

  std::vector<absl::Status> results() const {
    absl::MutexLock lock(&mu_);
    return results_;
  }
  std::vector<int> calls() const {
    absl::MutexLock lock(&mu_);
    return calls_;
  }
  std::vector<size_t> order() const {
    absl::MutexLock lock(&mu_);
    return order_;
  }
  std::set<std::thread::id> threads() const {
    absl::MutexLock lock(&mu_);
    return threads_;
  }

 private:
  bool AllCalled() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return std::all_of(calls_.begin(), calls_.end(),
                       [](int calls) { return calls > 0; });
  }

  mutable absl::Mutex mu_;
  std::vector<absl::Status> results_ ABSL_GUARDED_BY(mu_);
  std::vector<int> calls_ ABSL_GUARDED_BY(mu_);
  std::vector<size_t> order_ ABSL_GUARDED_BY(mu_);
  std::set<std::thread::id> threads_ ABSL_GUARDED_BY(mu_);
};

// Keeps the store's writer inside one transaction body until Finish(), so
// that transactions applied meanwhile wait behind it and are then taken up
// together (as one group, by a backend that gathers groups), and so that a
// test can read while a body's writes are made but not committed.
// Thread-safe.
class WriterHold {
 public:
  // Applies `body` (none: writes nothing) and returns once it has run and
  // holds the writer.
  explicit WriterHold(Store& store, TransactionBody body = nullptr) {
    store.Apply(
        [this, body = std::move(body)](Transaction& txn) -> absl::Status {
          absl::Status status = body ? body(txn) : absl::OkStatus();
          absl::MutexLock lock(&mu_);
          holding_ = true;
          mu_.Await(absl::Condition(&released_));
          return status;
        },
        [this](absl::Status status) {
          absl::MutexLock lock(&mu_);
          result_ = std::move(status);
          done_ = true;
        });
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(this, &WriterHold::HoldingOrDone));
  }
  // Lets go (after a failed assertion too), so that the store can close.
  ~WriterHold() { Finish().IgnoreError(); }
  WriterHold(const WriterHold&) = delete;
  WriterHold& operator=(const WriterHold&) = delete;

  // Lets the body return; waits for its transaction's `done` and returns
  // what that said.
  absl::Status Finish() {
    absl::MutexLock lock(&mu_);
    released_ = true;
    mu_.Await(absl::Condition(&done_));
    return result_;
  }

 private:
  bool HoldingOrDone() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return holding_ || done_;
  }

  mutable absl::Mutex mu_;
  bool holding_ ABSL_GUARDED_BY(mu_) = false;
  bool released_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status result_ ABSL_GUARDED_BY(mu_);
};

class StoreConformanceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { ASSERT_TRUE(StartOver()); }

  // Opens the backend's store on `location` (a directory or a conninfo).
  absl::StatusOr<std::unique_ptr<Store>> OpenAt(
      const std::string& location, const OpenOptions& options) const {
    if (GetParam() == Backend::kRocksDb) {
      RocksDbStoreOptions rocksdb;
      rocksdb.path = location;
      rocksdb.id_prefix = kIdPrefix;
      rocksdb.log_hash = options.log_hash;
      rocksdb.referral_deriver = options.deriver;
      return OpenRocksDbStore(rocksdb);
    }
    PostgresStoreOptions postgres;
    postgres.conninfo = location;
    postgres.id_prefix = kIdPrefix;
    postgres.log_hash = options.log_hash;
    postgres.referral_deriver = options.deriver;
    return OpenPostgresStore(postgres);
  }

  // Moves to a new, empty database of the backend and opens it.
  ::testing::AssertionResult StartOver(OpenOptions options = OpenOptions()) {
    store_.reset();
    if (GetParam() == Backend::kRocksDb) {
      location_ = dir_.Sub(absl::StrCat("db", ++databases_));
    } else {
      location_ = sx::testing::TestPostgres::Shared().NewDatabase();
    }
    return Reopen(std::move(options));
  }

  // Closes the store (it finishes what was applied) and opens the same
  // database again.
  ::testing::AssertionResult Reopen(OpenOptions options = OpenOptions()) {
    store_.reset();
    absl::StatusOr<std::unique_ptr<Store>> store = OpenAt(location_, options);
    if (!store.ok()) {
      return ::testing::AssertionFailure()
             << "cannot open the store: " << store.status();
    }
    store_ = *std::move(store);
    return ::testing::AssertionSuccess();
  }

  absl::Status Apply(const TransactionBody& body) {
    return store_->ApplyAndWait(body);
  }

  // What the domain core does to submit a referral from `sender` to
  // `recipient`: record, lead, event and inbox entry in one transaction.
  // Sets *id (if given) to the new referral's id.
  static TransactionBody SubmitBody(const std::string& sender,
                                    const std::string& recipient,
                                    std::string* id) {
    return [sender, recipient, id](Transaction& txn) -> absl::Status {
      SX_ASSIGN_OR_RETURN(std::string new_id, txn.NewReferralId());
      v1::Referral referral;
      referral.set_referral_id(new_id);
      referral.set_sender_agency_id(sender);
      referral.set_recipient_agency_id(recipient);
      referral.set_state(v1::REFERRAL_STATE_SUBMITTED);
      v1::Lead lead;
      lead.set_summary("土地储备中心通过个人账户收取土地出让金");
      SX_RETURN_IF_ERROR(txn.CreateReferral(referral, lead));
      v1::Event event;
      event.set_type(v1::EVENT_TYPE_SUBMITTED);
      event.set_referral_id(new_id);
      SX_ASSIGN_OR_RETURN(v1::Event stored,
                          txn.AppendEvent(event, {sender, recipient}));
      SX_RETURN_IF_ERROR(txn.AppendInbox(recipient, stored).status());
      if (id != nullptr) *id = new_id;
      return absl::OkStatus();
    };
  }

  std::string Submit(const std::string& sender, const std::string& recipient) {
    std::string id;
    absl::Status status = Apply(SubmitBody(sender, recipient, &id));
    EXPECT_TRUE(status.ok()) << status;
    return id;
  }

  // A referral record and an empty lead, nothing else (no event, no inbox).
  std::string Create(const std::string& recipient) {
    std::string id;
    absl::Status status = Apply([&](Transaction& txn) -> absl::Status {
      SX_ASSIGN_OR_RETURN(id, txn.NewReferralId());
      v1::Referral referral;
      referral.set_referral_id(id);
      referral.set_sender_agency_id("inspection-office");
      referral.set_recipient_agency_id(recipient);
      referral.set_state(v1::REFERRAL_STATE_SUBMITTED);
      return txn.CreateReferral(referral, v1::Lead());
    });
    EXPECT_TRUE(status.ok()) << status;
    return id;
  }

  // Reads the referral in a transaction, lets `change` alter it, writes it
  // with the next version; the body fails afterwards if `fail` says so.
  absl::Status Update(const std::string& id,
                      const std::function<void(v1::Referral&)>& change,
                      bool fail = false) {
    return Apply([&](Transaction& txn) -> absl::Status {
      SX_ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                          txn.GetReferral(id));
      if (!referral.has_value()) return absl::NotFoundError(id);
      change(*referral);
      referral->set_version(referral->version() + 1);
      SX_RETURN_IF_ERROR(txn.UpdateReferral(*referral));
      if (fail) return absl::AbortedError("the body changed its mind");
      return absl::OkStatus();
    });
  }

  // Appends one event in a transaction of its own; returns it as stored.
  v1::Event AppendEventAt(const std::string& referral_id, int type,
                          absl::Time time,
                          const std::vector<std::string>& agencies) {
    v1::Event stored;
    absl::Status status = Apply([&](Transaction& txn) -> absl::Status {
      v1::Event event;
      event.set_referral_id(referral_id);
      event.set_type(static_cast<v1::EventType>(type));
      SetTime(time, event);
      SX_ASSIGN_OR_RETURN(stored, txn.AppendEvent(event, agencies));
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return stored;
  }

  Sequences Query(const EventFilter& filter, uint64_t after = 0,
                  size_t limit = 100) {
    return ValueOf(store_->QueryEvents(filter, after, limit));
  }

  // Derived counters that are not zero.
  std::map<std::string, int64_t> Counters() {
    std::map<std::string, int64_t> nonzero;
    for (const auto& [key, value] :
         ValueOf(store_->ReadCounters("g/", "g0", 1000))) {
      if (value != 0) nonzero[key] = value;
    }
    return nonzero;
  }

  std::map<std::string, std::string> Watched(const std::string& prefix = "") {
    auto entries = ValueOf(store_->ReadWatchList(prefix, "", 1000));
    return {entries.begin(), entries.end()};
  }

  std::vector<std::string> ScanIndex(const std::string& prefix,
                                     const std::string& before_key,
                                     size_t limit) {
    return ValueOf(store_->ScanReferralIndex(prefix, before_key, limit));
  }

  // Depth and dead letters as summarized, and as counted entry by entry.
  void ExpectQueueCounts(const std::string& agency, uint64_t depth,
                         uint64_t dead) {
    const InboxSummary summary = ValueOf(store_->SummarizeInbox(agency));
    EXPECT_EQ(summary.depth, depth);
    EXPECT_EQ(summary.dead_letters, dead);
    EXPECT_EQ(ValueOf(store_->ReadInbox(agency, 0, 1000)).size(), depth);
    EXPECT_EQ(ValueOf(store_->ListDeadLetters(agency, "", 1000)).size(), dead);
  }

  // Members in construction order: the store closes before its directory
  // goes.
  sx::testing::TempDir dir_;
  int databases_ = 0;
  std::string location_;
  std::unique_ptr<Store> store_;
};

// --- Referrals, leads and ids ---------------------------------------------

TEST_P(StoreConformanceTest, CommittedReferralSurvivesReopen) {
  const std::string id = Submit("inspection-office", "discipline-commission");
  EXPECT_EQ(id, "test-0000000001");
  ASSERT_TRUE(Reopen());
  auto referral = store_->GetReferral(id);
  ASSERT_TRUE(referral.ok()) << referral.status();
  ASSERT_TRUE(referral->has_value());
  EXPECT_EQ((*referral)->state(), v1::REFERRAL_STATE_SUBMITTED);
  EXPECT_FALSE((*referral)->has_lead());
  auto lead = store_->GetLead(id);
  ASSERT_TRUE(lead.ok()) << lead.status();
  EXPECT_EQ(lead->summary(), "土地储备中心通过个人账户收取土地出让金");
  EXPECT_EQ(Submit("a", "b"), "test-0000000002");
}

TEST_P(StoreConformanceTest, ReferralIdsNeverRepeatWithinOrAcrossTransactions) {
  std::vector<std::string> ids;
  ASSERT_TRUE(Apply([&](Transaction& txn) -> absl::Status {
                for (int i = 0; i < 3; ++i) {
                  SX_ASSIGN_OR_RETURN(std::string id, txn.NewReferralId());
                  ids.push_back(id);
                }
                return absl::OkStatus();
              }).ok());
  // Given out is used, whether or not a referral was stored under it.
  EXPECT_EQ(ids, (std::vector<std::string>{"test-0000000001", "test-0000000002",
                                           "test-0000000003"}));
  EXPECT_EQ(Submit("a", "b"), "test-0000000004");
  ASSERT_TRUE(Reopen());
  EXPECT_EQ(Submit("a", "b"), "test-0000000005");
}

TEST_P(StoreConformanceTest, AReferralIsStoredApartFromItsLead) {
  const std::string id = "test-0000000001";
  v1::Referral referral;
  referral.set_referral_id(id);
  referral.set_sender_agency_id("inspection-office");
  referral.set_recipient_agency_id("discipline-commission");
  referral.set_state(v1::REFERRAL_STATE_SUBMITTED);
  v1::Lead lead;
  lead.set_subject("李某");
  lead.set_summary("违规发放津补贴");

  // A record with its lead embedded is refused, and nothing of it stays.
  v1::Referral embedded = referral;
  *embedded.mutable_lead() = lead;
  EXPECT_FALSE(Apply([&](Transaction& txn) {
                 return txn.CreateReferral(embedded, lead);
               }).ok());
  EXPECT_FALSE(ValueOf(store_->GetReferral(id)).has_value());

  // A body reads what it wrote itself.
  std::optional<v1::Referral> seen_in_body;
  std::string lead_in_body;
  ASSERT_TRUE(Apply([&](Transaction& txn) -> absl::Status {
                SX_RETURN_IF_ERROR(txn.CreateReferral(referral, lead));
                SX_ASSIGN_OR_RETURN(seen_in_body, txn.GetReferral(id));
                SX_ASSIGN_OR_RETURN(v1::Lead stored, txn.GetLead(id));
                lead_in_body = stored.summary();
                return absl::OkStatus();
              }).ok());
  ASSERT_TRUE(seen_in_body.has_value());
  EXPECT_EQ(seen_in_body->recipient_agency_id(), "discipline-commission");
  EXPECT_FALSE(seen_in_body->has_lead());
  EXPECT_EQ(lead_in_body, "违规发放津补贴");

  // An update replaces the record, never the lead; one that embeds the lead
  // is refused.
  v1::Referral accepted = referral;
  accepted.set_state(v1::REFERRAL_STATE_ACCEPTED);
  accepted.set_state_reason("已受理");
  accepted.set_version(1);
  ASSERT_TRUE(Apply([&](Transaction& txn) {
                return txn.UpdateReferral(accepted);
              }).ok());
  v1::Referral leaking = accepted;
  leaking.set_version(2);
  *leaking.mutable_lead() = lead;
  EXPECT_FALSE(Apply([&](Transaction& txn) {
                 return txn.UpdateReferral(leaking);
               }).ok());

  ASSERT_TRUE(Reopen());
  const std::optional<v1::Referral> stored = ValueOf(store_->GetReferral(id));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->state(), v1::REFERRAL_STATE_ACCEPTED);
  EXPECT_EQ(stored->state_reason(), "已受理");
  EXPECT_EQ(stored->version(), 1);
  EXPECT_FALSE(stored->has_lead());
  const v1::Lead stored_lead = ValueOf(store_->GetLead(id));
  EXPECT_EQ(stored_lead.subject(), "李某");
  EXPECT_EQ(stored_lead.summary(), "违规发放津补贴");
}

TEST_P(StoreConformanceTest, WritesNamingAMissingOrAnExistingReferralFail) {
  const std::string id = Submit("inspection-office", "discipline-commission");
  const std::string missing = "test-0000000042";
  v1::Referral ghost;
  ghost.set_referral_id(missing);
  ghost.set_sender_agency_id("inspection-office");
  ghost.set_recipient_agency_id("audit-bureau");

  // Updating a referral that does not exist.
  EXPECT_EQ(
      Apply([&](Transaction& txn) { return txn.UpdateReferral(ghost); }).code(),
      absl::StatusCode::kNotFound);
  EXPECT_FALSE(ValueOf(store_->GetReferral(missing)).has_value());
  EXPECT_TRUE(
      ValueOf(store_->ListReferralIds("audit-bureau", Side::kRecipient, "", 10))
          .referral_ids.empty());

  // Creating one twice: in a later transaction...
  std::optional<v1::Referral> again = ValueOf(store_->GetReferral(id));
  ASSERT_TRUE(again.has_value());
  again->set_state(v1::REFERRAL_STATE_CLOSED);
  v1::Lead other;
  other.set_summary("另一条线索");
  EXPECT_EQ(Apply([&](Transaction& txn) {
              return txn.CreateReferral(*again, other);
            }).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ValueOf(store_->GetReferral(id)).value_or(v1::Referral()).state(),
            v1::REFERRAL_STATE_SUBMITTED);
  EXPECT_EQ(ValueOf(store_->GetLead(id)).summary(),
            "土地储备中心通过个人账户收取土地出让金");
  // ...or in the same one, which is then undone entirely.
  EXPECT_EQ(Apply([&](Transaction& txn) -> absl::Status {
              SX_RETURN_IF_ERROR(txn.CreateReferral(ghost, v1::Lead()));
              return txn.CreateReferral(ghost, v1::Lead());
            }).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_FALSE(ValueOf(store_->GetReferral(missing)).has_value());

  // Every referral has a lead: inside a transaction a missing one is
  // damage; outside, a read of an id that is not there is a plain miss.
  absl::StatusCode lead_in_transaction = absl::StatusCode::kOk;
  std::optional<v1::Referral> absent = v1::Referral();
  ASSERT_TRUE(Apply([&](Transaction& txn) -> absl::Status {
                lead_in_transaction = txn.GetLead(missing).status().code();
                SX_ASSIGN_OR_RETURN(absent, txn.GetReferral(missing));
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(lead_in_transaction, absl::StatusCode::kDataLoss);
  EXPECT_FALSE(absent.has_value());
  EXPECT_EQ(store_->GetLead(missing).status().code(),
            absl::StatusCode::kNotFound);
  // Asking did not damage anything: writes go on.
  EXPECT_TRUE(store_->Health().ok()) << store_->Health();
  EXPECT_EQ(Submit("a", "b"), "test-0000000002");
}

TEST_P(StoreConformanceTest, AReplacedLeadIsReadInItsPlace) {
  const std::string id = Submit("inspection-office", "discipline-commission");
  v1::Lead rewritten;
  rewritten.set_subject("王某");
  rewritten.set_summary("重写后的存储形式");
  std::string in_body;
  ASSERT_TRUE(Apply([&](Transaction& txn) -> absl::Status {
                SX_RETURN_IF_ERROR(txn.ReplaceLead(id, rewritten));
                SX_ASSIGN_OR_RETURN(v1::Lead lead, txn.GetLead(id));
                in_body = lead.summary();
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(in_body, "重写后的存储形式");
  EXPECT_EQ(ValueOf(store_->GetLead(id)).summary(), "重写后的存储形式");
  // The record is not touched.
  const std::optional<v1::Referral> referral = ValueOf(store_->GetReferral(id));
  ASSERT_TRUE(referral.has_value());
  EXPECT_EQ(referral->state(), v1::REFERRAL_STATE_SUBMITTED);
  EXPECT_FALSE(referral->has_lead());

  // Only the lead of an existing referral is replaced.
  EXPECT_EQ(Apply([&](Transaction& txn) {
              return txn.ReplaceLead("test-0000000042", rewritten);
            }).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetLead("test-0000000042").status().code(),
            absl::StatusCode::kNotFound);

  ASSERT_TRUE(Reopen());
  const v1::Lead lead = ValueOf(store_->GetLead(id));
  EXPECT_EQ(lead.subject(), "王某");
  EXPECT_EQ(lead.summary(), "重写后的存储形式");
}

TEST_P(StoreConformanceTest, AnIdGenerationPrefixesNewIdsThatSortLater) {
  const std::string before = Submit("a", "b");
  std::string generation = "unread";
  ASSERT_TRUE(Apply([&](Transaction& txn) -> absl::Status {
                SX_ASSIGN_OR_RETURN(generation, txn.IdGeneration());
                return txn.SetIdGeneration("r20261206230000123456");
              }).ok());
  EXPECT_EQ(generation, "");
  ASSERT_TRUE(Reopen());  // ids of a store opened afterwards carry it
  const std::string after = Submit("a", "b");
  EXPECT_EQ(before, "test-0000000001");
  EXPECT_EQ(after, "test-r20261206230000123456-0000000002");
  // Newest first stays true across generations.
  EXPECT_LT(before, after);
  EXPECT_EQ(
      ValueOf(store_->ListReferralIds("a", Side::kSender, "", 10)).referral_ids,
      (std::vector<std::string>{after, before}));

  // A second restore: its generation replaces the first.
  ASSERT_TRUE(Apply([&](Transaction& txn) -> absl::Status {
                SX_ASSIGN_OR_RETURN(generation, txn.IdGeneration());
                return txn.SetIdGeneration("r20270101000000000000");
              }).ok());
  EXPECT_EQ(generation, "r20261206230000123456");
  ASSERT_TRUE(Reopen());
  ASSERT_TRUE(Apply([&](Transaction& txn) -> absl::Status {
                SX_ASSIGN_OR_RETURN(generation, txn.IdGeneration());
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(generation, "r20270101000000000000");
  const std::string latest = Submit("a", "b");
  EXPECT_EQ(latest, "test-r20270101000000000000-0000000003");
  EXPECT_LT(after, latest);
}

TEST_P(StoreConformanceTest, ListsNewestFirstWithPaging) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(Submit("a", "b"));
  Submit("c", "b");  // someone else's sent referral

  auto first = store_->ListReferralIds("a", Side::kSender, "", 2);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->referral_ids, (std::vector<std::string>{ids[4], ids[3]}));
  auto second =
      store_->ListReferralIds("a", Side::kSender, first->next_before_id, 2);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->referral_ids, (std::vector<std::string>{ids[2], ids[1]}));
  auto third =
      store_->ListReferralIds("a", Side::kSender, second->next_before_id, 2);
  ASSERT_TRUE(third.ok()) << third.status();
  EXPECT_EQ(third->referral_ids, (std::vector<std::string>{ids[0]}));
  EXPECT_TRUE(third->next_before_id.empty());

  EXPECT_EQ(ValueOf(store_->ListReferralIds("b", Side::kRecipient, "", 100))
                .referral_ids.size(),
            6u);
  EXPECT_TRUE(ValueOf(store_->ListReferralIds("b", Side::kSender, "", 100))
                  .referral_ids.empty());
}

TEST_P(StoreConformanceTest, AllReferralIdsPageNewestFirst) {
  std::vector<std::string> ids;
  ids.push_back(Submit("inspection-office", "discipline-commission"));
  ids.push_back(Submit("audit-bureau", "organization-department"));
  ids.push_back(Submit("inspection-office", "audit-bureau"));
  ids.push_back(Submit("petition-office", "discipline-commission"));

  const ReferralIdPage first = ValueOf(store_->ScanReferralIds("", 2));
  EXPECT_EQ(first.referral_ids, (std::vector<std::string>{ids[3], ids[2]}));
  EXPECT_EQ(first.next_before_id, ids[2]);
  const ReferralIdPage second =
      ValueOf(store_->ScanReferralIds(first.next_before_id, 2));
  EXPECT_EQ(second.referral_ids, (std::vector<std::string>{ids[1], ids[0]}));
  EXPECT_TRUE(second.next_before_id.empty()) << "nothing follows";
  // Below an id that is not there.
  EXPECT_EQ(ValueOf(store_->ScanReferralIds(ids[2] + "x", 10)).referral_ids,
            (std::vector<std::string>{ids[2], ids[1], ids[0]}));
  const ReferralIdPage past_the_oldest =
      ValueOf(store_->ScanReferralIds(ids[0], 10));
  EXPECT_TRUE(past_the_oldest.referral_ids.empty());
  EXPECT_TRUE(past_the_oldest.next_before_id.empty());

  // One side of one agency the same way; a page that takes the last ids
  // says that nothing follows.
  const ReferralIdPage sent = ValueOf(
      store_->ListReferralIds("inspection-office", Side::kSender, "", 2));
  EXPECT_EQ(sent.referral_ids, (std::vector<std::string>{ids[2], ids[0]}));
  EXPECT_TRUE(sent.next_before_id.empty());
  EXPECT_EQ(ValueOf(store_->ListReferralIds("discipline-commission",
                                            Side::kRecipient, ids[3], 10))
                .referral_ids,
            (std::vector<std::string>{ids[0]}));
  EXPECT_EQ(ValueOf(store_->ListReferralIds("discipline-commission",
                                            Side::kRecipient, ids[3] + "x", 10))
                .referral_ids,
            (std::vector<std::string>{ids[3], ids[0]}));
}

TEST_P(StoreConformanceTest, AnAgencyNeverSeesWhatBelongsToALongerName) {
  // "audit" is the start of "audit-bureau": none of the latter's referrals,
  // entries, letters, events or distributions are the former's.
  Submit("audit-bureau", "discipline-commission");
  Submit("inspection-office", "audit-bureau");
  ASSERT_TRUE(Apply([&](Transaction& txn) -> absl::Status {
                SX_ASSIGN_OR_RETURN(auto entry,
                                    txn.TakeInboxEntry("audit-bureau", 1));
                if (!entry.has_value()) return absl::InternalError("no entry");
                SX_RETURN_IF_ERROR(
                    txn.PutDeadLetter("audit-bureau", *entry, At(1700000000)));
                v1::StoredDistribution distribution;
                distribution.set_distribution_id("test-0000000090");
                distribution.set_sender_agency_id("audit-bureau");
                return txn.PutDistribution(distribution);
              }).ok());
  Submit("inspection-office", "audit-bureau");

  for (Side side : {Side::kSender, Side::kRecipient}) {
    EXPECT_TRUE(ValueOf(store_->ListReferralIds("audit", side, "", 10))
                    .referral_ids.empty());
  }
  EXPECT_TRUE(ValueOf(store_->ReadInbox("audit", 0, 10)).empty());
  const InboxSummary summary = ValueOf(store_->SummarizeInbox("audit"));
  EXPECT_EQ(summary.depth, 0u);
  EXPECT_EQ(summary.last_sequence, 0u);
  EXPECT_EQ(summary.dead_letters, 0u);
  EXPECT_FALSE(summary.oldest.has_value());
  EXPECT_TRUE(ValueOf(store_->ListDeadLetters("audit", "", 10)).empty());
  EXPECT_EQ(Query(Agency("audit")), Sequences{});
  EXPECT_TRUE(ValueOf(store_->ListDistributionIds("audit", "", 10))
                  .referral_ids.empty());
  // The longer name's own, for contrast.
  EXPECT_EQ(SequencesOf(ValueOf(store_->ReadInbox("audit-bureau", 0, 10))),
            (Sequences{2}));
  EXPECT_EQ(Query(Agency("audit-bureau")), (Sequences{1, 2, 3}));
  // And the shorter name's inbox counts from 1 on its own.
  ASSERT_TRUE(Apply([&](Transaction& txn) {
                return txn.AppendInbox("audit", v1::Event()).status();
              }).ok());
  EXPECT_EQ(SequencesOf(ValueOf(store_->ReadInbox("audit", 0, 10))),
            (Sequences{1}));
}

// --- Transactions: atomicity, order, durability, visibility ---------------

TEST_P(StoreConformanceTest, FailedBodyLeavesNoTrace) {
  absl::Status status = Apply([](Transaction& txn) -> absl::Status {
    SX_ASSIGN_OR_RETURN(std::string id, txn.NewReferralId());
    v1::Referral referral;
    referral.set_referral_id(id);
    referral.set_sender_agency_id("a");
    referral.set_recipient_agency_id("b");
    SX_RETURN_IF_ERROR(txn.CreateReferral(referral, v1::Lead()));
    SX_RETURN_IF_ERROR(txn.AppendEvent(v1::Event(), {}).status());
    SX_RETURN_IF_ERROR(txn.AppendInbox("b", v1::Event()).status());
    return absl::FailedPreconditionError("changed my mind");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  auto referral = store_->GetReferral("test-0000000001");
  ASSERT_TRUE(referral.ok());
  EXPECT_FALSE(referral->has_value());
  EXPECT_TRUE(ValueOf(store_->ReadInbox("b", 0, 10)).empty());
  EXPECT_TRUE(ValueOf(store_->ReadEvents(1, 10)).empty());
  // Counters rolled back too: the next id and sequences start at 1.
  EXPECT_EQ(Submit("a", "b"), "test-0000000001");
  const std::vector<v1::InboxEntry> inbox =
      ValueOf(store_->ReadInbox("b", 0, 10));
  ASSERT_EQ(inbox.size(), 1u);
  EXPECT_EQ(inbox.front().sequence(), 1u);
  const std::vector<v1::Event> events = ValueOf(store_->ReadEvents(1, 10));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events.front().sequence(), 1u);
}

TEST_P(StoreConformanceTest, AFailedBodyIsUndoneWhileItsGroupCommits) {
  // Referral 1, event 1, entry 1 of discipline-commission.
  const std::string existing =
      Submit("inspection-office", "discipline-commission");
  const absl::Time due = At(1735689600);
  // What the transaction after the failed one saw.
  struct Seen {
    std::optional<v1::Referral> ghost = v1::Referral();
    std::string id;
    v1::ReferralState existing_state = v1::REFERRAL_STATE_UNSPECIFIED;
    std::string lead_summary;
    std::string generation = "unread";
    std::optional<v1::RequestRecord> request = v1::RequestRecord();
    std::optional<v1::StoredDistribution> distribution =
        v1::StoredDistribution();
    std::optional<v1::RectificationItem> item = v1::RectificationItem();
    uint64_t event_sequence = 0;
    uint64_t inbox_sequence = 0;
    uint64_t other_inbox_sequence = 0;
  } seen;
  Completions completions(3);
  {
    WriterHold hold(*store_);
    // Referral 2, event 2, entry 2.
    store_->Apply(
        SubmitBody("inspection-office", "discipline-commission", nullptr),
        completions.For(0));
    // One write of every kind, then a failure.
    store_->Apply(
        [&](Transaction& txn) -> absl::Status {
          SX_ASSIGN_OR_RETURN(std::string id, txn.NewReferralId());
          v1::Referral referral;
          referral.set_referral_id(id);
          referral.set_sender_agency_id("inspection-office");
          referral.set_recipient_agency_id("audit-bureau");
          SX_RETURN_IF_ERROR(txn.CreateReferral(referral, v1::Lead()));
          SX_ASSIGN_OR_RETURN(std::optional<v1::Referral> changed,
                              txn.GetReferral(existing));
          if (!changed.has_value()) return absl::InternalError("no referral");
          changed->set_state(v1::REFERRAL_STATE_CLOSED);
          SX_RETURN_IF_ERROR(txn.UpdateReferral(*changed));
          v1::Lead lead;
          lead.set_summary("改写");
          SX_RETURN_IF_ERROR(txn.ReplaceLead(existing, lead));
          SX_ASSIGN_OR_RETURN(v1::Event event,
                              txn.AppendEvent(v1::Event(), {"audit-bureau"}));
          SX_RETURN_IF_ERROR(txn.AppendInbox("audit-bureau", event).status());
          SX_RETURN_IF_ERROR(
              txn.TakeInboxEntry("discipline-commission", 1).status());
          SX_RETURN_IF_ERROR(
              txn.AdvanceInboxSequence("discipline-commission", 100));
          v1::InboxEntry letter;
          letter.set_sequence(7);
          SX_RETURN_IF_ERROR(txn.PutDeadLetter("audit-bureau", letter, due));
          v1::RequestRecord record;
          record.set_method("SubmitReferral");
          SX_RETURN_IF_ERROR(
              txn.PutRequest("inspection-office", "req-1", record));
          SX_RETURN_IF_ERROR(
              txn.PutSigningCertificate(Sha256("certificate"), "certificate"));
          SX_RETURN_IF_ERROR(txn.PutDeadline(DeadlineKind::kAccept, due, id));
          SX_RETURN_IF_ERROR(txn.PutItemDeadline(due, id, 1));
          v1::StoredDistribution distribution;
          distribution.set_distribution_id("test-0000000090");
          distribution.set_sender_agency_id("inspection-office");
          SX_RETURN_IF_ERROR(txn.PutDistribution(distribution));
          SX_RETURN_IF_ERROR(txn.AddToCounters({{"s/undone", 1}}));
          v1::RectificationItem item;
          item.set_number(1);
          SX_RETURN_IF_ERROR(txn.PutRectificationItem(existing, item));
          SX_RETURN_IF_ERROR(txn.SetIdGeneration("r20990101000000000000"));
          return absl::AbortedError("the body changed its mind");
        },
        completions.For(1));
    // Sees nothing of the failed body, and commits.
    store_->Apply(
        [&](Transaction& txn) -> absl::Status {
          SX_ASSIGN_OR_RETURN(seen.ghost, txn.GetReferral("test-0000000003"));
          SX_ASSIGN_OR_RETURN(seen.id, txn.NewReferralId());
          SX_ASSIGN_OR_RETURN(std::optional<v1::Referral> stored,
                              txn.GetReferral(existing));
          if (stored.has_value()) seen.existing_state = stored->state();
          SX_ASSIGN_OR_RETURN(v1::Lead lead, txn.GetLead(existing));
          seen.lead_summary = lead.summary();
          SX_ASSIGN_OR_RETURN(seen.generation, txn.IdGeneration());
          SX_ASSIGN_OR_RETURN(seen.request,
                              txn.GetRequest("inspection-office", "req-1"));
          SX_ASSIGN_OR_RETURN(seen.distribution,
                              txn.GetDistribution("test-0000000090"));
          SX_ASSIGN_OR_RETURN(seen.item, txn.GetRectificationItem(existing, 1));
          v1::Referral referral;
          referral.set_referral_id(seen.id);
          referral.set_sender_agency_id("inspection-office");
          referral.set_recipient_agency_id("discipline-commission");
          SX_RETURN_IF_ERROR(txn.CreateReferral(referral, v1::Lead()));
          v1::Event event;
          event.set_referral_id(seen.id);
          SX_ASSIGN_OR_RETURN(
              v1::Event stored_event,
              txn.AppendEvent(event,
                              {"inspection-office", "discipline-commission"}));
          seen.event_sequence = stored_event.sequence();
          SX_ASSIGN_OR_RETURN(
              seen.inbox_sequence,
              txn.AppendInbox("discipline-commission", stored_event));
          SX_ASSIGN_OR_RETURN(seen.other_inbox_sequence,
                              txn.AppendInbox("audit-bureau", stored_event));
          return absl::OkStatus();
        },
        completions.For(2));
    EXPECT_TRUE(hold.Finish().ok());
  }
  completions.WaitForAll();
  const std::vector<absl::Status> results = completions.results();
  EXPECT_TRUE(results[0].ok()) << results[0];
  EXPECT_EQ(results[1].code(), absl::StatusCode::kAborted) << results[1];
  EXPECT_TRUE(results[2].ok()) << results[2];

  EXPECT_FALSE(seen.ghost.has_value());
  EXPECT_EQ(seen.id, "test-0000000003");
  EXPECT_EQ(seen.existing_state, v1::REFERRAL_STATE_SUBMITTED);
  EXPECT_EQ(seen.lead_summary, "土地储备中心通过个人账户收取土地出让金");
  EXPECT_EQ(seen.generation, "");
  EXPECT_FALSE(seen.request.has_value());
  EXPECT_FALSE(seen.distribution.has_value());
  EXPECT_FALSE(seen.item.has_value());
  EXPECT_EQ(seen.event_sequence, 3u);
  EXPECT_EQ(seen.inbox_sequence, 3u);
  EXPECT_EQ(seen.other_inbox_sequence, 1u);

  // Outside, after the commit: the two bodies that succeeded, nothing else.
  EXPECT_EQ(ValueOf(store_->EventCount()), 3u);
  EXPECT_TRUE(store_->VerifyEventChain().ok());
  EXPECT_EQ(ValueOf(store_->ScanReferralIds("", 10)).referral_ids,
            (std::vector<std::string>{"test-0000000003", "test-0000000002",
                                      "test-0000000001"}));
  EXPECT_TRUE(
      ValueOf(store_->ListReferralIds("audit-bureau", Side::kRecipient, "", 10))
          .referral_ids.empty());
  EXPECT_EQ(
      SequencesOf(ValueOf(store_->ReadInbox("discipline-commission", 0, 10))),
      (Sequences{1, 2, 3}));
  EXPECT_EQ(SequencesOf(ValueOf(store_->ReadInbox("audit-bureau", 0, 10))),
            (Sequences{1}));
  EXPECT_TRUE(ValueOf(store_->ListDeadLetters("", "", 10)).empty());
  EXPECT_EQ(ValueOf(store_->SummarizeInbox("audit-bureau")).dead_letters, 0u);
  EXPECT_FALSE(ValueOf(store_->GetSigningCertificate(Sha256("certificate")))
                   .has_value());
  EXPECT_TRUE(ValueOf(store_->DeadlinesDue(due + absl::Hours(1), 10)).empty());
  EXPECT_TRUE(ValueOf(store_->ReadCounters("s/", "s0", 10)).empty());
  EXPECT_TRUE(ValueOf(store_->ListRectificationItems(existing, 0, 10)).empty());
  EXPECT_TRUE(ValueOf(store_->ListDistributionIds("inspection-office", "", 10))
                  .referral_ids.empty());
  EXPECT_EQ(ValueOf(store_->GetLead(existing)).summary(),
            "土地储备中心通过个人账户收取土地出让金");
  ASSERT_TRUE(Reopen());
  EXPECT_EQ(Submit("a", "b"), "test-0000000004") << "no generation was set";
}

TEST_P(StoreConformanceTest, LaterTransactionSeesEarlierUncommittedWrites) {
  // Queue many transactions without waiting, so that several land in one
  // group: each must still see the previous one's update.
  const std::string id = Submit("a", "b");
  constexpr int kSteps = 200;
  absl::Mutex mu;
  int finished = 0;
  std::vector<absl::Status> results(kSteps);
  for (int i = 0; i < kSteps; ++i) {
    store_->Apply(
        [&id, i](Transaction& txn) -> absl::Status {
          SX_ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                              txn.GetReferral(id));
          if (!referral.has_value()) return absl::InternalError("gone");
          if (referral->version() != i) {
            return absl::InternalError(
                absl::StrCat("saw version ", referral->version()));
          }
          referral->set_version(i + 1);
          return txn.UpdateReferral(*referral);
        },
        [&, i](absl::Status status) {
          absl::MutexLock lock(&mu);
          results[i] = status;
          ++finished;
        });
  }
  {
    absl::MutexLock lock(&mu);
    mu.Await(absl::Condition(
        +[](int* count) { return *count == kSteps; }, &finished));
  }
  for (const absl::Status& status : results) EXPECT_TRUE(status.ok()) << status;
  EXPECT_EQ(ValueOf(store_->GetReferral(id)).value_or(v1::Referral()).version(),
            kSteps);
}

TEST_P(StoreConformanceTest, ReadsOutsideTransactionsSeeOnlyCommittedState) {
  const absl::Time due = At(1735689600);
  const std::string certificate_sha256 = Sha256("certificate");
  // The body's writes are made, not committed, while the writer is held.
  WriterHold hold(*store_, [&](Transaction& txn) -> absl::Status {
    SX_RETURN_IF_ERROR(SubmitBody("a", "b", nullptr)(txn));
    SX_RETURN_IF_ERROR(txn.AddToCounters({{"s/uncommitted", 1}}));
    SX_RETURN_IF_ERROR(
        txn.PutDeadline(DeadlineKind::kAccept, due, "test-0000000001"));
    v1::StoredDistribution distribution;
    distribution.set_distribution_id("test-0000000090");
    distribution.set_sender_agency_id("a");
    SX_RETURN_IF_ERROR(txn.PutDistribution(distribution));
    v1::RectificationItem item;
    item.set_number(1);
    SX_RETURN_IF_ERROR(txn.PutRectificationItem("test-0000000001", item));
    return txn.PutSigningCertificate(certificate_sha256, "certificate");
  });
  EXPECT_FALSE(ValueOf(store_->GetReferral("test-0000000001")).has_value());
  EXPECT_TRUE(ValueOf(store_->ScanReferralIds("", 10)).referral_ids.empty());
  EXPECT_TRUE(ValueOf(store_->ListReferralIds("a", Side::kSender, "", 10))
                  .referral_ids.empty());
  EXPECT_EQ(ValueOf(store_->EventCount()), 0u);
  EXPECT_TRUE(ValueOf(store_->ReadEvents(1, 10)).empty());
  EXPECT_EQ(Query(EventFilter()), Sequences{});
  EXPECT_TRUE(ValueOf(store_->ReadInbox("b", 0, 10)).empty());
  EXPECT_EQ(ValueOf(store_->SummarizeInbox("b")).depth, 0u);
  EXPECT_TRUE(ValueOf(store_->ReadCounters("s/", "s0", 10)).empty());
  EXPECT_TRUE(ValueOf(store_->DeadlinesDue(due, 10)).empty());
  EXPECT_FALSE(ValueOf(store_->GetDistribution("test-0000000090")).has_value());
  EXPECT_TRUE(ValueOf(store_->ListRectificationItems("test-0000000001", 0, 10))
                  .empty());
  EXPECT_FALSE(
      ValueOf(store_->GetSigningCertificate(certificate_sha256)).has_value());

  ASSERT_TRUE(hold.Finish().ok());
  // Acknowledged: every reader sees it from now on.
  EXPECT_TRUE(ValueOf(store_->GetReferral("test-0000000001")).has_value());
  EXPECT_EQ(ValueOf(store_->ListReferralIds("a", Side::kSender, "", 10))
                .referral_ids.size(),
            1u);
  EXPECT_EQ(ValueOf(store_->EventCount()), 1u);
  EXPECT_EQ(Query(EventFilter()), (Sequences{1}));
  EXPECT_EQ(ValueOf(store_->SummarizeInbox("b")).depth, 1u);
  EXPECT_EQ(ValueOf(store_->ReadCounters("s/", "s0", 10)),
            (Counts{{"s/uncommitted", 1}}));
  EXPECT_EQ(ValueOf(store_->DeadlinesDue(due, 10)).size(), 1u);
  EXPECT_TRUE(ValueOf(store_->GetDistribution("test-0000000090")).has_value());
  EXPECT_EQ(
      ValueOf(store_->ListRectificationItems("test-0000000001", 0, 10)).size(),
      1u);
  EXPECT_EQ(ValueOf(store_->GetSigningCertificate(certificate_sha256)),
            std::optional<std::string>("certificate"));
}

TEST_P(StoreConformanceTest, DoneIsCalledOnceForEachTransactionInCommitOrder) {
  constexpr size_t kTransactions = 60;
  absl::Mutex mu;
  std::vector<size_t> ran;
  Completions completions(kTransactions);
  {
    // Everything queues behind the hold, then goes together.
    WriterHold hold(*store_);
    for (size_t i = 0; i < kTransactions; ++i) {
      store_->Apply(
          [&, i](Transaction& txn) -> absl::Status {
            {
              absl::MutexLock lock(&mu);
              ran.push_back(i);
            }
            SX_RETURN_IF_ERROR(txn.AppendInbox("b", v1::Event()).status());
            if (i % 3 == 1) return absl::AbortedError("this one fails");
            return absl::OkStatus();
          },
          completions.For(i));
    }
    EXPECT_TRUE(hold.Finish().ok());
  }
  completions.WaitForAll();
  std::vector<size_t> in_order(kTransactions);
  for (size_t i = 0; i < kTransactions; ++i) in_order[i] = i;
  {
    absl::MutexLock lock(&mu);
    // Applied from one thread: run one at a time, in that order...
    EXPECT_EQ(ran, in_order);
  }
  // ...and told in the same order, failures included.
  EXPECT_EQ(completions.order(), in_order);
  const std::vector<absl::Status> results = completions.results();
  for (size_t i = 0; i < kTransactions; ++i) {
    if (i % 3 == 1) {
      EXPECT_EQ(results[i].code(), absl::StatusCode::kAborted) << i;
    } else {
      EXPECT_TRUE(results[i].ok()) << i << ": " << results[i];
    }
  }
  // On the store's completion thread, not the caller's.
  const std::set<std::thread::id> threads = completions.threads();
  EXPECT_EQ(threads.size(), 1u);
  EXPECT_EQ(threads.count(std::this_thread::get_id()), 0u);
  // The committed ones took sequences without gaps.
  Sequences committed;
  for (uint64_t sequence = 1; sequence <= kTransactions - kTransactions / 3;
       ++sequence) {
    committed.push_back(sequence);
  }
  EXPECT_EQ(SequencesOf(ValueOf(store_->ReadInbox("b", 0, 1000))), committed);
  // Once each: closing the store calls nothing again.
  store_.reset();
  EXPECT_EQ(completions.calls(), std::vector<int>(kTransactions, 1));
}

TEST_P(StoreConformanceTest, ConcurrentWritersKeepChainAndInboxesGapless) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Submit("sender", absl::StrCat("recipient-", t % 2));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_TRUE(store_->VerifyEventChain().ok());
  EXPECT_EQ(ValueOf(store_->ReadEvents(1, 10000)).size(),
            static_cast<size_t>(kThreads * kPerThread));
  for (const char* recipient : {"recipient-0", "recipient-1"}) {
    auto entries = store_->ReadInbox(recipient, 0, 10000);
    ASSERT_TRUE(entries.ok()) << entries.status();
    ASSERT_EQ(entries->size(), static_cast<size_t>(kThreads * kPerThread / 2));
    for (size_t i = 0; i < entries->size(); ++i) {
      EXPECT_EQ((*entries)[i].sequence(), i + 1);
    }
  }
  EXPECT_EQ(ValueOf(store_->ScanReferralIds("", 10000)).referral_ids.size(),
            static_cast<size_t>(kThreads * kPerThread));
}

TEST_P(StoreConformanceTest, WriteObserverAccountsForEveryDurableTransaction) {
  absl::Mutex mu;
  size_t fsyncs = 0;
  size_t reported = 0;
  bool consistent = true;
  store_->SetWriteObserver([&](const CommitReport& report) {
    absl::MutexLock lock(&mu);
    ++fsyncs;
    reported += report.committed.size();
    consistent = consistent && report.queued.size() == report.committed.size();
    for (size_t i = 0; i < report.committed.size(); ++i) {
      // Waiting for the writer is part of the commit, and the commit
      // includes the fsync that made it durable.
      consistent = consistent && report.queued[i] >= absl::ZeroDuration() &&
                   report.committed[i] >= report.queued[i] &&
                   report.committed[i] >= report.fsync_time;
    }
  });
  constexpr int kThreads = 4;
  constexpr int kPerThread = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this] {
      for (int i = 0; i < kPerThread; ++i) {
        Submit("sender", "recipient");
        // Bodies that fail write nothing and are not reported as made
        // durable, even in a group with others that are.
        EXPECT_FALSE(store_
                         ->ApplyAndWait([](Transaction& txn) {
                           EXPECT_TRUE(txn.NewReferralId().ok());
                           return absl::InternalError("body fails");
                         })
                         .ok());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  absl::MutexLock lock(&mu);
  EXPECT_EQ(reported, static_cast<size_t>(kThreads * kPerThread));
  EXPECT_GE(fsyncs, 1u);
  EXPECT_LE(fsyncs, reported);
  EXPECT_TRUE(consistent);
}

// --- Request records and signing certificates -----------------------------

TEST_P(StoreConformanceTest, RequestRecordsAreScopedToTheCaller) {
  ASSERT_TRUE(Apply([](Transaction& txn) {
                v1::RequestRecord record;
                record.set_method("SubmitReferral");
                record.set_referral_id("test-0000000007");
                return txn.PutRequest("a", "req-1", record);
              }).ok());
  ASSERT_TRUE(Reopen());
  std::optional<v1::RequestRecord> mine;
  std::optional<v1::RequestRecord> other = v1::RequestRecord();
  ASSERT_TRUE(Apply([&](Transaction& txn) -> absl::Status {
                SX_ASSIGN_OR_RETURN(mine, txn.GetRequest("a", "req-1"));
                SX_ASSIGN_OR_RETURN(other, txn.GetRequest("b", "req-1"));
                return absl::OkStatus();
              }).ok());
  ASSERT_TRUE(mine.has_value()) << "record lost";
  EXPECT_EQ(mine->referral_id(), "test-0000000007");
  EXPECT_FALSE(other.has_value()) << "leaked to another caller";
}

TEST_P(StoreConformanceTest, ARequestRecordIsSeenByItsBodyAndReplacedWhole) {
  const std::string digest = Sha256("request bytes");
  std::optional<v1::RequestRecord> in_body;
  ASSERT_TRUE(Apply([&](Transaction& txn) -> absl::Status {
                v1::RequestRecord record;
                record.set_method("AddRectificationItems");
                record.set_request_sha256(digest);
                record.set_referral_id("test-0000000001");
                record.add_item_numbers(1);
                record.add_item_numbers(2);
                SX_RETURN_IF_ERROR(txn.PutRequest("a", "req-1", record));
                SX_ASSIGN_OR_RETURN(in_body, txn.GetRequest("a", "req-1"));
                return absl::OkStatus();
              }).ok());
  ASSERT_TRUE(in_body.has_value());
  EXPECT_EQ(in_body->request_sha256(), digest);
  EXPECT_EQ(in_body->item_numbers_size(), 2);

  ASSERT_TRUE(Apply([](Transaction& txn) {
                v1::RequestRecord record;
                record.set_method("AcceptReferral");
                return txn.PutRequest("a", "req-1", record);
              }).ok());
  std::optional<v1::RequestRecord> replaced;
  std::optional<v1::RequestRecord> never = v1::RequestRecord();
  ASSERT_TRUE(Apply([&](Transaction& txn) -> absl::Status {
                SX_ASSIGN_OR_RETURN(replaced, txn.GetRequest("a", "req-1"));
                SX_ASSIGN_OR_RETURN(never, txn.GetRequest("a", "req-2"));
                return absl::OkStatus();
              }).ok());
  ASSERT_TRUE(replaced.has_value());
  EXPECT_EQ(replaced->method(), "AcceptReferral");
  EXPECT_EQ(replaced->referral_id(), "");
  EXPECT_EQ(replaced->item_numbers_size(), 0);
  EXPECT_FALSE(never.has_value());
}

TEST_P(StoreConformanceTest, SigningCertificatesAreKeptByTheirDigest) {
  // DER is binary: NUL and high bytes included.
  const std::string der =
      std::string("\x30\x82\x01\x0a\x00\xff", 6) + "certificate body";
  const std::string sha256 = Sha256(der);
  EXPECT_FALSE(ValueOf(store_->GetSigningCertificate(sha256)).has_value());
  ASSERT_TRUE(Apply([&](Transaction& txn) -> absl::Status {
                SX_RETURN_IF_ERROR(txn.PutSigningCertificate(sha256, der));
                return txn.PutSigningCertificate(sha256, der);
              }).ok());
  // Writing it again changes nothing.
  ASSERT_TRUE(Apply([&](Transaction& txn) {
                return txn.PutSigningCertificate(sha256, der);
              }).ok());
  EXPECT_EQ(ValueOf(store_->GetSigningCertificate(sha256)),
            std::optional<std::string>(der));
  EXPECT_FALSE(
      ValueOf(store_->GetSigningCertificate(Sha256("another"))).has_value());
  ASSERT_TRUE(Reopen());
  EXPECT_EQ(ValueOf(store_->GetSigningCertificate(sha256)),
            std::optional<std::string>(der));
}

// --- The event chain, its queries and the transparency log ----------------

TEST_P(StoreConformanceTest, EventsAreChainedByTheDigestOfTheOneBefore) {
  std::vector<v1::Event> appended;
  for (int i = 0; i < 5; ++i) {
    v1::Event event;
    event.set_sequence(77);                             // the store's to fill
    event.set_previous_event_sha256("not the digest");  // likewise
    event.set_type(v1::EVENT_TYPE_REMINDED);
    event.set_referral_id("test-0000000001");
    event.set_actor(absl::StrCat("agency-", i));
    event.set_reason("催办");
    event.add_item_numbers(static_cast<uint32_t>(i + 1));
    event.mutable_time()->set_seconds(1700000000 + i);
    v1::Event stored;
    ASSERT_TRUE(Apply([&](Transaction& txn) -> absl::Status {
                  SX_ASSIGN_OR_RETURN(
                      stored, txn.AppendEvent(event, {"inspection-office"}));
                  return absl::OkStatus();
                }).ok());
    appended.push_back(stored);
  }
  // The first follows 32 zero bytes; each next one the SHA-256 of the
  // stored bytes of the one before.
  std::string previous_digest(kSha256Bytes, '\0');
  for (size_t i = 0; i < appended.size(); ++i) {
    SCOPED_TRACE(absl::StrCat("event ", i + 1));
    EXPECT_EQ(appended[i].sequence(), i + 1);
    EXPECT_EQ(appended[i].previous_event_sha256(), previous_digest);
    EXPECT_EQ(appended[i].actor(), absl::StrCat("agency-", i));
    EXPECT_EQ(appended[i].reason(), "催办");
    EXPECT_EQ(appended[i].time().seconds(), 1700000000 + static_cast<int>(i));
    const std::string bytes = ValueOf(store_->ReadEventBytes(i + 1));
    v1::Event parsed;
    ASSERT_TRUE(parsed.ParseFromString(bytes));
    EXPECT_EQ(parsed.SerializeAsString(), appended[i].SerializeAsString());
    previous_digest = Sha256(bytes);
  }
  const std::vector<v1::Event> all = ValueOf(store_->ReadEvents(0, 100));
  ASSERT_EQ(all.size(), appended.size());
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].SerializeAsString(), appended[i].SerializeAsString());
  }
  const std::vector<v1::Event> page = ValueOf(store_->ReadEvents(2, 2));
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].sequence(), 2u);
  EXPECT_EQ(page[1].sequence(), 3u);
  EXPECT_TRUE(ValueOf(store_->ReadEvents(6, 10)).empty());
  EXPECT_EQ(ValueOf(store_->EventCount()), 5u);
  EXPECT_EQ(store_->ReadEventBytes(6).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(store_->VerifyEventChain().ok()) << store_->VerifyEventChain();

  ASSERT_TRUE(Reopen());
  EXPECT_TRUE(store_->VerifyEventChain().ok()) << store_->VerifyEventChain();
  const v1::Event next =
      AppendEventAt("test-0000000001", kAccepted, At(1700000100), {});
  EXPECT_EQ(next.sequence(), 6u);
  EXPECT_EQ(next.previous_event_sha256(), previous_digest);
  EXPECT_EQ(ValueOf(store_->EventCount()), 6u);
  EXPECT_TRUE(store_->VerifyEventChain().ok()) << store_->VerifyEventChain();
}

TEST_P(StoreConformanceTest, EventsQueriedByAgencyAndType) {
  AppendEventAt("r1", kSubmitted, At(10), {"a", "b"});  // 1
  AppendEventAt("r1", kAccepted, At(11), {"b", "a"});   // 2
  AppendEventAt("r2", kSubmitted, At(12), {"c", "b"});  // 3
  AppendEventAt("r3", kSubmitted, At(13), {"a", "c"});  // 4
  AppendEventAt("r3", kAccepted, At(14), {"c", "a"});   // 5

  EXPECT_EQ(Query(Agency("a", kSubmitted)), (Sequences{1, 4}));
  EXPECT_EQ(Query(Agency("a", kAccepted)), (Sequences{2, 5}));
  EXPECT_EQ(Query(Agency("b", kSubmitted)), (Sequences{1, 3}));
  EXPECT_EQ(Query(Agency("a")), (Sequences{1, 2, 4, 5}));
  EXPECT_EQ(Query(Agency("d", kSubmitted)), Sequences{});
  // Paging: after a sequence, at most `limit`.
  EXPECT_EQ(Query(Agency("a"), 1, 2), (Sequences{2, 4}));
  EXPECT_EQ(Query(Agency("a"), 4, 2), (Sequences{5}));
  // By type alone.
  EventFilter accepted;
  accepted.type = kAccepted;
  EXPECT_EQ(Query(accepted), (Sequences{2, 5}));
  ASSERT_TRUE(Reopen());
  EXPECT_EQ(Query(Agency("c")), (Sequences{3, 4, 5}));
}

TEST_P(StoreConformanceTest, ATimeRangeIsExactAtBothEdges) {
  for (int i = 1; i <= 4; ++i) {
    AppendEventAt("r1", i % 2 ? kSubmitted : kAccepted, At(10 * i), {"a"});
  }
  EXPECT_EQ(Query(Between(At(20), At(30))), (Sequences{2, 3}));
  EXPECT_EQ(Query(Between(At(19), At(31))), (Sequences{2, 3}));
  EXPECT_EQ(Query(Between(At(21), At(29))), Sequences{});
  EXPECT_EQ(Query(Between(At(0), At(9))), Sequences{});
  EXPECT_EQ(Query(Between(At(41), absl::InfiniteFuture())), Sequences{});
  EXPECT_EQ(Query(Between(At(30), absl::InfiniteFuture())), (Sequences{3, 4}));
  EXPECT_EQ(Query(Between(absl::InfinitePast(), At(20))), (Sequences{1, 2}));
  EXPECT_EQ(Query(Between(At(10), At(40), kAccepted)), (Sequences{2, 4}));
  EventFilter agency_in_time = Between(At(15), At(40), kSubmitted);
  agency_in_time.agency_id = "a";
  EXPECT_EQ(Query(agency_in_time), (Sequences{3}));
  EXPECT_EQ(Query(Between(At(10), At(40)), 2, 1), (Sequences{3}));
}

TEST_P(StoreConformanceTest, AClockSteppingBackStoresTheLastTimeAgain) {
  AppendEventAt("r1", kSubmitted, At(100), {"a"});
  const v1::Event stepped_back = AppendEventAt("r1", kAccepted, At(50), {"a"});
  EXPECT_EQ(stepped_back.time().seconds(), 100);
  EXPECT_EQ(Query(Between(At(0), At(60))), Sequences{});
  EXPECT_EQ(Query(Between(At(100), At(100))), (Sequences{1, 2}));
  // The stored bytes (what the chain and the log hash) say the same.
  EXPECT_TRUE(store_->VerifyEventChain().ok());
  const std::vector<v1::Event> events = ValueOf(store_->ReadEvents(2, 1));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events.front().time().seconds(), 100);
}

TEST_P(StoreConformanceTest, EventTimesNeverGoBackAcrossFailuresAndReopens) {
  const absl::Time first_time = At(100) + absl::Milliseconds(500);
  const v1::Event first = AppendEventAt("r1", kSubmitted, first_time, {"a"});
  EXPECT_EQ(TimeOf(first), first_time);
  // Back by less than a second: the last time, to the nanosecond.
  const v1::Event second =
      AppendEventAt("r1", kAccepted, At(100) + absl::Milliseconds(200), {"a"});
  EXPECT_EQ(TimeOf(second), first_time);
  // A later time that a failed body wrote is not the last time.
  EXPECT_FALSE(Apply([](Transaction& txn) -> absl::Status {
                 v1::Event event;
                 SetTime(At(900), event);
                 SX_RETURN_IF_ERROR(txn.AppendEvent(event, {"a"}).status());
                 return absl::AbortedError("undone");
               }).ok());
  const v1::Event third = AppendEventAt("r1", kAccepted, At(200), {"a"});
  EXPECT_EQ(third.sequence(), 3u);
  EXPECT_EQ(TimeOf(third), At(200));
  // A reopen does not forget it.
  ASSERT_TRUE(Reopen());
  const v1::Event fourth = AppendEventAt("r1", kAccepted, At(150), {"a"});
  EXPECT_EQ(TimeOf(fourth), At(200));
  EXPECT_EQ(Query(Between(At(200), At(200))), (Sequences{3, 4}));
  EXPECT_EQ(Query(Between(first_time, first_time)), (Sequences{1, 2}));
  EXPECT_EQ(Query(Between(At(101), At(199))), Sequences{});
  EXPECT_TRUE(store_->VerifyEventChain().ok());
}

TEST_P(StoreConformanceTest, AReferralsEventsAreCheckedForAgencyAndType) {
  AppendEventAt("r1", kSubmitted, At(1), {"a", "b"});
  AppendEventAt("r2", kSubmitted, At(2), {"a", "b"});
  AppendEventAt("r1", kAccepted, At(3), {"b", "a"});
  AppendEventAt("r1", kAccepted, At(4), {"c"});
  EventFilter filter;
  filter.referral_id = "r1";
  EXPECT_EQ(Query(filter), (Sequences{1, 3, 4}));
  filter.agency_id = "c";
  EXPECT_EQ(Query(filter), (Sequences{4}));
  filter.agency_id = "a";
  filter.type = kAccepted;
  EXPECT_EQ(Query(filter), (Sequences{3}));
  filter.time_from = At(4);
  EXPECT_EQ(Query(filter), Sequences{});
}

TEST_P(StoreConformanceTest, NoFilterPagesThroughEveryEvent) {
  for (int i = 1; i <= 5; ++i) AppendEventAt("r", kSubmitted, At(i), {"a"});
  EXPECT_EQ(Query(EventFilter()), (Sequences{1, 2, 3, 4, 5}));
  EXPECT_EQ(Query(EventFilter(), 2, 2), (Sequences{3, 4}));
  EXPECT_EQ(Query(EventFilter(), 5, 2), Sequences{});
}

TEST_P(StoreConformanceTest, NothingComesAfterTheLastSequence) {
  Submit("a", "b");
  EXPECT_TRUE(
      ValueOf(store_->ReadInbox("b", std::numeric_limits<uint64_t>::max(), 10))
          .empty());
  EventFilter filter;
  filter.referral_id = "test-0000000001";
  EXPECT_TRUE(ValueOf(store_->QueryEvents(
                          filter, std::numeric_limits<uint64_t>::max(), 10))
                  .empty());
  EXPECT_TRUE(
      ValueOf(store_->QueryEvents(EventFilter(),
                                  std::numeric_limits<uint64_t>::max(), 10))
          .empty());
}

TEST_P(StoreConformanceTest, TransparencyLogNodesAreStoredAsEventsAppend) {
  for (int i = 0; i < 4; ++i) Submit("a", "b");
  // Appended and undone: leaves no node behind.
  EXPECT_FALSE(Apply([](Transaction& txn) -> absl::Status {
                 SX_RETURN_IF_ERROR(txn.AppendEvent(v1::Event(), {}).status());
                 SX_RETURN_IF_ERROR(txn.AppendEvent(v1::Event(), {}).status());
                 return absl::AbortedError("undone");
               }).ok());
  for (int i = 0; i < 3; ++i) Submit("a", "b");
  ASSERT_EQ(ValueOf(store_->EventCount()), 7u);

  absl::StatusOr<transparency::MerkleHasher> hasher =
      transparency::MerkleHasher::Create(transparency::HashAlgorithm::kSha256);
  ASSERT_TRUE(hasher.ok()) << hasher.status();
  const std::vector<std::string> leaves = LeafHashes(*store_, *hasher);
  ASSERT_EQ(leaves.size(), 7u);
  // Seven leaves complete the perfect subtrees (1,0), (1,1), (1,2), (2,0).
  const std::vector<std::pair<uint64_t, uint64_t>> complete = {
      {0, 0}, {0, 3}, {0, 6}, {1, 0}, {1, 1}, {1, 2}, {2, 0}};
  for (auto [level, index] : complete) {
    SCOPED_TRACE(absl::StrCat("(", level, ",", index, ")"));
    EXPECT_EQ(ValueOf(store_->PerfectSubtreeHash(level, index)),
              SubtreeHash(*hasher, leaves, level, index));
  }
  for (auto [level, index] : std::vector<std::pair<uint64_t, uint64_t>>{
           {0, 7}, {1, 3}, {2, 1}, {3, 0}}) {
    SCOPED_TRACE(absl::StrCat("(", level, ",", index, ") is not complete"));
    EXPECT_EQ(store_->PerfectSubtreeHash(level, index).status().code(),
              absl::StatusCode::kNotFound);
  }
  ASSERT_TRUE(Reopen());
  EXPECT_EQ(ValueOf(store_->PerfectSubtreeHash(2, 0)),
            SubtreeHash(*hasher, leaves, 2, 0));
  Submit("a", "b");  // the eighth leaf completes (3,0)
  const std::vector<std::string> eight = LeafHashes(*store_, *hasher);
  EXPECT_EQ(ValueOf(store_->PerfectSubtreeHash(3, 0)),
            SubtreeHash(*hasher, eight, 3, 0));
}

TEST_P(StoreConformanceTest, TheLogHashesWithSm3WhenOpenedSo) {
  OpenOptions sm3;
  sm3.log_hash = "sm3";
  ASSERT_TRUE(StartOver(sm3));
  for (int i = 0; i < 3; ++i) Submit("a", "b");
  absl::StatusOr<transparency::MerkleHasher> hasher =
      transparency::MerkleHasher::Create(transparency::HashAlgorithm::kSm3);
  ASSERT_TRUE(hasher.ok()) << hasher.status();
  const std::vector<std::string> leaves = LeafHashes(*store_, *hasher);
  ASSERT_EQ(leaves.size(), 3u);
  EXPECT_EQ(ValueOf(store_->PerfectSubtreeHash(0, 2)), leaves[2]);
  EXPECT_EQ(ValueOf(store_->PerfectSubtreeHash(1, 0)),
            hasher->NodeHash(leaves[0], leaves[1]));
  // The chain's digest stays SHA-256 whatever the log's hash.
  const std::vector<v1::Event> second = ValueOf(store_->ReadEvents(2, 1));
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].previous_event_sha256(),
            Sha256(ValueOf(store_->ReadEventBytes(1))));
  EXPECT_TRUE(store_->VerifyEventChain().ok());

  store_.reset();
  EXPECT_EQ(OpenAt(location_, OpenOptions()).status().code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(Reopen(sm3));
  EXPECT_EQ(ValueOf(store_->EventCount()), 3u);
}

TEST_P(StoreConformanceTest, TheLogHashCannotChangeForAnExistingDatabase) {
  Submit("a", "b");
  store_.reset();
  OpenOptions sm3;
  sm3.log_hash = "sm3";
  auto reopened = OpenAt(location_, sm3);
  EXPECT_EQ(reopened.status().code(), absl::StatusCode::kFailedPrecondition)
      << reopened.status();
  reopened = absl::StatusOr<std::unique_ptr<Store>>();  // closed
  ASSERT_TRUE(Reopen());
  EXPECT_TRUE(ValueOf(store_->GetReferral("test-0000000001")).has_value());
}

// --- Inboxes and dead letters ---------------------------------------------

TEST_P(StoreConformanceTest, AnInboxReadsInSequenceOrderAfterASequence) {
  const std::string agency = "discipline-commission";
  Sequences appended;
  ASSERT_TRUE(Apply([&](Transaction& txn) -> absl::Status {
                for (int i = 1; i <= 5; ++i) {
                  v1::Event event;
                  event.set_type(v1::EVENT_TYPE_SUBMITTED);
                  event.set_referral_id(absl::StrCat("test-000000000", i));
                  SX_ASSIGN_OR_RETURN(uint64_t sequence,
                                      txn.AppendInbox(agency, event));
                  appended.push_back(sequence);
                }
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(appended, (Sequences{1, 2, 3, 4, 5}));
  const std::vector<v1::InboxEntry> entries =
      ValueOf(store_->ReadInbox(agency, 0, 100));
  ASSERT_EQ(entries.size(), 5u);
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(entries[i].sequence(), i + 1);
    EXPECT_EQ(entries[i].event().referral_id(),
              absl::StrCat("test-000000000", i + 1));
    EXPECT_EQ(entries[i].event().type(), v1::EVENT_TYPE_SUBMITTED);
    EXPECT_FALSE(entries[i].has_referral()) << "the event, not the referral";
    EXPECT_EQ(entries[i].delivery_attempts(), 0u);
  }
  EXPECT_EQ(SequencesOf(ValueOf(store_->ReadInbox(agency, 2, 2))),
            (Sequences{3, 4}));
  EXPECT_TRUE(ValueOf(store_->ReadInbox(agency, 5, 10)).empty());

  // Taken, and put back with one more attempt; another taken for good.
  std::optional<v1::InboxEntry> never = v1::InboxEntry();
  ASSERT_TRUE(Apply([&](Transaction& txn) -> absl::Status {
                SX_ASSIGN_OR_RETURN(std::optional<v1::InboxEntry> entry,
                                    txn.TakeInboxEntry(agency, 2));
                if (!entry.has_value()) return absl::InternalError("gone");
                if (entry->event().referral_id() != "test-0000000002") {
                  return absl::InternalError("another entry");
                }
                entry->set_delivery_attempts(3);
                SX_RETURN_IF_ERROR(txn.RestoreInboxEntry(agency, *entry));
                SX_RETURN_IF_ERROR(txn.TakeInboxEntry(agency, 4).status());
                SX_ASSIGN_OR_RETURN(never, txn.TakeInboxEntry(agency, 99));
                return absl::OkStatus();
              }).ok());
  EXPECT_FALSE(never.has_value());
  ASSERT_TRUE(Reopen());
  const std::vector<v1::InboxEntry> left =
      ValueOf(store_->ReadInbox(agency, 0, 100));
  EXPECT_EQ(SequencesOf(left), (Sequences{1, 2, 3, 5}));
  ASSERT_EQ(left.size(), 4u);
  EXPECT_EQ(left[1].delivery_attempts(), 3u);
  EXPECT_EQ(left[1].event().referral_id(), "test-0000000002");
  EXPECT_EQ(SequencesOf(ValueOf(store_->ReadInbox(agency, 1, 1))),
            (Sequences{2}));
  EXPECT_EQ(SequencesOf(ValueOf(store_->ReadInbox(agency, 3, 10))),
            (Sequences{5}));
}

TEST_P(StoreConformanceTest, InboxSequencesNeverRepeatAfterAckAndRestart) {
  Submit("a", "b");
  Submit("a", "b");
  ASSERT_TRUE(Apply([](Transaction& txn) -> absl::Status {
                for (uint64_t seq : {1, 2}) {
                  SX_ASSIGN_OR_RETURN(auto entry, txn.TakeInboxEntry("b", seq));
                  if (!entry.has_value()) return absl::InternalError("gone");
                }
                // Taking again finds nothing.
                SX_ASSIGN_OR_RETURN(auto again, txn.TakeInboxEntry("b", 1));
                return again.has_value() ? absl::InternalError("twice")
                                         : absl::OkStatus();
              }).ok());
  EXPECT_TRUE(ValueOf(store_->ReadInbox("b", 0, 10)).empty());
  ASSERT_TRUE(Reopen());
  Submit("a", "b");
  auto entries = ValueOf(store_->ReadInbox("b", 0, 10));
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries.front().sequence(), 3u);
  EXPECT_TRUE(ValueOf(store_->ReadInbox("b", 3, 10)).empty());
}

TEST_P(StoreConformanceTest, InboxSequencesMoveOnButNeverBack) {
  Submit("a", "b");  // b's inbox: sequence 1
  ASSERT_TRUE(Apply([](Transaction& txn) -> absl::Status {
                SX_RETURN_IF_ERROR(txn.AdvanceInboxSequence("b", 1000));
                // Lower than where it is: no change.
                return txn.AdvanceInboxSequence("b", 10);
              }).ok());
  Submit("a", "b");
  auto entries = ValueOf(store_->ReadInbox("b", 0, 10));
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].sequence(), 1u);
  EXPECT_EQ(entries[1].sequence(), 1000u);
}

TEST_P(StoreConformanceTest, AnInboxNeverUsedStartsWhereItWasAdvancedTo) {
  ASSERT_TRUE(Apply([](Transaction& txn) -> absl::Status {
                SX_RETURN_IF_ERROR(txn.AdvanceInboxSequence("new-agency", 50));
                return txn.AdvanceInboxSequence("new-agency", 0);
              }).ok());
  ASSERT_TRUE(Reopen());
  uint64_t sequence = 0;
  ASSERT_TRUE(Apply([&](Transaction& txn) -> absl::Status {
                SX_ASSIGN_OR_RETURN(sequence,
                                    txn.AppendInbox("new-agency", v1::Event()));
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(sequence, 50u);
  const InboxSummary summary = ValueOf(store_->SummarizeInbox("new-agency"));
  EXPECT_EQ(summary.depth, 1u);
  EXPECT_EQ(summary.last_sequence, 50u);
  EXPECT_EQ(SequencesOf(ValueOf(store_->ReadInbox("new-agency", 49, 10))),
            (Sequences{50}));
  // Moved on and appended to in the same body.
  ASSERT_TRUE(Apply([&](Transaction& txn) -> absl::Status {
                SX_RETURN_IF_ERROR(txn.AdvanceInboxSequence("other", 10));
                SX_ASSIGN_OR_RETURN(sequence,
                                    txn.AppendInbox("other", v1::Event()));
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(sequence, 10u);
}

TEST_P(StoreConformanceTest, AnInboxSummaryCountsWhatWaits) {
  const std::string agency = "discipline-commission";
  InboxSummary summary = ValueOf(store_->SummarizeInbox(agency));
  EXPECT_EQ(summary.depth, 0u);
  EXPECT_EQ(summary.last_sequence, 0u);
  EXPECT_EQ(summary.dead_letters, 0u);
  EXPECT_FALSE(summary.oldest.has_value());

  const std::vector<absl::Time> times = {At(1000) + absl::Milliseconds(250),
                                         At(2000), At(3000)};
  ASSERT_TRUE(Apply([&](Transaction& txn) -> absl::Status {
                for (absl::Time time : times) {
                  v1::Event event;
                  SetTime(time, event);
                  SX_RETURN_IF_ERROR(txn.AppendInbox(agency, event).status());
                }
                return absl::OkStatus();
              }).ok());
  summary = ValueOf(store_->SummarizeInbox(agency));
  EXPECT_EQ(summary.depth, 3u);
  EXPECT_EQ(summary.last_sequence, 3u);
  EXPECT_EQ(summary.oldest, std::optional<absl::Time>(times[0]));

  ASSERT_TRUE(Apply([&](Transaction& txn) {
                return txn.TakeInboxEntry(agency, 1).status();
              }).ok());
  summary = ValueOf(store_->SummarizeInbox(agency));
  EXPECT_EQ(summary.depth, 2u);
  EXPECT_EQ(summary.last_sequence, 3u);
  EXPECT_EQ(summary.oldest, std::optional<absl::Time>(times[1]));

  ASSERT_TRUE(Apply([&](Transaction& txn) -> absl::Status {
                SX_ASSIGN_OR_RETURN(std::optional<v1::InboxEntry> entry,
                                    txn.TakeInboxEntry(agency, 2));
                if (!entry.has_value()) return absl::InternalError("gone");
                return txn.PutDeadLetter(agency, *entry, At(5000));
              }).ok());
  ASSERT_TRUE(Reopen());
  summary = ValueOf(store_->SummarizeInbox(agency));
  EXPECT_EQ(summary.depth, 1u);
  EXPECT_EQ(summary.dead_letters, 1u);
  EXPECT_EQ(summary.last_sequence, 3u);
  EXPECT_EQ(summary.oldest, std::optional<absl::Time>(times[2]));

  ASSERT_TRUE(Apply([&](Transaction& txn) {
                return txn.TakeInboxEntry(agency, 3).status();
              }).ok());
  summary = ValueOf(store_->SummarizeInbox(agency));
  EXPECT_EQ(summary.depth, 0u);
  EXPECT_EQ(summary.last_sequence, 3u);
  EXPECT_FALSE(summary.oldest.has_value());
}

TEST_P(StoreConformanceTest, DepthAndDeadLettersFollowEveryChange) {
  const std::string agency = "discipline-commission";
  ASSERT_TRUE(Apply([&](Transaction& txn) -> absl::Status {
                v1::Event event;
                event.set_type(v1::EVENT_TYPE_SUBMITTED);
                for (int i = 0; i < 4; ++i) {
                  SX_RETURN_IF_ERROR(txn.AppendInbox(agency, event).status());
                }
                return txn.AppendInbox("audit-bureau", event).status();
              }).ok());
  ExpectQueueCounts(agency, 4, 0);
  ExpectQueueCounts("audit-bureau", 1, 0);
  // Acknowledged (twice: the second finds nothing), redelivered with one
  // more attempt, moved to the dead letters and redriven.
  ASSERT_TRUE(Apply([&](Transaction& txn) -> absl::Status {
                SX_RETURN_IF_ERROR(txn.TakeInboxEntry(agency, 1).status());
                return txn.TakeInboxEntry(agency, 1).status();
              }).ok());
  ExpectQueueCounts(agency, 3, 0);
  ASSERT_TRUE(Apply([&](Transaction& txn) -> absl::Status {
                SX_ASSIGN_OR_RETURN(std::optional<v1::InboxEntry> entry,
                                    txn.TakeInboxEntry(agency, 2));
                if (!entry.has_value()) return absl::InternalError("gone");
                entry->set_delivery_attempts(entry->delivery_attempts() + 1);
                SX_RETURN_IF_ERROR(txn.RestoreInboxEntry(agency, *entry));
                // Restoring what is there already adds nothing.
                return txn.RestoreInboxEntry(agency, *entry);
              }).ok());
  ExpectQueueCounts(agency, 3, 0);
  ASSERT_TRUE(Apply([&](Transaction& txn) -> absl::Status {
                SX_ASSIGN_OR_RETURN(std::optional<v1::InboxEntry> entry,
                                    txn.TakeInboxEntry(agency, 3));
                if (!entry.has_value()) return absl::InternalError("gone");
                SX_RETURN_IF_ERROR(
                    txn.PutDeadLetter(agency, *entry, absl::Now()));
                return txn.PutDeadLetter(agency, *entry, absl::Now());
              }).ok());
  ExpectQueueCounts(agency, 2, 1);
  ASSERT_TRUE(Apply([&](Transaction& txn) -> absl::Status {
                SX_ASSIGN_OR_RETURN(std::optional<v1::InboxEntry> letter,
                                    txn.TakeDeadLetter(agency, 3));
                if (!letter.has_value()) return absl::InternalError("gone");
                return txn.AppendInbox(agency, letter->event()).status();
              }).ok());
  ExpectQueueCounts(agency, 3, 0);
  ASSERT_TRUE(Reopen());
  ExpectQueueCounts(agency, 3, 0);
}

TEST_P(StoreConformanceTest, DeadLettersOfEveryAgencyPageByTheirPosition) {
  struct Letter {
    std::string agency;
    uint64_t sequence;
    uint32_t attempts;
    absl::Time when;
  };
  const std::vector<Letter> letters = {{"audit", 1, 5, At(1700000001)},
                                       {"audit", 2, 6, At(1700000002)},
                                       {"audit-bureau", 1, 7, At(1700000003)},
                                       {"zoning-office", 3, 8, At(1700000004)}};
  ASSERT_TRUE(Apply([&](Transaction& txn) -> absl::Status {
                for (const Letter& letter : letters) {
                  v1::InboxEntry entry;
                  entry.set_sequence(letter.sequence);
                  entry.set_delivery_attempts(letter.attempts);
                  entry.mutable_event()->set_referral_id(
                      absl::StrCat(letter.agency, "/", letter.sequence));
                  SX_RETURN_IF_ERROR(
                      txn.PutDeadLetter(letter.agency, entry, letter.when));
                }
                return absl::OkStatus();
              }).ok());

  // Every agency's, one at a time: each exactly once, as it was put.
  std::set<std::pair<std::string, uint64_t>> seen;
  std::string position;
  for (int page = 0; page < 10; ++page) {
    const std::vector<DeadLetterRecord> records =
        ValueOf(store_->ListDeadLetters("", position, 1));
    if (records.empty()) break;
    ASSERT_EQ(records.size(), 1u);
    const DeadLetterRecord& record = records[0];
    EXPECT_FALSE(record.position.empty());
    EXPECT_TRUE(seen.insert({record.agency_id, record.entry.sequence()}).second)
        << record.agency_id << " " << record.entry.sequence() << " twice";
    const auto letter =
        std::find_if(letters.begin(), letters.end(), [&](const Letter& l) {
          return l.agency == record.agency_id &&
                 l.sequence == record.entry.sequence();
        });
    ASSERT_TRUE(letter != letters.end())
        << record.agency_id << " " << record.entry.sequence() << " never put";
    EXPECT_EQ(record.entry.delivery_attempts(), letter->attempts);
    EXPECT_EQ(record.entry.event().referral_id(),
              absl::StrCat(letter->agency, "/", letter->sequence));
    EXPECT_EQ(record.dead_lettered_at, letter->when);
    position = record.position;
  }
  EXPECT_EQ(seen.size(), letters.size());
  EXPECT_EQ(ValueOf(store_->ListDeadLetters("", "", 3)).size(), 3u);
  EXPECT_EQ(ValueOf(store_->ListDeadLetters("", "", 10)).size(), 4u);

  // One agency's only ("audit", not "audit-bureau"), paged the same way.
  const std::vector<DeadLetterRecord> audit =
      ValueOf(store_->ListDeadLetters("audit", "", 10));
  ASSERT_EQ(audit.size(), 2u);
  std::set<uint64_t> audit_sequences;
  for (const DeadLetterRecord& record : audit) {
    EXPECT_EQ(record.agency_id, "audit");
    audit_sequences.insert(record.entry.sequence());
  }
  EXPECT_EQ(audit_sequences, (std::set<uint64_t>{1, 2}));
  const std::vector<DeadLetterRecord> first =
      ValueOf(store_->ListDeadLetters("audit", "", 1));
  ASSERT_EQ(first.size(), 1u);
  const std::vector<DeadLetterRecord> rest =
      ValueOf(store_->ListDeadLetters("audit", first[0].position, 10));
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].agency_id, "audit");
  EXPECT_NE(rest[0].entry.sequence(), first[0].entry.sequence());
  EXPECT_TRUE(
      ValueOf(store_->ListDeadLetters("audit", rest[0].position, 10)).empty());

  // Taken out: gone from every list and count.
  std::optional<v1::InboxEntry> taken;
  std::optional<v1::InboxEntry> again = v1::InboxEntry();
  ASSERT_TRUE(Apply([&](Transaction& txn) -> absl::Status {
                SX_ASSIGN_OR_RETURN(taken, txn.TakeDeadLetter("audit", 1));
                SX_ASSIGN_OR_RETURN(again, txn.TakeDeadLetter("audit", 1));
                return absl::OkStatus();
              }).ok());
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->sequence(), 1u);
  EXPECT_EQ(taken->delivery_attempts(), 5u);
  EXPECT_EQ(taken->event().referral_id(), "audit/1");
  EXPECT_FALSE(again.has_value());
  ASSERT_TRUE(Reopen());
  EXPECT_EQ(ValueOf(store_->ListDeadLetters("", "", 10)).size(), 3u);
  EXPECT_EQ(ValueOf(store_->SummarizeInbox("audit")).dead_letters, 1u);
  EXPECT_EQ(ValueOf(store_->SummarizeInbox("audit-bureau")).dead_letters, 1u);
}

TEST_P(StoreConformanceTest, InboxListenerHearsOfEachGrownInboxAfterCommit) {
  absl::Mutex mu;
  std::vector<std::string> heard;
  store_->SetInboxListener([&](const std::vector<std::string>& agencies) {
    absl::MutexLock lock(&mu);
    heard.insert(heard.end(), agencies.begin(), agencies.end());
  });
  Submit("a", "b");
  // Visible by the time the listener ran.
  EXPECT_EQ(ValueOf(store_->ReadInbox("b", 0, 10)).size(), 1u);
  absl::MutexLock lock(&mu);
  EXPECT_EQ(heard, std::vector<std::string>{"b"});
}

TEST_P(StoreConformanceTest, InboxListenerHearsNothingOfAFailedBody) {
  absl::Mutex mu;
  std::set<std::string> heard;
  store_->SetInboxListener([&](const std::vector<std::string>& agencies) {
    absl::MutexLock lock(&mu);
    heard.insert(agencies.begin(), agencies.end());
  });
  Completions completions(2);
  {
    WriterHold hold(*store_);
    store_->Apply(
        [](Transaction& txn) -> absl::Status {
          SX_RETURN_IF_ERROR(txn.AppendInbox("undone", v1::Event()).status());
          return absl::AbortedError("undone");
        },
        completions.For(0));
    store_->Apply(
        [](Transaction& txn) {
          return txn.AppendInbox("kept", v1::Event()).status();
        },
        completions.For(1));
    EXPECT_TRUE(hold.Finish().ok());
  }
  completions.WaitForAll();
  EXPECT_FALSE(completions.results()[0].ok());
  EXPECT_TRUE(completions.results()[1].ok());
  absl::MutexLock lock(&mu);
  EXPECT_EQ(heard, std::set<std::string>{"kept"});
}

// --- Deadlines ------------------------------------------------------------

TEST_P(StoreConformanceTest, DeadlinesComeDueEarliestFirst) {
  const absl::Time t0 = At(1735689600);  // 2025-01-01
  const absl::Duration day = absl::Hours(24);
  // Later ids and larger numbers are due first: only the due time, whatever
  // the kind, can put them in order.
  ASSERT_TRUE(
      Apply([&](Transaction& txn) -> absl::Status {
        SX_RETURN_IF_ERROR(txn.PutDeadline(DeadlineKind::kReport,
                                           t0 + 365 * day, "test-0000000001"));
        SX_RETURN_IF_ERROR(txn.PutDeadline(DeadlineKind::kFeedback,
                                           t0 + 30 * day, "test-0000000001"));
        SX_RETURN_IF_ERROR(
            txn.PutItemDeadline(t0 + 2 * day, "test-0000000001", 2));
        SX_RETURN_IF_ERROR(txn.PutItemDeadline(
            t0 + day, "test-0000000002", std::numeric_limits<uint32_t>::max()));
        SX_RETURN_IF_ERROR(txn.PutDeadline(DeadlineKind::kYellowWarning,
                                           t0 + absl::Hours(12),
                                           "test-0000000003"));
        SX_RETURN_IF_ERROR(txn.PutDeadline(DeadlineKind::kBlueWarning,
                                           t0 + absl::Hours(6),
                                           "test-0000000004"));
        SX_RETURN_IF_ERROR(txn.PutDeadline(
            DeadlineKind::kReview, t0 + absl::Hours(2), "test-0000000050"));
        SX_RETURN_IF_ERROR(txn.PutDeadline(
            DeadlineKind::kAccept, t0 + absl::Hours(1), "test-0000000050"));
        SX_RETURN_IF_ERROR(
            txn.PutItemDeadline(t0 + absl::Seconds(1), "test-0000000099", 300));
        return txn.PutDeadline(DeadlineKind::kFeedback, t0, "test-0000000099");
      }).ok());
  auto deadline = [](DeadlineKind kind, absl::Time due, std::string id,
                     uint32_t number = 0) {
    return Describe(Deadline{kind, due, std::move(id), number});
  };
  const std::vector<std::string> in_due_order = {
      deadline(DeadlineKind::kFeedback, t0, "test-0000000099"),
      deadline(DeadlineKind::kRectificationItem, t0 + absl::Seconds(1),
               "test-0000000099", 300),
      deadline(DeadlineKind::kAccept, t0 + absl::Hours(1), "test-0000000050"),
      deadline(DeadlineKind::kReview, t0 + absl::Hours(2), "test-0000000050"),
      deadline(DeadlineKind::kBlueWarning, t0 + absl::Hours(6),
               "test-0000000004"),
      deadline(DeadlineKind::kYellowWarning, t0 + absl::Hours(12),
               "test-0000000003"),
      deadline(DeadlineKind::kRectificationItem, t0 + day, "test-0000000002",
               std::numeric_limits<uint32_t>::max()),
      deadline(DeadlineKind::kRectificationItem, t0 + 2 * day,
               "test-0000000001", 2),
      deadline(DeadlineKind::kFeedback, t0 + 30 * day, "test-0000000001"),
      deadline(DeadlineKind::kReport, t0 + 365 * day, "test-0000000001"),
  };
  auto first = [&](size_t count) {
    return std::vector<std::string>(in_due_order.begin(),
                                    in_due_order.begin() + count);
  };
  EXPECT_EQ(Describe(ValueOf(store_->DeadlinesDue(t0 - absl::Seconds(1), 100))),
            first(0));
  // Due exactly now is due.
  EXPECT_EQ(Describe(ValueOf(store_->DeadlinesDue(t0, 100))), first(1));
  EXPECT_EQ(Describe(ValueOf(store_->DeadlinesDue(t0 + absl::Hours(1), 100))),
            first(3));
  EXPECT_EQ(Describe(ValueOf(store_->DeadlinesDue(t0 + 1000 * day, 100))),
            in_due_order);
  EXPECT_EQ(Describe(ValueOf(store_->DeadlinesDue(t0 + 1000 * day, 4))),
            first(4));
  ASSERT_TRUE(Reopen());
  EXPECT_EQ(Describe(ValueOf(store_->DeadlinesDue(t0 + 1000 * day, 100))),
            in_due_order);
}

TEST_P(StoreConformanceTest, DeletingADeadlineRemovesOnlyThatOne) {
  const absl::Time due = At(1735689600);
  const std::string id = "test-0000000001";
  ASSERT_TRUE(
      Apply([&](Transaction& txn) -> absl::Status {
        SX_RETURN_IF_ERROR(txn.PutDeadline(DeadlineKind::kAccept, due, id));
        SX_RETURN_IF_ERROR(
            txn.PutDeadline(DeadlineKind::kFeedback, due + absl::Hours(1), id));
        SX_RETURN_IF_ERROR(txn.PutItemDeadline(due + absl::Hours(2), id, 1));
        SX_RETURN_IF_ERROR(txn.PutItemDeadline(due + absl::Hours(2), id, 2));
        SX_RETURN_IF_ERROR(
            txn.PutDeadline(DeadlineKind::kAccept, due, "test-0000000002"));
        // The same deadline again: still one.
        return txn.PutDeadline(DeadlineKind::kAccept, due, id);
      }).ok());
  const absl::Time later = due + absl::Hours(10);
  const std::vector<std::string> all = Sorted({
      Describe(Deadline{DeadlineKind::kAccept, due, id, 0}),
      Describe(Deadline{DeadlineKind::kAccept, due, "test-0000000002", 0}),
      Describe(Deadline{DeadlineKind::kFeedback, due + absl::Hours(1), id, 0}),
      Describe(Deadline{DeadlineKind::kRectificationItem, due + absl::Hours(2),
                        id, 1}),
      Describe(Deadline{DeadlineKind::kRectificationItem, due + absl::Hours(2),
                        id, 2}),
  });
  EXPECT_EQ(Sorted(Describe(ValueOf(store_->DeadlinesDue(later, 100)))), all);

  // Another time, kind, referral or item number names another deadline.
  ASSERT_TRUE(
      Apply([&](Transaction& txn) -> absl::Status {
        SX_RETURN_IF_ERROR(txn.DeleteDeadline(DeadlineKind::kAccept,
                                              due + absl::Seconds(1), id));
        SX_RETURN_IF_ERROR(
            txn.DeleteDeadline(DeadlineKind::kFeedback, due, id));
        SX_RETURN_IF_ERROR(txn.DeleteDeadline(DeadlineKind::kReview, due, id));
        SX_RETURN_IF_ERROR(
            txn.DeleteDeadline(DeadlineKind::kAccept, due, "test-0000000003"));
        return txn.DeleteItemDeadline(due + absl::Hours(2), id, 3);
      }).ok());
  EXPECT_EQ(Sorted(Describe(ValueOf(store_->DeadlinesDue(later, 100)))), all);

  ASSERT_TRUE(Apply([&](Transaction& txn) -> absl::Status {
                SX_RETURN_IF_ERROR(
                    txn.DeleteDeadline(DeadlineKind::kAccept, due, id));
                return txn.DeleteItemDeadline(due + absl::Hours(2), id, 1);
              }).ok());
  ASSERT_TRUE(Reopen());
  EXPECT_EQ(
      Describe(ValueOf(store_->DeadlinesDue(later, 100))),
      (std::vector<std::string>{
          Describe(Deadline{DeadlineKind::kAccept, due, "test-0000000002", 0}),
          Describe(
              Deadline{DeadlineKind::kFeedback, due + absl::Hours(1), id, 0}),
          Describe(Deadline{DeadlineKind::kRectificationItem,
                            due + absl::Hours(2), id, 2}),
      }));
}

// --- Distributions, counters, rectification items -------------------------

TEST_P(StoreConformanceTest, DistributionsListNewestFirstBySender) {
  auto make = [](int number, const std::string& sender) {
    v1::StoredDistribution distribution;
    distribution.set_distribution_id(absl::StrCat("test-000000000", number));
    distribution.set_sender_agency_id(sender);
    distribution.set_kind(v1::REFERRAL_KIND_PROBLEM_LIST);
    distribution.mutable_created_at()->set_seconds(1700000000 + number);
    distribution.add_recipient_agency_ids("discipline-commission");
    distribution.add_referral_ids(absl::StrCat("test-000000010", number));
    distribution.add_recipient_agency_ids("organization-department");
    distribution.add_referral_ids(absl::StrCat("test-000000020", number));
    return distribution;
  };
  std::optional<v1::StoredDistribution> in_body;
  ASSERT_TRUE(
      Apply([&](Transaction& txn) -> absl::Status {
        for (int number = 1; number <= 5; ++number) {
          SX_RETURN_IF_ERROR(
              txn.PutDistribution(make(number, "inspection-office")));
        }
        SX_RETURN_IF_ERROR(txn.PutDistribution(make(6, "audit-bureau")));
        SX_ASSIGN_OR_RETURN(in_body, txn.GetDistribution("test-0000000003"));
        return absl::OkStatus();
      }).ok());
  ASSERT_TRUE(in_body.has_value());
  EXPECT_EQ(in_body->SerializeAsString(),
            make(3, "inspection-office").SerializeAsString());
  const std::optional<v1::StoredDistribution> third =
      ValueOf(store_->GetDistribution("test-0000000003"));
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(third->SerializeAsString(),
            make(3, "inspection-office").SerializeAsString());
  EXPECT_FALSE(ValueOf(store_->GetDistribution("test-0000000099")).has_value());

  const ReferralIdPage first =
      ValueOf(store_->ListDistributionIds("inspection-office", "", 2));
  EXPECT_EQ(first.referral_ids,
            (std::vector<std::string>{"test-0000000005", "test-0000000004"}));
  EXPECT_EQ(first.next_before_id, "test-0000000004");
  const ReferralIdPage second = ValueOf(store_->ListDistributionIds(
      "inspection-office", first.next_before_id, 2));
  EXPECT_EQ(second.referral_ids,
            (std::vector<std::string>{"test-0000000003", "test-0000000002"}));
  EXPECT_EQ(second.next_before_id, "test-0000000002");
  const ReferralIdPage last = ValueOf(store_->ListDistributionIds(
      "inspection-office", second.next_before_id, 2));
  EXPECT_EQ(last.referral_ids, (std::vector<std::string>{"test-0000000001"}));
  EXPECT_TRUE(last.next_before_id.empty());
  const ReferralIdPage other =
      ValueOf(store_->ListDistributionIds("audit-bureau", "", 10));
  EXPECT_EQ(other.referral_ids, (std::vector<std::string>{"test-0000000006"}));
  EXPECT_TRUE(other.next_before_id.empty());
  EXPECT_TRUE(ValueOf(store_->ListDistributionIds("inspection", "", 10))
                  .referral_ids.empty());

  // Written again under its id: read as rewritten, listed once.
  v1::StoredDistribution changed = make(3, "inspection-office");
  changed.set_recipient_agency_ids(1, "audit-bureau");
  ASSERT_TRUE(Apply([&](Transaction& txn) {
                return txn.PutDistribution(changed);
              }).ok());
  ASSERT_TRUE(Reopen());
  const std::optional<v1::StoredDistribution> reread =
      ValueOf(store_->GetDistribution("test-0000000003"));
  ASSERT_TRUE(reread.has_value());
  EXPECT_EQ(reread->SerializeAsString(), changed.SerializeAsString());
  EXPECT_EQ(ValueOf(store_->ListDistributionIds("inspection-office", "", 10))
                .referral_ids.size(),
            5u);
  EXPECT_EQ(ValueOf(store_->ListDistributionIds("inspection-office",
                                                "test-0000000003x", 10))
                .referral_ids,
            (std::vector<std::string>{"test-0000000003", "test-0000000002",
                                      "test-0000000001"}));
}

TEST_P(StoreConformanceTest, CountersAddUpAndReadInByteOrderWithinARange) {
  // Keys are bytes, in byte order: "B" before "a", NUL before "/".
  const std::string with_nul = absl::StrCat("s/a", kNul, "z");
  ASSERT_TRUE(Apply([&](Transaction& txn) {
                return txn.AddToCounters({{"s/a", 2},
                                          {"s/B", 1},
                                          {"s/a", 3},
                                          {with_nul, -4},
                                          {"s/a/b", 7},
                                          {"t/x", 1}});
              }).ok());
  ASSERT_TRUE(Apply([](Transaction& txn) {
                return txn.AddToCounters({{"s/B", 10}, {"s/a/b", -13}});
              }).ok());
  EXPECT_FALSE(
      Apply([](Transaction& txn) -> absl::Status {
        SX_RETURN_IF_ERROR(txn.AddToCounters({{"s/a", 100}, {"s/new", 1}}));
        return absl::AbortedError("undone");
      }).ok());
  const Counts all = {{"s/B", 11}, {"s/a", 5}, {with_nul, -4}, {"s/a/b", -6}};
  EXPECT_EQ(ValueOf(store_->ReadCounters("s/", "s0", 100)), all);
  EXPECT_EQ(ValueOf(store_->ReadCounters("s/", "s0", 2)),
            (Counts{all[0], all[1]}));
  // From inclusive, to exclusive.
  EXPECT_EQ(ValueOf(store_->ReadCounters("s/a", "s/a/b", 100)),
            (Counts{all[1], all[2]}));
  EXPECT_EQ(
      ValueOf(store_->ReadCounters(absl::StrCat("s/a", kNul), "s/a/", 100)),
      (Counts{all[2]}));
  EXPECT_TRUE(ValueOf(store_->ReadCounters("s/a/b", "s/a/b", 100)).empty());
  EXPECT_TRUE(ValueOf(store_->ReadCounters("u/", "u0", 100)).empty());
  // Up to a byte that no key holds.
  EXPECT_EQ(ValueOf(store_->ReadCounters("", "\xff", 100)).size(), 5u);
  ASSERT_TRUE(Reopen());
  EXPECT_EQ(ValueOf(store_->ReadCounters("s/", "s0", 100)), all);
  EXPECT_EQ(ValueOf(store_->ReadCounters("t/", "t0", 100)),
            (Counts{{"t/x", 1}}));
}

TEST_P(StoreConformanceTest, RectificationItemsListInNumberOrder) {
  auto make = [](uint32_t number, const std::string& problem) {
    v1::RectificationItem item;
    item.set_number(number);
    item.set_problem(problem);
    item.set_round(1);
    item.set_status(v1::RECTIFICATION_STATUS_IN_PROGRESS);
    return item;
  };
  // "test-1" is the start of "test-10": neither sees the other's items.
  std::optional<v1::RectificationItem> in_body;
  std::optional<v1::RectificationItem> absent = v1::RectificationItem();
  ASSERT_TRUE(
      Apply([&](Transaction& txn) -> absl::Status {
        for (uint32_t number : {10u, 2u, 1u}) {
          SX_RETURN_IF_ERROR(txn.PutRectificationItem(
              "test-1", make(number, absl::StrCat("问题", number))));
        }
        SX_RETURN_IF_ERROR(
            txn.PutRectificationItem("test-10", make(1, "另一件的问题")));
        SX_ASSIGN_OR_RETURN(in_body, txn.GetRectificationItem("test-1", 2));
        SX_ASSIGN_OR_RETURN(absent, txn.GetRectificationItem("test-1", 3));
        return absl::OkStatus();
      }).ok());
  ASSERT_TRUE(in_body.has_value());
  EXPECT_EQ(in_body->problem(), "问题2");
  EXPECT_FALSE(absent.has_value());

  const std::vector<v1::RectificationItem> items =
      ValueOf(store_->ListRectificationItems("test-1", 0, 100));
  EXPECT_EQ(NumbersOf(items), (std::vector<uint32_t>{1, 2, 10}));
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[2].problem(), "问题10");
  EXPECT_EQ(NumbersOf(ValueOf(store_->ListRectificationItems("test-1", 1, 1))),
            (std::vector<uint32_t>{2}));
  EXPECT_EQ(
      NumbersOf(ValueOf(store_->ListRectificationItems("test-1", 2, 100))),
      (std::vector<uint32_t>{10}));
  EXPECT_TRUE(
      ValueOf(store_->ListRectificationItems("test-1", 10, 100)).empty());
  const std::vector<v1::RectificationItem> other =
      ValueOf(store_->ListRectificationItems("test-10", 0, 100));
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(other[0].problem(), "另一件的问题");
  EXPECT_TRUE(
      ValueOf(store_->ListRectificationItems("test-100", 0, 100)).empty());

  // Replaced whole under its number; a failed body's item never appears.
  v1::RectificationItem verified = make(2, "问题2");
  verified.set_status(v1::RECTIFICATION_STATUS_VERIFIED);
  v1::RectificationUpdate* update = verified.add_history();
  update->set_step(v1::RECTIFICATION_STEP_VERIFIED);
  update->set_text("已核实");
  ASSERT_TRUE(Apply([&](Transaction& txn) {
                return txn.PutRectificationItem("test-1", verified);
              }).ok());
  EXPECT_FALSE(Apply([&](Transaction& txn) -> absl::Status {
                 SX_RETURN_IF_ERROR(
                     txn.PutRectificationItem("test-1", make(4, "问题4")));
                 return absl::AbortedError("undone");
               }).ok());
  ASSERT_TRUE(Reopen());
  std::optional<v1::RectificationItem> reread;
  ASSERT_TRUE(Apply([&](Transaction& txn) -> absl::Status {
                SX_ASSIGN_OR_RETURN(reread,
                                    txn.GetRectificationItem("test-1", 2));
                return absl::OkStatus();
              }).ok());
  ASSERT_TRUE(reread.has_value());
  EXPECT_EQ(reread->SerializeAsString(), verified.SerializeAsString());
  EXPECT_EQ(
      NumbersOf(ValueOf(store_->ListRectificationItems("test-1", 0, 100))),
      (std::vector<uint32_t>{1, 2, 10}));
}

// --- Derived entries: counters, watch list, referral index -----------------

TEST_P(StoreConformanceTest, CountersAndWatchListFollowEveryWrite) {
  ASSERT_TRUE(Reopen(Deriving(StateDeriver())));
  const std::string first = Create("discipline-commission");
  const std::string second = Create("discipline-commission");
  Create("audit-bureau");
  EXPECT_EQ(Counters(),
            (std::map<std::string, int64_t>{{"g/1/audit-bureau", 1},
                                            {"g/1/discipline-commission", 2}}));
  ASSERT_TRUE(Update(first, [](v1::Referral& r) {
                r.set_state(v1::REFERRAL_STATE_ACCEPTED);
                r.set_feedback_overdue(true);
              }).ok());
  EXPECT_EQ(Counters(),
            (std::map<std::string, int64_t>{{"g/1/audit-bureau", 1},
                                            {"g/1/discipline-commission", 1},
                                            {"g/3/discipline-commission", 1}}));
  EXPECT_EQ(Watched(), (std::map<std::string, std::string>{
                           {"discipline-commission/" + first, "v1"}}));
  // A changed value replaces the entry; a referral no longer watched leaves.
  ASSERT_TRUE(Update(first, [](v1::Referral&) {}).ok());
  EXPECT_EQ(Watched()["discipline-commission/" + first], "v2");
  ASSERT_TRUE(Update(first, [](v1::Referral& r) {
                r.set_state(v1::REFERRAL_STATE_CLOSED);
                r.set_feedback_overdue(false);
              }).ok());
  EXPECT_TRUE(Watched().empty());
  EXPECT_EQ(Counters()["g/6/discipline-commission"], 1);
  EXPECT_EQ(Counters().count("g/3/discipline-commission"), 0u);
  EXPECT_EQ(Counters()["g/1/discipline-commission"], 1) << second;
}

TEST_P(StoreConformanceTest, AFailedTransactionChangesNoDerivedEntry) {
  ASSERT_TRUE(Reopen(Deriving(StateDeriver())));
  const std::string id = Create("discipline-commission");
  const auto counters = Counters();
  EXPECT_EQ(counters,
            (std::map<std::string, int64_t>{{"g/1/discipline-commission", 1}}));
  EXPECT_FALSE(Update(
                   id,
                   [](v1::Referral& r) {
                     r.set_state(v1::REFERRAL_STATE_ACCEPTED);
                     r.set_feedback_overdue(true);
                   },
                   /*fail=*/true)
                   .ok());
  EXPECT_EQ(Counters(), counters);
  EXPECT_TRUE(Watched().empty());
}

TEST_P(StoreConformanceTest, WatchListPagesWithinAPrefix) {
  ASSERT_TRUE(Reopen(Deriving(StateDeriver())));
  std::vector<std::string> ids;
  for (const char* recipient :
       {"audit-bureau", "discipline-commission", "discipline-commission",
        "discipline-commission", "organization-department"}) {
    ids.push_back(Create(recipient));
    ASSERT_TRUE(Update(ids.back(), [](v1::Referral& r) {
                  r.set_feedback_overdue(true);
                }).ok());
  }
  auto page = store_->ReadWatchList("discipline-commission/", "", 2);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].first, "discipline-commission/" + ids[1]);
  EXPECT_EQ((*page)[1].first, "discipline-commission/" + ids[2]);
  page = store_->ReadWatchList("discipline-commission/", (*page)[1].first, 2);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].first, "discipline-commission/" + ids[3]);
}

TEST_P(StoreConformanceTest, WatchListKeysAndValuesAreBytes) {
  ASSERT_TRUE(Reopen(Deriving(WatchAllDeriver())));
  std::vector<std::string> ids;
  for (const char* recipient : {"audit", "audit-bureau", "audit", "audit"}) {
    ids.push_back(Create(recipient));
  }
  const std::string audit = absl::StrCat("audit", kNul);
  const std::string bureau = absl::StrCat("audit-bureau", kNul);
  const std::string version_0 = std::string("\x00\xff", 2) + "0";
  const auto entries = ValueOf(store_->ReadWatchList(audit, "", 10));
  EXPECT_EQ(KeysOf(entries),
            (std::vector<std::string>{audit + ids[0], audit + ids[2],
                                      audit + ids[3]}));
  for (const auto& entry : entries) EXPECT_EQ(entry.second, version_0);
  // After a key that is there, one that is not, one below and one above
  // the prefix.
  EXPECT_EQ(KeysOf(ValueOf(store_->ReadWatchList(audit, audit + ids[0], 10))),
            (std::vector<std::string>{audit + ids[2], audit + ids[3]}));
  EXPECT_EQ(
      KeysOf(ValueOf(store_->ReadWatchList(audit, audit + ids[2] + "x", 10))),
      (std::vector<std::string>{audit + ids[3]}));
  EXPECT_EQ(KeysOf(ValueOf(store_->ReadWatchList(audit, "a", 10))),
            (std::vector<std::string>{audit + ids[0], audit + ids[2],
                                      audit + ids[3]}));
  EXPECT_TRUE(ValueOf(store_->ReadWatchList(audit, "b", 10)).empty());
  // Every entry, in byte order: NUL sorts before '-'.
  EXPECT_EQ(KeysOf(ValueOf(store_->ReadWatchList("", "", 10))),
            (std::vector<std::string>{audit + ids[0], audit + ids[2],
                                      audit + ids[3], bureau + ids[1]}));
  EXPECT_EQ(KeysOf(ValueOf(store_->ReadWatchList("", audit + ids[3], 10))),
            (std::vector<std::string>{bureau + ids[1]}));

  ASSERT_TRUE(Update(ids[0], [](v1::Referral&) {}).ok());
  ASSERT_TRUE(Reopen(Deriving(WatchAllDeriver())));
  const auto reread = ValueOf(store_->ReadWatchList(audit, "", 1));
  ASSERT_EQ(reread.size(), 1u);
  EXPECT_EQ(reread[0].first, audit + ids[0]);
  EXPECT_EQ(reread[0].second, std::string("\x00\xff", 2) + "1");
}

TEST_P(StoreConformanceTest, TheReferralIndexScansDownFromBeforeKey) {
  ASSERT_TRUE(Reopen(Deriving(IndexDeriver())));
  std::vector<std::string> ids;
  // "discipline" is the start of "discipline-commission".
  for (const char* recipient :
       {"discipline", "discipline", "discipline", "discipline-commission"}) {
    ids.push_back(Create(recipient));
  }
  const std::string submitted =
      absl::StrCat("state", kNul, v1::REFERRAL_STATE_SUBMITTED, kNul);
  const std::string accepted =
      absl::StrCat("state", kNul, v1::REFERRAL_STATE_ACCEPTED, kNul);
  const std::string to_discipline =
      absl::StrCat("to", kNul, "discipline", kNul);
  using Keys = std::vector<std::string>;

  EXPECT_EQ(ScanIndex(submitted, "", 10),
            (Keys{submitted + ids[3], submitted + ids[2], submitted + ids[1],
                  submitted + ids[0]}));
  EXPECT_EQ(ScanIndex(submitted, "", 2),
            (Keys{submitted + ids[3], submitted + ids[2]}));
  EXPECT_EQ(ScanIndex(submitted, submitted + ids[2], 2),
            (Keys{submitted + ids[1], submitted + ids[0]}));
  EXPECT_EQ(ScanIndex(submitted, submitted + ids[0], 2), Keys{});
  EXPECT_EQ(ScanIndex(submitted, submitted + ids[1] + "x", 10),
            (Keys{submitted + ids[1], submitted + ids[0]}));
  EXPECT_EQ(ScanIndex(to_discipline, "", 10),
            (Keys{to_discipline + ids[2], to_discipline + ids[1],
                  to_discipline + ids[0]}));

  // A new state moves the referral's state key and leaves the other.
  ASSERT_TRUE(Update(ids[1], [](v1::Referral& r) {
                r.set_state(v1::REFERRAL_STATE_ACCEPTED);
              }).ok());
  EXPECT_EQ(ScanIndex(accepted, "", 10), (Keys{accepted + ids[1]}));
  EXPECT_EQ(ScanIndex(submitted, "", 10),
            (Keys{submitted + ids[3], submitted + ids[2], submitted + ids[0]}));
  EXPECT_EQ(ScanIndex(to_discipline, "", 10).size(), 3u);
  // A failed body moves nothing.
  EXPECT_FALSE(
      Update(
          ids[2],
          [](v1::Referral& r) { r.set_state(v1::REFERRAL_STATE_ACCEPTED); },
          /*fail=*/true)
          .ok());
  EXPECT_EQ(ScanIndex(accepted, "", 10), (Keys{accepted + ids[1]}));
  ASSERT_TRUE(Reopen(Deriving(IndexDeriver())));
  EXPECT_EQ(ScanIndex(accepted, "", 10), (Keys{accepted + ids[1]}));

  // Another rule version: at open the old keys go and the new ones come.
  ASSERT_TRUE(Reopen(Deriving({"index-2", [](const v1::Referral& referral) {
                                 DerivedEntries entries;
                                 entries.indexed.push_back(
                                     absl::StrCat("all", std::string(1, '\0'),
                                                  referral.referral_id()));
                                 return entries;
                               }})));
  EXPECT_EQ(ScanIndex(submitted, "", 10), Keys{});
  EXPECT_EQ(ScanIndex(accepted, "", 10), Keys{});
  const std::string all = absl::StrCat("all", kNul);
  EXPECT_EQ(ScanIndex(all, "", 10),
            (Keys{all + ids[3], all + ids[2], all + ids[1], all + ids[0]}));
}

TEST_P(StoreConformanceTest, ADatabaseWrittenWithoutThemDerivesThemAtOpen) {
  // The fixture's store has no deriver, as a database written before there
  // were derived entries, or by a tool without the deriver.
  const std::string id = Create("discipline-commission");
  Create("audit-bureau");
  ASSERT_TRUE(
      Update(id, [](v1::Referral& r) { r.set_feedback_overdue(true); }).ok());
  EXPECT_TRUE(Counters().empty());
  // What it does not keep, it does not pretend to answer.
  EXPECT_EQ(store_->ReadWatchList("", "", 10).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->ScanReferralIndex("a", "", 10).status().code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(Reopen(Deriving(StateDeriver())));
  EXPECT_EQ(Counters(),
            (std::map<std::string, int64_t>{{"g/1/audit-bureau", 1},
                                            {"g/1/discipline-commission", 1}}));
  EXPECT_EQ(Watched().size(), 1u);
  // Written again without the deriver, then opened with it: derived again,
  // not counted twice.
  ASSERT_TRUE(Reopen());
  Create("audit-bureau");
  ASSERT_TRUE(Reopen(Deriving(StateDeriver())));
  EXPECT_EQ(Counters()["g/1/audit-bureau"], 2);
  EXPECT_EQ(Counters()["g/1/discipline-commission"], 1);
}

TEST_P(StoreConformanceTest, ANewRuleVersionDerivesAgainWithoutLeftovers) {
  ASSERT_TRUE(Reopen(Deriving(StateDeriver("1"))));
  const std::string id = Create("discipline-commission");
  ASSERT_TRUE(
      Update(id, [](v1::Referral& r) { r.set_feedback_overdue(true); }).ok());
  EXPECT_EQ(Watched().size(), 1u);
  // The new rule counts by sender and watches nothing.
  ASSERT_TRUE(Reopen(Deriving({"2", [](const v1::Referral& referral) {
                                 DerivedEntries entries;
                                 entries.counters.push_back(
                                     "g/sent/" + referral.sender_agency_id());
                                 return entries;
                               }})));
  EXPECT_EQ(Counters(),
            (std::map<std::string, int64_t>{{"g/sent/inspection-office", 1}}));
  EXPECT_TRUE(Watched().empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformanceTest,
                         ::testing::Values(Backend::kRocksDb,
                                           Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return BackendName(info.param);
                         });

}  // namespace
}  // namespace sx::storage
