// Fuzzes the exchange as a whole: an input is a sequence of calls by fake
// identities (the five agencies of test_config.h, an agency the config does
// not know, an administrator and an auditor) against a real ExchangeCore
// over a real RocksDB store, with a FakeClock and the deadline watcher.
//
// Beside the sanitizers, a small model of the exchange checks each call:
//   - a call that fails changes nothing (the event count, and each of the
//     input's referrals' state, version and overdue flags are as before);
//   - a call that succeeds took exactly the step the state machine's table
//     (DecideStep) allows that caller, recorded exactly one event per change
//     and notified exactly the inboxes the table names;
//   - well-formed calls the model allows are not refused (so that the
//     fuzzer cannot pass by refusing everything);
//   - only senders, recipients and observers read a lead; inbox entries go
//     to parties only, and the hub's deadline warnings (红: the feedback
//     deadline missed) to the supervisor agencies too; listings page through
//     exactly the caller's referrals;
//   - every referral's state is reachable per DecideStep, and the event
//     chain verifies at the end of each input.
// A violation aborts with a message, which libFuzzer reports as a crash.
//
// Request fields are well-formed unless the input says otherwise, so short
// inputs already walk referrals through the whole loop; the rest of the
// byte budget goes to malformed fields: blank, oversized, invalid UTF-8,
// out-of-range enums, wrong digests, unknown ids, reused request ids.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/stubs/common.h"
#include "google/protobuf/stubs/logging.h"
#include "google/protobuf/util/message_differencer.h"
#include "sx/base/sha256.h"
#include "sx/core/clock.h"
#include "sx/core/deadline_watcher.h"
#include "sx/core/current_conditions.h"
#include "sx/core/exchange_core.h"
#include "sx/core/referral_state_machine.h"
#include "sx/core/testing/core_test_fixtures.h"
#include "sx/core/testing/test_config.h"
#include "sx/storage/store.h"
#include "tests/support/temp_dir.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

using ReferralOr = absl::StatusOr<v1::Referral>;
using google::protobuf::util::MessageDifferencer;

// Small limits, so that inputs of a few hundred bytes reach every one.
constexpr uint32_t kMaxTextBytes = 200;
constexpr uint32_t kMaxAttachmentBytes = 512;
constexpr uint32_t kMaxAttachments = 3;
constexpr uint32_t kMaxDeliveryAttempts = 2;
// Calls per input: enough for a referral's whole life and a reroute.
constexpr int kMaxCalls = 48;
// Creating a RocksDB database costs about 0.3 s under ASan, so a store (and
// the model of it) serves this many inputs. Each input sees only the
// referrals it created and leaves all inboxes empty, so that its outcome
// hardly depends on the inputs before it.
constexpr int kInputsPerStore = 64;

// The gRPC layer never hands the core a proto3 string that is not UTF-8:
// protobuf refuses to parse it. Requests with such strings are therefore
// dropped here, as the server would drop them, unless
// SX_FUZZ_INVALID_UTF8=1 asks to hand them to the core anyway (see
// tests/fuzz/README.md).
const bool kDeliverInvalidUtf8 = std::getenv("SX_FUZZ_INVALID_UTF8") != nullptr;

// SX_FUZZ_TRACE=1 prints every call and its outcome: run a reproducer
// with it to see what led to a violation.
const bool kTrace = std::getenv("SX_FUZZ_TRACE") != nullptr;

void Trace(const Identity& caller, absl::string_view call,
           absl::string_view detail, const absl::Status& status) {
  if (!kTrace) return;
  std::fprintf(stderr, "  %s %.*s(%.*s) -> %s\n", caller.name.c_str(),
               static_cast<int>(call.size()), call.data(),
               static_cast<int>(detail.size()), detail.data(),
               status.ToString().c_str());
}

[[noreturn]] void Fail(absl::string_view what) {
  std::fprintf(stderr, "exchange_fuzzer: invariant violated: %.*s\n",
               static_cast<int>(what.size()), what.data());
  std::abort();
}

void Check(bool ok, absl::string_view what) {
  if (!ok) Fail(what);
}


const Identity kCallers[] = {
    Agency(kDisciplineCommission),
    Agency(kInspectionOffice),
    Agency(kOrganizationDept),
    Agency(kAuditBureau),
    Agency(kStationedEducation),
    // A certificate the hub would map to an agency since removed from the
    // config.
    Agency("petition-bureau"),
    {Identity::Kind::kAdmin, "ops"},
    {Identity::Kind::kAuditor, "chain-auditor"},
};

std::shared_ptr<const HubConfig> FuzzConfig() {
  v1::HubConfig proto = TestHubConfigProto();
  v1::Limits& limits = *proto.mutable_limits();
  limits.set_max_text_bytes(kMaxTextBytes);
  limits.set_max_attachment_bytes(kMaxAttachmentBytes);
  limits.set_max_attachments(kMaxAttachments);
  limits.set_max_delivery_attempts(kMaxDeliveryAttempts);
  // Dispositions here are bare methods; the rules that ask for approvers
  // and an earlier 初步核实 have tests of their own.
  // The model's clock flags deadlines missed, not the warnings before them.
  proto.mutable_deadlines()->mutable_warnings()->set_disabled(true);
  v1::DispositionRules& rules = *proto.mutable_disposition_rules();
  rules.set_allow_closing_without_approval(true);
  rules.set_allow_case_filing_without_verification(true);
  absl::StatusOr<std::shared_ptr<const HubConfig>> config =
      HubConfig::FromProto(std::move(proto));
  if (!config.ok()) Fail(config.status().ToString());
  return *std::move(config);
}

absl::string_view MethodOf(Action action) {
  switch (action) {
    case Action::kAccept:
      return "AcceptReferral";
    case Action::kReturn:
      return "ReturnReferral";
    case Action::kReroute:
      return "RerouteReferral";
    case Action::kDispose:
      return "RecordDisposition";
    case Action::kInterimFeedback:
    case Action::kFinalFeedback:
      return "SendFeedback";
    case Action::kClose:
      return "CloseReferral";
    case Action::kWithdraw:
      return "WithdrawReferral";
    case Action::kRemind:
      return "RemindReferral";
    default:
      return "NotAnRpc";
  }
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixSeconds(timestamp.seconds()) +
         absl::Nanoseconds(timestamp.nanos());
}

// The states the table lets a referral reach from SUBMITTED.
const absl::flat_hash_set<int>& ReachableStates() {
  static const auto* reachable = [] {
    auto* states = new absl::flat_hash_set<int>{v1::REFERRAL_STATE_SUBMITTED};
    std::vector<v1::ReferralState> todo = {v1::REFERRAL_STATE_SUBMITTED};
    while (!todo.empty()) {
      const v1::ReferralState from = todo.back();
      todo.pop_back();
      for (int a = 0; a <= static_cast<int>(Action::kFlagFeedbackOverdue);
           ++a) {
        for (int p = 0; p <= static_cast<int>(Party::kHub); ++p) {
          absl::StatusOr<Step> step =
              DecideStep(from, static_cast<Action>(a), static_cast<Party>(p));
          if (step.ok() && states->insert(step->to).second) {
            todo.push_back(step->to);
          }
        }
      }
    }
    return states;
  }();
  return *reachable;
}

// Request fields drawn from the input. Each is well-formed unless the input
// picks a malformed variant; `exact()` says whether all of the current
// request's fields were well-formed, in which case the model predicts the
// outcome exactly. When the input runs out, every choice is the first one:
// well-formed.
class Gen {
 public:
  explicit Gen(FuzzedDataProvider& fdp) : fdp_(fdp) {}

  void StartRequest() {
    exact_ = true;
    off_wire_ = false;
  }
  bool exact() const { return exact_; }
  // A string field that protobuf would refuse on the wire.
  bool off_wire() const { return off_wire_; }

  int Choice(int max) { return fdp_.ConsumeIntegralInRange<int>(0, max); }
  bool Bool() { return fdp_.ConsumeBool(); }
  template <typename T>
  T Int(T min, T max) {
    return fdp_.ConsumeIntegralInRange<T>(min, max);
  }
  template <typename T>
  T Any() {
    return fdp_.ConsumeIntegral<T>();
  }

  // A required text: usually `good`, else blank, oversized, or any bytes.
  std::string Text(absl::string_view good) {
    switch (Choice(9)) {
      case 6:
        return Malformed("");
      case 7:
        return Malformed(" \t\r\n");
      case 8:
        return Malformed(std::string(
            Int<size_t>(kMaxTextBytes - 1, kMaxTextBytes + 1), 'x'));
      case 9:
        return Malformed(fdp_.ConsumeRandomLengthString(2 * kMaxTextBytes));
      default:
        return std::string(good);
    }
  }
  // An optional text: may be empty, but not oversized.
  std::string OptionalText(absl::string_view good) {
    switch (Choice(7)) {
      case 5:
        return "";
      case 6:
        return Malformed(std::string(kMaxTextBytes + 1, '.'));
      case 7:
        return Malformed(fdp_.ConsumeRandomLengthString(2 * kMaxTextBytes));
      default:
        return std::string(good);
    }
  }
  // An id field of the contract: printable ASCII, 1-128 characters.
  std::string Id(absl::string_view good) {
    switch (Choice(9)) {
      case 6:
        return Malformed("");
      case 7:
        return Malformed(std::string(129, 'a'));
      case 8:
        return Malformed(absl::StrCat(good, " "));
      case 9:
        return Malformed(fdp_.ConsumeRandomLengthString(140));
      default:
        return std::string(good);
    }
  }
  // An enum value: usually one of [lo, hi], else anything.
  int Enum(int lo, int hi) {
    switch (Choice(7)) {
      case 6:
        exact_ = false;
        return Int<int>(lo - 2, hi + 2);
      case 7:
        exact_ = false;
        return Any<int32_t>();
      default:
        return Int<int>(lo, hi);
    }
  }
  // Attachment bytes (a `bytes` field: any bytes are well-formed).
  std::string Content() {
    switch (Choice(5)) {
      case 3:
        return fdp_.ConsumeRandomLengthString(kMaxAttachmentBytes);
      case 4:
        return "";
      case 5:
        exact_ = false;
        return std::string(kMaxAttachmentBytes + 1, 'z');
      default:
        return "%PDF-1.7 转账记录";
    }
  }

  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[Int<size_t>(0, items.size() - 1)];
  }
  std::string Bytes(size_t max) { return fdp_.ConsumeRandomLengthString(max); }

  // For fields the model cannot tell apart from good ones, but that the
  // caller chose to be odd.
  void NotExact() { exact_ = false; }

 private:
  std::string Malformed(std::string text) {
    exact_ = false;
    if (!google::protobuf::internal::IsStructurallyValidUTF8(text)) {
      off_wire_ = true;
    }
    return text;
  }

  FuzzedDataProvider& fdp_;
  bool exact_ = true;
  bool off_wire_ = false;
};

// What the model knows of one referral.
struct ModelReferral {
  v1::ReferralState state = v1::REFERRAL_STATE_SUBMITTED;
  int64_t version = 1;
  v1::ReferralKind kind = v1::REFERRAL_KIND_UNSPECIFIED;
  std::string sender;
  std::string recipient;
  std::vector<std::string> observers;
  // As the hub sealed it, with attachment contents.
  v1::Lead lead;
  absl::Time accept_due;
  absl::Time feedback_due;
  bool accept_overdue = false;
  bool feedback_overdue = false;
};

struct ModelRequest {
  std::string method;
  std::string fingerprint;
  std::string referral_id;
};

struct ModelEntry {
  v1::EventType type;
  std::string referral_id;
  uint32_t attempts = 0;
};

// One agency's inbox. Sequences are the store's to choose, so entries the
// model expects are `unseen` until a read shows them.
struct ModelInbox {
  std::map<uint64_t, ModelEntry> live;
  std::map<uint64_t, ModelEntry> dead;
  std::vector<ModelEntry> unseen;
  uint64_t highest_seen = 0;
};

// The expected lead: the request's, with the digests and sizes the hub
// computes.
v1::Lead SealedCopy(v1::Lead lead) {
  for (v1::Attachment& attachment : *lead.mutable_attachments()) {
    attachment.set_sha256_hex(Sha256Hex(attachment.content()));
    attachment.set_size_bytes(
        static_cast<int64_t>(attachment.content().size()));
  }
  return lead;
}

v1::Lead WithoutContent(v1::Lead lead) {
  for (v1::Attachment& attachment : *lead.mutable_attachments()) {
    attachment.clear_content();
  }
  return lead;
}

class ExchangeHarness {
 public:
  explicit ExchangeHarness(const sx::testing::TempDir& dir)
      : config_(FuzzConfig()), dir_(dir) {
    // Protobuf logs every string that is not UTF-8 it serializes or parses.
    if (kDeliverInvalidUtf8) google::protobuf::SetLogHandler(nullptr);
  }

  void RunInput(const uint8_t* data, size_t size) {
    if (inputs_++ % kInputsPerStore == 0) OpenFreshStore();
    visible_.clear();
    own_requests_.clear();
    FuzzedDataProvider fdp(data, size);
    Gen gen(fdp);
    for (int call = 0; call < kMaxCalls && fdp.remaining_bytes() > 0; ++call) {
      const Identity& caller =
          kCallers[gen.Int<size_t>(0, std::size(kCallers) - 1)];
      gen.StartRequest();
      switch (gen.Choice(8)) {
        case 0:
          Submit(gen, caller);
          break;
        case 1:
        case 2:
        case 3:
          TakeStep(gen, caller);
          break;
        case 4:
          Acknowledge(gen, caller);
          break;
        case 5:
          Get(gen, caller);
          break;
        case 6:
          List(gen, caller);
          break;
        case 7:
          ReadInbox(gen, caller);
          break;
        case 8:
          if (gen.Bool()) {
            RecordUnacknowledged(gen, caller);
          } else {
            PassTime(gen);
          }
          break;
      }
      CheckStore();
    }
    FinishInput();
  }

 private:
  // --- store lifecycle ---------------------------------------------------

  void OpenFreshStore() {
    watcher_.reset();
    core_.reset();
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_.Sub("db"), ignored);
    clock_ = std::make_unique<FakeClock>(absl::FromUnixSeconds(1'700'000'000));
    storage::RocksDbStoreOptions options;
    options.path = dir_.Sub("db");
    options.id_prefix = "fz";
    // As the hub opens it: the derived counts and the transfer index, which
    // ListReferrals with a state filter reads.
    options.referral_deriver = CurrentConditionsDeriver();
    absl::StatusOr<std::unique_ptr<storage::Store>> store =
        storage::OpenRocksDbStore(options);
    if (!store.ok())
      Fail(absl::StrCat("open store: ", store.status().ToString()));
    store_ = *std::move(store);
    core_ = std::make_unique<ExchangeCore>(*store_, *clock_, config_);
    watcher_ = std::make_unique<DeadlineWatcher>(
        *store_, *clock_, [this] { return core_->config(); });
    referrals_.clear();
    requests_.clear();
    inboxes_.clear();
    events_ = 0;
    next_request_ = 0;
  }

  // --- the model's view of parties and routes ----------------------------

  // How the caller relates to a referral, with the precedence PartyOf
  // documents: sender, recipient, supervisor, observer.
  Party ModelParty(const Identity& caller,
                   const ModelReferral& referral) const {
    if (caller.name == referral.sender) return Party::kSender;
    if (caller.name == referral.recipient) return Party::kRecipient;
    const v1::Agency* agency = config_->FindAgency(caller.name);
    if (agency != nullptr && agency->supervisor()) return Party::kSupervisor;
    if (IsObserver(caller.name, referral)) return Party::kObserver;
    return Party::kStranger;
  }

  static bool IsObserver(absl::string_view agency,
                         const ModelReferral& referral) {
    return std::find(referral.observers.begin(), referral.observers.end(),
                     agency) != referral.observers.end();
  }

  static bool MayRead(const Identity& caller, const ModelReferral& referral) {
    return caller.name == referral.sender ||
           caller.name == referral.recipient ||
           IsObserver(caller.name, referral);
  }

  bool RouteOpen(absl::string_view from, absl::string_view to, int kind) const {
    const v1::Agency* sender = config_->FindAgency(from);
    const v1::Agency* recipient = config_->FindAgency(to);
    return sender != nullptr && recipient != nullptr && from != to &&
           kind != v1::REFERRAL_KIND_UNSPECIFIED &&
           v1::ReferralKind_IsValid(kind) &&
           config_->RouteAllowed(sender->type(), recipient->type(),
                                 static_cast<v1::ReferralKind>(kind));
  }

  std::vector<std::string> AgencyIds() const {
    std::vector<std::string> ids;
    for (const v1::Agency& agency : config_->proto().agencies()) {
      ids.push_back(agency.id());
    }
    return ids;
  }

  // --- drawing fields ----------------------------------------------------

  // A fresh request id, one the caller used before (a retry, or a reuse for
  // another request), or a malformed one.
  std::string RequestId(Gen& gen, const Identity& caller) {
    if (gen.Choice(3) == 3) {
      std::vector<std::string> used;
      for (const auto& [name, request_id] : own_requests_) {
        if (name == caller.name) used.push_back(request_id);
      }
      if (!used.empty()) return gen.Pick(used);
    }
    return gen.Id(absl::StrCat("rq-", next_request_++));
  }

  std::string ReferralId(Gen& gen) {
    // Well-formed but never assigned: the model expects NOT_FOUND.
    if (visible_.empty() || gen.Choice(7) == 7) return gen.Id("fz-9999999999");
    return gen.Id(gen.Pick(visible_));
  }

  std::string AgencyId(Gen& gen) {
    if (gen.Choice(7) == 7) return gen.Id("petition-bureau");
    return gen.Id(gen.Pick(AgencyIds()));
  }

  v1::Lead Lead(Gen& gen) {
    v1::Lead lead;
    lead.set_subject(gen.Text("张某某"));
    lead.set_subject_organization(gen.OptionalText("某县土地储备中心"));
    lead.set_subject_position(gen.OptionalText("主任"));
    lead.set_category(gen.Text("进一步了解关注类"));
    lead.set_summary(gen.Text("收取土地出让金未及时缴入国库"));
    lead.set_source(gen.Text("巡察个别谈话"));
    lead.set_sensitivity(static_cast<v1::Sensitivity>(gen.Enum(1, 3)));
    lead.set_urgency(static_cast<v1::Urgency>(gen.Enum(1, 2)));
    AddAttachments(gen, *lead.mutable_attachments());
    return lead;
  }

  v1::Feedback Feedback(Gen& gen, Action action) {
    v1::Feedback feedback;
    const int kind = action == Action::kFinalFeedback
                         ? v1::FEEDBACK_KIND_FINAL
                         : v1::FEEDBACK_KIND_INTERIM;
    feedback.set_kind(static_cast<v1::FeedbackKind>(gen.Enum(kind, kind)));
    feedback.set_text(gen.Text("已初步核实，拟立案审查调查"));
    AddAttachments(gen, *feedback.mutable_attachments());
    return feedback;
  }

  void AddAttachments(
      Gen& gen,
      google::protobuf::RepeatedPtrField<v1::Attachment>& attachments) {
    const int count = gen.Int<int>(0, kMaxAttachments + 1);
    if (count > static_cast<int>(kMaxAttachments)) gen.NotExact();
    for (int i = 0; i < count; ++i) {
      v1::Attachment& attachment = *attachments.Add();
      attachment.set_name(gen.Text("转账记录.pdf"));
      attachment.set_media_type(gen.OptionalText("application/pdf"));
      attachment.set_content(gen.Content());
      switch (gen.Choice(4)) {
        case 1:
          attachment.set_sha256_hex(Sha256Hex(attachment.content()));
          break;
        case 2:
          attachment.set_sha256_hex(
              absl::AsciiStrToUpper(Sha256Hex(attachment.content())));
          break;
        case 3:
          gen.NotExact();
          attachment.set_sha256_hex(Sha256Hex(gen.Bytes(8)));
          break;
        case 4:
          gen.NotExact();
          attachment.set_sha256_hex(gen.Text("0"));
          break;
        default:
          break;  // empty: the hub computes it
      }
      // Clients cannot set the size; the hub overwrites it.
      if (gen.Choice(3) == 3) attachment.set_size_bytes(gen.Any<int64_t>());
    }
  }

  // --- calls -------------------------------------------------------------

  void Submit(Gen& gen, const Identity& caller) {
    v1::SubmitReferralRequest request;
    request.set_request_id(RequestId(gen, caller));
    request.set_recipient_agency_id(AgencyId(gen));
    request.set_kind(static_cast<v1::ReferralKind>(gen.Enum(1, 3)));
    if (gen.Choice(15) != 15) {
      *request.mutable_lead() = Lead(gen);
    } else {
      gen.NotExact();
    }
    if (gen.off_wire() && !kDeliverInvalidUtf8) return;
    const std::string fingerprint = Sha256(request.SerializeAsString());
    const ReferralOr result = Await<ReferralOr>(
        [&](auto done) { core_->Submit(caller, request, fingerprint, done); });
    Trace(caller, "Submit",
          absl::StrCat(request.request_id(), " to ",
                       request.recipient_agency_id(), " kind ", request.kind(),
                       gen.off_wire() ? " [not UTF-8]" : "",
                       result.ok() ? " -> " + result->referral_id() : ""),
          result.status());

    auto used = requests_.find({caller.name, request.request_id()});
    if (used != requests_.end()) {
      // A retry replays the first call; a reuse for another request fails.
      if (!result.ok()) {
        Check(used->second.method != "SubmitReferral" ||
                  used->second.fingerprint != fingerprint || !gen.exact(),
              "a retried SubmitReferral is refused");
        return;
      }
      Check(used->second.method == "SubmitReferral" &&
                used->second.fingerprint == fingerprint,
            "a request id reused for another request is accepted");
      Check(result->referral_id() == used->second.referral_id,
            "a retried SubmitReferral returns another referral");
      CheckAsModel(*result, "a retried SubmitReferral");
      return;
    }
    const bool open =
        caller.is_agency() &&
        RouteOpen(caller.name, request.recipient_agency_id(), request.kind());
    if (!result.ok()) {
      if (gen.exact() && open) {
        Fail(
            absl::StrCat("a well-formed SubmitReferral on an open route was "
                         "refused: ",
                         result.status().ToString()));
      }
      return;
    }
    Check(open,
          "SubmitReferral succeeded on a closed route or for a non-agency");
    const v1::Referral& referral = *result;
    Check(referrals_.count(referral.referral_id()) == 0,
          "SubmitReferral reused a referral id");
    Check(referral.state() == v1::REFERRAL_STATE_SUBMITTED &&
              referral.version() == 1 &&
              referral.sender_agency_id() == caller.name &&
              referral.recipient_agency_id() == request.recipient_agency_id() &&
              referral.kind() == request.kind() &&
              referral.urgency() == request.lead().urgency(),
          "a new referral's fields are not those of the request");
    Check(!referral.has_lead(), "a mutation reply carries the lead");
    CheckDeadlines(referral);

    ModelReferral& model = referrals_[referral.referral_id()];
    model.kind = request.kind();
    model.sender = caller.name;
    model.recipient = request.recipient_agency_id();
    model.lead = SealedCopy(request.lead());
    model.accept_due = FromTimestamp(referral.accept_due_at());
    model.feedback_due = FromTimestamp(referral.feedback_due_at());
    ++events_;
    Tell(Notify::kRecipient, model, v1::EVENT_TYPE_SUBMITTED,
         referral.referral_id());
    requests_[{caller.name, request.request_id()}] = {
        "SubmitReferral", fingerprint, referral.referral_id()};
    own_requests_.emplace_back(caller.name, request.request_id());
    visible_.push_back(referral.referral_id());
  }

  // Deadlines per the config's defaults (limits are the fuzzer's; deadlines
  // are not): 24 hours and 7 days on the fast track, 72 hours and 30 days
  // otherwise.
  static void CheckDeadlines(const v1::Referral& referral) {
    const bool fast = referral.urgency() == v1::URGENCY_FAST_TRACK;
    const absl::Time created = FromTimestamp(referral.created_at());
    Check(FromTimestamp(referral.accept_due_at()) - created ==
                  absl::Hours(fast ? 24 : 72) &&
              FromTimestamp(referral.feedback_due_at()) - created ==
                  absl::Hours(24) * (fast ? 7 : 30),
          "a new referral's deadlines are not the config's");
  }

  void TakeStep(Gen& gen, const Identity& caller) {
    StepRequest step;
    // Every action, including those no RPC requests (deliver, the hub's
    // overdue flags) and values outside the enum.
    const int action =
        gen.Choice(15) == 15 ? gen.Int<int>(12, 255) : gen.Int<int>(0, 11);
    if (action > 11) gen.NotExact();
    step.action = static_cast<Action>(action);
    step.method = std::string(MethodOf(step.action));
    step.request_id = RequestId(gen, caller);
    step.referral_id = ReferralId(gen);
    switch (step.action) {
      case Action::kReturn:
      case Action::kWithdraw:
        step.text = gen.Text("线索不属于本机关管辖");
        break;
      case Action::kRemind:
        step.text = gen.Text("请于3日内反馈初核进展");
        break;
      case Action::kReroute:
        step.target_agency_id = AgencyId(gen);
        step.text = gen.Text("属驻在部门管辖，转办");
        break;
      case Action::kDispose:
        step.disposition = static_cast<v1::DispositionMethod>(gen.Enum(1, 6));
        // A valid method, but only a reroute records it; 暂存待查 without
        // the review date it needs.
        if (step.disposition == v1::DISPOSITION_METHOD_TRANSFER ||
            step.disposition == v1::DISPOSITION_METHOD_KEPT_PENDING) {
          gen.NotExact();
        }
        break;
      case Action::kInterimFeedback:
      case Action::kFinalFeedback:
        step.feedback = Feedback(gen, step.action);
        break;
      default:
        break;
    }
    if (gen.off_wire() && !kDeliverInvalidUtf8) return;
    step.request_fingerprint = Sha256(absl::StrCat(
        step.method, "\n", action, "\n", step.referral_id.size(), ":",
        step.referral_id, step.text.size(), ":", step.text,
        step.target_agency_id.size(), ":", step.target_agency_id, "\n",
        step.disposition, "\n", step.feedback.SerializeAsString()));
    const std::string request_id = step.request_id;
    const std::string referral_id = step.referral_id;
    const std::string target = step.target_agency_id;
    const ReferralOr result = Await<ReferralOr>(
        [&](auto done) { core_->TakeStep(caller, step, done); });
    Trace(caller, ActionName(step.action),
          absl::StrCat(request_id, " on ", referral_id, " ", target,
                       gen.off_wire() ? " [not UTF-8]" : ""),
          result.status());

    auto used = requests_.find({caller.name, request_id});
    if (used != requests_.end()) {
      if (!result.ok()) {
        Check(used->second.method != step.method ||
                  used->second.fingerprint != step.request_fingerprint ||
                  !gen.exact(),
              "a retried step is refused");
        return;
      }
      Check(used->second.method == step.method &&
                used->second.fingerprint == step.request_fingerprint,
            "a request id reused for another request is accepted");
      Check(result->referral_id() == used->second.referral_id,
            "a retried step returns another referral");
      CheckAsModel(*result, "a retried step");
      CheckRedacted(caller, *result);
      return;
    }

    auto found = referrals_.find(referral_id);
    std::optional<Step> allowed;
    if (found != referrals_.end()) {
      absl::StatusOr<Step> decided = DecideStep(
          found->second.state, step.action, ModelParty(caller, found->second));
      if (decided.ok()) allowed = *decided;
    }
    if (allowed && step.action == Action::kReroute) {
      const ModelReferral& parent = found->second;
      if (target == parent.sender || IsObserver(target, parent) ||
          !RouteOpen(caller.name, target, parent.kind)) {
        allowed.reset();
      }
    }
    if (!result.ok()) {
      if (gen.exact() && allowed) {
        Fail(absl::StrCat("a well-formed ", ActionName(step.action),
                          " the state machine allows was refused: ",
                          result.status().ToString()));
      }
      return;
    }
    Check(caller.is_agency(), "a non-agency took a step");
    Check(found != referrals_.end(), "a step on an unknown referral succeeded");
    if (!allowed) {
      Fail(absl::StrCat(ActionName(step.action), " by ", caller.name, " from ",
                        v1::ReferralState_Name(found->second.state),
                        " succeeded, but the state machine refuses it"));
    }
    ModelReferral& model = found->second;
    model.state = allowed->to;
    ++model.version;
    ++events_;
    Check(result->referral_id() == referral_id &&
              result->state() == model.state &&
              result->version() == model.version,
          "a step's reply is not the referral after the step");
    Check(!result->has_lead(), "a mutation reply carries the lead");
    CheckRedacted(caller, *result);
    Tell(allowed->notify, model, allowed->event, referral_id);
    requests_[{caller.name, request_id}] = {
        step.method, step.request_fingerprint, referral_id};
    own_requests_.emplace_back(caller.name, request_id);
    if (step.action == Action::kReroute)
      AddChild(caller, model, *result, target);
  }

  // 转办: the child referral carries the parent's lead on to the target,
  // observed by the parent's sender and its observers.
  void AddChild(const Identity& caller, const ModelReferral& parent,
                const v1::Referral& reply, const std::string& target) {
    const std::string& child_id = reply.child_referral_id();
    Check(!child_id.empty() && referrals_.count(child_id) == 0,
          "a reroute names no new child referral");
    absl::StatusOr<std::optional<v1::Referral>> child =
        store_->GetReferral(child_id);
    Check(child.ok() && child->has_value(), "a reroute's child is not stored");
    const v1::Referral& stored = **child;
    ModelReferral model;
    model.kind = parent.kind;
    model.sender = caller.name;
    model.recipient = target;
    model.observers = parent.observers;
    model.observers.push_back(parent.sender);
    model.lead = parent.lead;
    model.accept_due = FromTimestamp(stored.accept_due_at());
    model.feedback_due = FromTimestamp(stored.feedback_due_at());
    Check(stored.parent_referral_id() == reply.referral_id() &&
              std::vector<std::string>(stored.observer_agency_ids().begin(),
                                       stored.observer_agency_ids().end()) ==
                  model.observers &&
              stored.kind() == model.kind,
          "a reroute's child does not link back to its parent");
    CheckDeadlines(stored);
    ++events_;
    Tell(Notify::kRecipient, model, v1::EVENT_TYPE_SUBMITTED, child_id);
    referrals_.emplace(child_id, std::move(model));
    visible_.push_back(child_id);
  }

  void Acknowledge(Gen& gen, const Identity& caller) {
    SyncInbox(caller);
    ModelInbox& inbox = inboxes_[caller.name];
    std::vector<uint64_t> sequences = Sequences(gen, inbox);
    if (gen.Choice(31) == 31) sequences.assign(1001, 1);  // over the limit
    AcknowledgeAndCheck(caller, sequences);
  }

  void AcknowledgeAndCheck(const Identity& caller,
                           const std::vector<uint64_t>& sequences) {
    ModelInbox& inbox = inboxes_[caller.name];
    const absl::StatusOr<uint32_t> result = Await<absl::StatusOr<uint32_t>>(
        [&](auto done) { core_->Acknowledge(caller, sequences, done); });
    Trace(caller, "Acknowledge", absl::StrJoin(sequences, ","),
          result.status());
    if (sequences.empty() || sequences.size() > 1000) {
      Check(!result.ok(), "an acknowledgement of 0 or >1000 entries succeeded");
      return;
    }
    if (!result.ok()) {
      Fail(absl::StrCat("Acknowledge failed: ", result.status().ToString()));
    }
    uint32_t expected = 0;
    for (uint64_t sequence : sequences) {
      std::optional<ModelEntry> entry;
      for (auto* entries : {&inbox.live, &inbox.dead}) {
        auto it = entries->find(sequence);
        if (it == entries->end()) continue;
        entry = it->second;
        entries->erase(it);
      }
      if (!entry) continue;
      ++expected;
      // The recipient's system holds a new referral: SUBMITTED → DELIVERED.
      if (entry->type != v1::EVENT_TYPE_SUBMITTED) continue;
      ModelReferral& referral = referrals_.at(entry->referral_id);
      if (referral.state != v1::REFERRAL_STATE_SUBMITTED) continue;
      referral.state = v1::REFERRAL_STATE_DELIVERED;
      ++referral.version;
      ++events_;
    }
    Check(*result == expected,
          "Acknowledge counted other entries than it took");
  }

  void RecordUnacknowledged(Gen& gen, const Identity& caller) {
    SyncInbox(caller);
    ModelInbox& inbox = inboxes_[caller.name];
    const std::vector<uint64_t> sequences = Sequences(gen, inbox);
    const absl::Status status = Await<absl::Status>([&](auto done) {
      core_->RecordUnacknowledged(caller, sequences, done);
    });
    Trace(caller, "RecordUnacknowledged", absl::StrJoin(sequences, ","),
          status);
    if (!status.ok()) {
      Fail(absl::StrCat("RecordUnacknowledged failed: ", status.ToString()));
    }
    for (uint64_t sequence : sequences) {
      auto it = inbox.live.find(sequence);
      if (it == inbox.live.end()) continue;
      if (++it->second.attempts >= kMaxDeliveryAttempts) {
        inbox.dead.insert(*it);
        inbox.live.erase(it);
      }
    }
  }

  // Sequences to acknowledge: the caller's entries, dead letters, and
  // anything else.
  std::vector<uint64_t> Sequences(Gen& gen, const ModelInbox& inbox) {
    std::vector<uint64_t> known;
    for (const auto* entries : {&inbox.live, &inbox.dead}) {
      for (const auto& [sequence, entry] : *entries) {
        if (IsVisible(entry.referral_id)) known.push_back(sequence);
      }
    }
    std::vector<uint64_t> sequences;
    const int count = gen.Int<int>(known.empty() ? 0 : 1, 6);
    for (int i = 0; i < count; ++i) {
      if (!known.empty() && gen.Choice(3) != 3) {
        sequences.push_back(gen.Pick(known));
      } else {
        sequences.push_back(gen.Bool() ? gen.Int<uint64_t>(0, 64)
                                       : gen.Any<uint64_t>());
      }
    }
    return sequences;
  }

  void Get(Gen& gen, const Identity& caller) {
    const std::string id = ReferralId(gen);
    const bool content = gen.Bool();
    const ReferralOr result = core_->Get(caller, id, content);
    Trace(caller, "Get", id, result.status());
    auto found = referrals_.find(id);
    const bool readable =
        found != referrals_.end() && MayRead(caller, found->second);
    if (!result.ok()) {
      if (readable) {
        Fail(absl::StrCat("a party cannot read its referral: ",
                          result.status().ToString()));
      }
      // Referral ids are sequential: someone else's referral must answer
      // like a missing one, or ids would tell what exists.
      if (found != referrals_.end()) {
        const ReferralOr missing = core_->Get(caller, "fz-9999999999", content);
        Check(missing.status().code() == result.status().code(),
              "someone else's referral answers unlike a missing one");
      }
      return;
    }
    Check(readable, "GetReferral showed a lead to an agency not party to it");
    // Feedback files come along only when asked for.
    CheckAsModel(*result, "GetReferral", /*reply=*/!content);
    const v1::Lead expected =
        content ? found->second.lead : WithoutContent(found->second.lead);
    Check(MessageDifferencer::Equals(result->lead(), expected),
          "GetReferral returned another lead than was sent");
  }

  void List(Gen& gen, const Identity& caller) {
    v1::ListReferralsRequest request;
    request.set_role(static_cast<v1::PartyRole>(gen.Enum(1, 2)));
    const int states = gen.Int<int>(0, 3);
    for (int i = 0; i < states; ++i) {
      request.add_states(static_cast<v1::ReferralState>(gen.Enum(1, 9)));
    }
    request.set_page_size(gen.Choice(7) == 7 ? gen.Any<uint32_t>()
                                             : gen.Int<uint32_t>(0, 4));
    if (request.page_size() > 500) gen.NotExact();
    if (gen.Choice(7) == 7) {
      gen.NotExact();
      request.set_page_token(ReferralId(gen));
    }
    if (gen.off_wire() && !kDeliverInvalidUtf8) return;

    const bool sender = request.role() == v1::PARTY_ROLE_SENDER;
    auto wanted = [&](const std::string& id, const ModelReferral& referral) {
      if ((sender ? referral.sender : referral.recipient) != caller.name) {
        return false;
      }
      if (!request.page_token().empty() && id >= request.page_token()) {
        return false;
      }
      if (request.states().empty()) return true;
      return std::find(request.states().begin(), request.states().end(),
                       referral.state) != request.states().end();
    };
    std::vector<std::string> expected;  // newest first
    for (auto it = referrals_.rbegin(); it != referrals_.rend(); ++it) {
      if (wanted(it->first, it->second)) expected.push_back(it->first);
    }
    const size_t page_size =
        request.page_size() == 0 ? 50 : request.page_size();

    // Page through to the end; each page must be the model's next slice.
    size_t position = 0;
    for (int page = 0;; ++page) {
      const absl::StatusOr<v1::ListReferralsResponse> result =
          core_->List(caller, request);
      Trace(caller, "List", request.ShortDebugString(), result.status());
      if (!result.ok()) {
        if (page > 0 || gen.exact()) {
          Fail(absl::StrCat("a well-formed ListReferrals was refused: ",
                            result.status().ToString()));
        }
        return;
      }
      Check(request.role() == v1::PARTY_ROLE_SENDER ||
                request.role() == v1::PARTY_ROLE_RECIPIENT,
            "ListReferrals accepted an invalid role");
      for (const v1::Referral& referral : result->referrals()) {
        Check(position < expected.size() &&
                  referral.referral_id() == expected[position],
              "ListReferrals listed other referrals than the caller's, in "
              "another order");
        Check(!referral.has_lead(), "ListReferrals carries leads");
        CheckAsModel(referral, "ListReferrals");
        ++position;
      }
      Check(static_cast<size_t>(result->referrals_size()) <= page_size,
            "ListReferrals returned more than a page");
      const bool more = position < expected.size();
      Check(result->next_page_token().empty() != more,
            "ListReferrals' next_page_token does not say whether more follow");
      if (!more || page > 20) return;
      request.set_page_token(result->next_page_token());
    }
  }

  void ReadInbox(Gen& gen, const Identity& caller) {
    SyncInbox(caller);
    const ModelInbox& inbox = inboxes_[caller.name];
    uint64_t after = 0;
    switch (gen.Choice(3)) {
      case 1:
        if (!inbox.live.empty()) after = inbox.live.begin()->first;
        break;
      case 2:
        after = gen.Int<uint64_t>(0, 64);
        break;
      case 3:
        after = gen.Any<uint64_t>();
        break;
      default:
        break;
    }
    const size_t limit = gen.Int<size_t>(0, 5);
    const absl::StatusOr<std::vector<v1::InboxEntry>> entries =
        core_->ReadInbox(caller, after, limit);
    Trace(caller, "ReadInbox", absl::StrCat(after, ", ", limit),
          entries.status());
    if (!entries.ok()) {
      Fail(absl::StrCat("ReadInbox failed: ", entries.status().ToString()));
    }
    auto expected = after == UINT64_MAX ? inbox.live.end()
                                        : inbox.live.lower_bound(after + 1);
    for (const v1::InboxEntry& entry : *entries) {
      Check(expected != inbox.live.end() && entry.sequence() == expected->first,
            "ReadInbox skipped or invented entries");
      CheckEntry(caller, entry);
      ++expected;
    }
    Check(entries->size() == limit || expected == inbox.live.end(),
          "ReadInbox returned a short page");
  }

  void PassTime(Gen& gen) {
    clock_->Advance(absl::Hours(gen.Int<int>(0, 31 * 24)));
    const absl::Time now = clock_->Now();
    int expected = 0;
    for (auto& [id, referral] : referrals_) {
      const bool accept = !referral.accept_overdue &&
                          OwesAcceptance(referral.state) &&
                          referral.accept_due <= now;
      const bool feedback = !referral.feedback_overdue &&
                            OwesFeedback(referral.state) &&
                            referral.feedback_due <= now;
      // A missed acceptance concerns the parties; the feedback deadline
      // missed (红) the supervisors as well.
      for (const auto& [flag, notify] :
           {std::pair(accept, Notify::kBoth),
            std::pair(feedback, Notify::kBothAndSupervisors)}) {
        if (!flag) continue;
        ++expected;
        ++referral.version;
        ++events_;
        Tell(notify, referral, v1::EVENT_TYPE_OVERDUE, id);
      }
      referral.accept_overdue |= accept;
      referral.feedback_overdue |= feedback;
    }
    const absl::StatusOr<int> flagged = watcher_->CheckOnce();
    Trace(Identity{Identity::Kind::kAdmin, "hub"}, "CheckOnce",
          absl::FormatTime(now), flagged.status());
    if (!flagged.ok()) {
      Fail(absl::StrCat("the deadline check failed: ",
                        flagged.status().ToString()));
    }
    Check(*flagged == expected,
          "the deadline watcher flagged other deadlines than those missed");
  }

  // --- checks ------------------------------------------------------------

  // Expects an entry in the inboxes `notify` names, one per agency.
  void Tell(Notify notify, const ModelReferral& referral, v1::EventType type,
            const std::string& id) {
    const bool sender = notify == Notify::kSender || notify == Notify::kBoth ||
                        notify == Notify::kBothAndSupervisors;
    const bool recipient = notify == Notify::kRecipient ||
                           notify == Notify::kBoth ||
                           notify == Notify::kRecipientAndSupervisors ||
                           notify == Notify::kBothAndSupervisors;
    const bool supervisors = notify == Notify::kRecipientAndSupervisors ||
                             notify == Notify::kBothAndSupervisors;
    if (sender) {
      inboxes_[referral.sender].unseen.push_back({type, id});
      // Observers (the finder of a rerouted lead) hear what the sender does.
      for (const std::string& observer : referral.observers) {
        inboxes_[observer].unseen.push_back({type, id});
      }
    }
    if (recipient) {
      inboxes_[referral.recipient].unseen.push_back({type, id});
    }
    if (!supervisors) return;
    // Every supervisor agency not told already as a party or observer.
    for (const v1::Agency& agency : config_->proto().agencies()) {
      if (!agency.supervisor() || agency.id() == referral.sender ||
          agency.id() == referral.recipient ||
          (sender && IsObserver(agency.id(), referral))) {
        continue;
      }
      inboxes_[agency.id()].unseen.push_back({type, id});
    }
  }

  // A referral the core returned (or the store holds) is the model's.
  void CheckAsModel(const v1::Referral& referral, absl::string_view where,
                    bool reply = true) {
    auto found = referrals_.find(referral.referral_id());
    if (found == referrals_.end()) {
      Fail(absl::StrCat(where, " returned a referral the model does not know"));
    }
    const ModelReferral& model = found->second;
    if (referral.state() != model.state ||
        referral.version() != model.version ||
        referral.sender_agency_id() != model.sender ||
        referral.recipient_agency_id() != model.recipient ||
        referral.accept_overdue() != model.accept_overdue ||
        referral.feedback_overdue() != model.feedback_overdue) {
      Fail(absl::StrCat(where, " returned a referral unlike the model's (",
                        v1::ReferralState_Name(model.state), " version ",
                        model.version, "): ", referral.ShortDebugString()));
    }
    // Replies leave feedback files out; GetReferral fetches them when asked.
    if (!reply) return;
    for (const v1::Feedback& feedback : referral.feedback()) {
      for (const v1::Attachment& attachment : feedback.attachments()) {
        if (!attachment.content().empty()) {
          Fail(absl::StrCat(where, " repeats feedback attachment contents"));
        }
      }
    }
  }

  // A supervisor may remind a referral it is no party to, but the reply
  // tells it nothing the parties wrote.
  void CheckRedacted(const Identity& caller, const v1::Referral& referral) {
    auto found = referrals_.find(referral.referral_id());
    if (found == referrals_.end() || MayRead(caller, found->second)) return;
    Check(referral.feedback().empty() && referral.reminders().empty() &&
              referral.state_reason().empty() &&
              referral.observer_agency_ids().empty(),
          "a step's reply shows the parties' content to a non-party");
  }

  void CheckEntry(const Identity& caller, const v1::InboxEntry& entry) {
    const v1::Referral& referral = entry.referral();
    Check(referral.referral_id() == entry.event().referral_id(),
          "an inbox entry carries another referral than its event's");
    auto found = referrals_.find(referral.referral_id());
    const v1::EventType type = entry.event().type();
    const v1::Agency* agency = config_->FindAgency(caller.name);
    // The hub's deadline warnings (OVERDUE: 红) reach the supervisors too.
    const bool supervisor_warned = agency != nullptr && agency->supervisor() &&
                                   (type == v1::EVENT_TYPE_DEADLINE_WARNING ||
                                    type == v1::EVENT_TYPE_OVERDUE);
    Check(found != referrals_.end() &&
              (caller.name == found->second.sender ||
               caller.name == found->second.recipient ||
               IsObserver(caller.name, found->second) || supervisor_warned),
          "an inbox entry went to an agency neither party to its referral nor "
          "observing it nor supervising");
    CheckAsModel(referral, "ReadInbox");
    const bool new_referral =
        entry.event().type() == v1::EVENT_TYPE_SUBMITTED &&
        caller.name == found->second.recipient;
    Check(referral.has_lead() == new_referral,
          "an inbox entry carries the lead other than to the recipient of a "
          "new referral");
    if (new_referral) {
      Check(MessageDifferencer::Equals(referral.lead(), found->second.lead),
            "a new referral's inbox entry carries another lead than was sent");
    }
  }

  // Reads the caller's whole inbox and matches it with the model: known
  // entries unchanged, new ones exactly those the model expects, none lost.
  void SyncInbox(const Identity& caller) {
    ModelInbox& inbox = inboxes_[caller.name];
    const absl::StatusOr<std::vector<v1::InboxEntry>> entries =
        core_->ReadInbox(caller, 0, 100000);
    if (!entries.ok()) {
      Fail(absl::StrCat("ReadInbox failed: ", entries.status().ToString()));
    }
    std::map<uint64_t, ModelEntry> live;
    uint64_t previous = 0;
    const uint64_t highest_before = inbox.highest_seen;
    for (const v1::InboxEntry& entry : *entries) {
      const uint64_t sequence = entry.sequence();
      Check(sequence > previous, "inbox entries out of order");
      previous = sequence;
      Check(inbox.dead.count(sequence) == 0,
            "a dead letter is still in the inbox");
      CheckEntry(caller, entry);
      ModelEntry seen{entry.event().type(), entry.event().referral_id(),
                      entry.delivery_attempts()};
      auto known = inbox.live.find(sequence);
      if (known != inbox.live.end()) {
        Check(known->second.type == seen.type &&
                  known->second.referral_id == seen.referral_id &&
                  known->second.attempts == seen.attempts,
              "an inbox entry changed");
      } else {
        Check(sequence > highest_before, "an inbox sequence was reused");
        auto match = std::find_if(
            inbox.unseen.begin(), inbox.unseen.end(), [&](const ModelEntry& e) {
              return e.type == seen.type && e.referral_id == seen.referral_id;
            });
        if (match == inbox.unseen.end() || seen.attempts != 0) {
          Fail(absl::StrCat("an inbox entry nobody was told of: ",
                            entry.event().ShortDebugString()));
        }
        inbox.unseen.erase(match);
      }
      live.emplace(sequence, seen);
      inbox.highest_seen = std::max(inbox.highest_seen, sequence);
    }
    Check(inbox.unseen.empty(), "a notification is missing from an inbox");
    for (const auto& [sequence, entry] : inbox.live) {
      Check(live.count(sequence) != 0,
            "an unacknowledged inbox entry disappeared");
    }
    inbox.live = std::move(live);
  }

  // After every call: the store is what the model says, and every state is
  // one the table can reach.
  bool IsVisible(const std::string& id) const {
    return std::find(visible_.begin(), visible_.end(), id) != visible_.end();
  }

  // After every call: the event count and this input's referrals are what
  // the model says, and every state is one the table can reach.
  void CheckStore() {
    const absl::StatusOr<uint64_t> count = store_->EventCount();
    if (!count.ok() || *count != events_) {
      Fail(absl::StrCat("the event count is ", count.ok() ? *count : 0,
                        ", the model expects ", events_,
                        " (a failed call changed something, or a change "
                        "recorded no or several events)"));
    }
    for (const std::string& id : visible_) CheckStored(id);
  }

  void CheckStored(const std::string& id) {
    absl::StatusOr<std::optional<v1::Referral>> stored =
        store_->GetReferral(id);
    if (!stored.ok() || !stored->has_value()) {
      Fail(absl::StrCat("referral ", id, " cannot be read back: ",
                        stored.ok() ? "gone" : stored.status().ToString()));
    }
    Check(ReachableStates().contains((*stored)->state()),
          "a referral is in a state the table cannot reach");
    CheckAsModel(**stored, "the store", /*reply=*/false);
  }

  // Acknowledges every entry left, so that the next input starts with
  // empty inboxes, and checks the chain; before the store is replaced,
  // checks every referral it holds.
  void FinishInput() {
    for (const Identity& caller : kCallers) {
      SyncInbox(caller);
      const ModelInbox& inbox = inboxes_[caller.name];
      std::vector<uint64_t> left;
      for (const auto* entries : {&inbox.live, &inbox.dead}) {
        for (const auto& [sequence, entry] : *entries) left.push_back(sequence);
      }
      if (!left.empty()) AcknowledgeAndCheck(caller, left);
      SyncInbox(caller);
    }
    CheckStore();
    const absl::Status chain = store_->VerifyEventChain();
    if (!chain.ok()) Fail(absl::StrCat("event chain: ", chain.ToString()));
    if (inputs_ % kInputsPerStore != 0) return;
    for (const auto& [id, model] : referrals_) CheckStored(id);
    absl::StatusOr<storage::ReferralIdPage> all =
        store_->ScanReferralIds("", referrals_.size() + 1);
    Check(all.ok() && all->referral_ids.size() == referrals_.size(),
          "the store holds referrals the model does not know");
  }

  const std::shared_ptr<const HubConfig> config_;
  const sx::testing::TempDir& dir_;
  std::unique_ptr<FakeClock> clock_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<ExchangeCore> core_;
  std::unique_ptr<DeadlineWatcher> watcher_;

  // The model, for the current store. Ordered by id: newest last.
  std::map<std::string, ModelReferral> referrals_;
  std::map<std::pair<std::string, std::string>, ModelRequest> requests_;
  absl::flat_hash_map<std::string, ModelInbox> inboxes_;
  uint64_t events_ = 0;
  uint64_t next_request_ = 0;
  int inputs_ = 0;
  // What the current input created and used: all it may refer to.
  std::vector<std::string> visible_;
  std::vector<std::pair<std::string, std::string>> own_requests_;
};

}  // namespace
}  // namespace sx::core

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // One harness per process, never destroyed: libFuzzer exits without
  // joining the store's threads. Its directory is removed at exit; it lives
  // under $TMPDIR, which tests/fuzz/run.sh points at /dev/shm when it can.
  static sx::testing::TempDir dir;
  static auto* harness = new sx::core::ExchangeHarness(dir);
  harness->RunInput(data, size);
  return 0;
}
