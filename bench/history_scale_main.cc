// sxscale: whether statistics and ledger progress calls cost the same
// whatever the size of the hub's history. In-process, without gRPC: a fresh
// RocksDB store and the domain cores, history grown in stages to each of
// --sizes referrals, and at each size the calls timed one after another.
//
//   sxscale                                  # 10k, 100k, 1M referrals
//   sxscale --sizes=10000,100000 --calls=100 --json=/tmp/scale.jsonl
//
// Each stage spreads its referrals over two years of simulated time (stage
// k covers the years 2020+2k and 2021+2k, China Standard Time), so the
// periods measured at every size (the stage's second calendar year, its
// last quarter, 365 days from mid-July) hold counters in every day and
// month bucket; only the history before them and the density grow. See
// "History scale" in bench/RESULTS.md.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "bench/history_fill.h"
#include "bench/latency_stats.h"
#include "bench/process_usage.h"
#include "bench/scale_report.h"
#include "supervision/v1/distribution.pb.h"
#include "supervision/v1/rectification.pb.h"
#include "supervision/v1/statistics.pb.h"
#include "sx/base/sha256.h"
#include "sx/core/admin_core.h"
#include "sx/core/clock.h"
#include "sx/core/current_conditions.h"
#include "sx/core/distribution_core.h"
#include "sx/core/exchange_core.h"
#include "sx/core/hub_config.h"
#include "sx/core/rectification_core.h"
#include "sx/core/statistics_core.h"
#include "sx/core/testing/core_test_fixtures.h"
#include "sx/core/testing/test_config.h"
#include "sx/storage/store.h"

namespace sx::bench {
namespace {

namespace v1 = ::supervision::v1;

constexpr char kUsage[] =
    "usage: sxscale [options]\n"
    "  --sizes=N,N,...   history sizes in referrals, ascending (default\n"
    "                    10000,100000,1000000)\n"
    "  --calls=N         timed calls per call and size (default 200), after\n"
    "                    --warmup=N untimed ones (default 20)\n"
    "  --scan-calls=N    timed calls of the contrast calls that walk history\n"
    "                    (default 5, after one untimed)\n"
    "  --inflight=N      submits and steps kept in flight while filling\n"
    "                    (default 512)\n"
    "  --data-dir=DIR    put the store in DIR/sxscale-db (must not exist)\n"
    "                    instead of a new temporary directory\n"
    "  --keep            keep the store at the end (default: removed)\n"
    "  --reopen          at each size, also close and reopen the store (which\n"
    "                    flushes its memtables) and time the calls again\n"
    "  --json=FILE       one JSON line per (size, call) to FILE\n"
    "  --help\n";

// Items of the one problem list whose ledger is read (case 3 of
// docs/CASES.md: 289 problems fed back after one inspection round).
constexpr int kLedgerItems = 300;
constexpr int kLedgerPage = 50;

struct Options {
  std::vector<uint64_t> sizes = {10000, 100000, 1000000};
  int calls = 200;
  int warmup = 20;
  int scan_calls = 5;
  int inflight = 512;
  std::string data_dir;
  bool keep = false;
  bool reopen = false;
  std::string json_file;
};

absl::StatusOr<int> PositiveInt(absl::string_view name,
                                absl::string_view value) {
  int parsed = 0;
  if (!absl::SimpleAtoi(value, &parsed) || parsed <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad value for --", name, ": \"", value, "\""));
  }
  return parsed;
}

absl::StatusOr<Options> ParseOptions(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") return absl::CancelledError(kUsage);
    if (arg == "--keep") {
      options.keep = true;
      continue;
    }
    if (arg == "--reopen") {
      options.reopen = true;
      continue;
    }
    const size_t equals = arg.find('=');
    if (arg.rfind("--", 0) != 0 || equals == std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unexpected argument ", arg, " (options are --name=value)"));
    }
    const std::string name = arg.substr(2, equals - 2);
    const std::string value = arg.substr(equals + 1);
    if (name == "sizes") {
      options.sizes.clear();
      for (absl::string_view part : absl::StrSplit(value, ',')) {
        uint64_t size = 0;
        if (!absl::SimpleAtoi(part, &size) || size == 0 ||
            (!options.sizes.empty() && size <= options.sizes.back())) {
          return absl::InvalidArgumentError(absl::StrCat(
              "--sizes: \"", value, "\" is not a list of ascending sizes"));
        }
        options.sizes.push_back(size);
      }
    } else if (name == "calls" || name == "warmup" || name == "scan-calls" ||
               name == "inflight") {
      absl::StatusOr<int> parsed = PositiveInt(name, value);
      if (!parsed.ok()) return parsed.status();
      if (name == "calls") {
        options.calls = *parsed;
      } else if (name == "warmup") {
        options.warmup = *parsed;
      } else if (name == "scan-calls") {
        options.scan_calls = *parsed;
      } else {
        options.inflight = *parsed;
      }
    } else if (name == "data-dir") {
      options.data_dir = value;
    } else if (name == "json") {
      options.json_file = value;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown option --", name));
    }
  }
  return options;
}

uint64_t DirectoryBytes(const std::string& path) {
  uint64_t bytes = 0;
  std::error_code error;
  for (auto it = std::filesystem::recursive_directory_iterator(path, error);
       !error && it != std::filesystem::recursive_directory_iterator();
       it.increment(error)) {
    std::error_code size_error;
    if (it->is_regular_file(size_error)) {
      const uintmax_t size = it->file_size(size_error);
      if (!size_error) bytes += size;
    }
  }
  return bytes;
}

// Waits until RocksDB's flushes and compactions after a fill have died
// down (this process using under 5% of a CPU over one second), at most
// two minutes, so that measurements do not share the cores with them.
absl::Duration Settle() {
  const absl::Time start = absl::Now();
  double before = OwnCpuSeconds();
  while (absl::Now() - start < absl::Minutes(2)) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    const double now = OwnCpuSeconds();
    if (now - before < 0.05) break;
    before = now;
  }
  return absl::Now() - start;
}

// --- the hub under test -----------------------------------------------------

const absl::TimeZone& ChinaStandardTime() {
  static const absl::TimeZone zone = absl::FixedTimeZone(8 * 60 * 60);
  return zone;
}

absl::Time StartOfDay(absl::CivilDay day) {
  return absl::FromCivil(day, ChinaStandardTime());
}

std::string Date(absl::CivilDay day) { return absl::FormatCivilTime(day); }

// The core tests' config, plus the routes that let the inspection office
// send a problem list to every other unit (case 10 of docs/CASES.md).
absl::StatusOr<std::shared_ptr<const core::HubConfig>> ScaleConfig() {
  v1::HubConfig proto = core::TestHubConfigProto();
  v1::Route& route = *proto.add_routes();
  route.set_from_type("inspection_office");
  route.add_to_types("audit_bureau");
  route.add_to_types("stationed_group");
  route.add_kinds(v1::REFERRAL_KIND_PROBLEM_LIST);
  // History is filled one disposition per lead (history_fill.cc).
  proto.mutable_disposition_rules()->set_allow_case_filing_without_verification(
      true);
  proto.set_hub_id("sxscale");
  return core::HubConfig::FromProto(std::move(proto));
}

v1::Lead ProblemListLead(absl::string_view subject) {
  v1::Lead lead;
  lead.set_subject(std::string(subject));
  lead.set_category("巡察反馈问题清单");
  lead.set_summary("巡察反馈问题需逐项制定整改措施、明确责任单位和完成时限");
  lead.set_source("巡察反馈");
  lead.set_sensitivity(v1::SENSITIVITY_ORDINARY);
  lead.set_urgency(v1::URGENCY_NORMAL);
  return lead;
}

v1::RectificationItemDraft ItemDraft(int number) {
  static const char* const kCategories[] = {"党的领导弱化", "党的建设缺失",
                                            "全面从严治党不力", "选人用人问题",
                                            "整改落实不到位"};
  static const char* const kUnits[] = {"办公室", "财务科", "干部一科",
                                       "机关党委", "干部监督科"};
  v1::RectificationItemDraft draft;
  draft.set_category(kCategories[number % 5]);
  draft.set_problem(
      absl::StrCat("第", number, "项：违规发放津贴补贴，制度执行不严格"));
  draft.add_measures("清退违规发放的津贴补贴");
  draft.add_measures("建立发放审核制度");
  draft.set_responsible_unit(kUnits[number % 5]);
  return draft;
}

core::Identity Agency(absl::string_view id) {
  return core::Identity{core::Identity::Kind::kAgency, std::string(id)};
}

// The store, the clock and the cores, in construction order.
struct ScaleHub {
  ScaleHub(std::unique_ptr<storage::Store> opened,
           std::shared_ptr<const core::HubConfig> config, int inflight,
           absl::Time now)
      : store(std::move(opened)),
        clock(now),
        exchange(*store, clock, std::move(config)),
        ledger(*store, clock, [this] { return exchange.config(); }),
        distributions(*store, clock, [this] { return exchange.config(); }),
        statistics(*store, [this] { return exchange.config(); }),
        admin(
            *store, clock, [this] { return exchange.config(); },
            [](absl::string_view) { return 0u; }, "sxscale"),
        fill(exchange, clock, inflight) {}

  const std::unique_ptr<storage::Store> store;
  core::FakeClock clock;
  core::ExchangeCore exchange;
  core::RectificationCore ledger;
  core::DistributionCore distributions;
  core::StatisticsCore statistics;
  core::AdminCore admin;
  HistoryFill fill;
  // Set by Seed.
  std::string ledger_referral_id;
  std::string distribution_id;
};

// `rule_version` other than the current one makes the store derive its
// current counts and watch list again from every referral as it opens, as
// the first start after an upgrade does.
absl::StatusOr<std::unique_ptr<ScaleHub>> OpenScaleHub(
    const std::string& path, int inflight, absl::Time now,
    const std::string& rule_version = "") {
  absl::StatusOr<std::shared_ptr<const core::HubConfig>> config = ScaleConfig();
  if (!config.ok()) return config.status();
  storage::RocksDbStoreOptions options;
  options.path = path;
  options.id_prefix = "scale";
  options.referral_deriver = core::CurrentConditionsDeriver();
  if (!rule_version.empty()) options.referral_deriver.version = rule_version;
  absl::StatusOr<std::unique_ptr<storage::Store>> store =
      storage::OpenRocksDbStore(options);
  if (!store.ok()) return store.status();
  return std::make_unique<ScaleHub>(*std::move(store), *std::move(config),
                                    inflight, now);
}

// Before any history: the problem list whose ledger is read (inspection
// office → organization department) and the distribution to every other
// unit whose progress is read.
absl::Status Seed(ScaleHub& hub) {
  v1::SubmitReferralRequest list;
  list.set_request_id("scale-ledger");
  list.set_recipient_agency_id("organization-dept");
  list.set_kind(v1::REFERRAL_KIND_PROBLEM_LIST);
  *list.mutable_lead() = ProblemListLead("某区委组织部");
  for (int i = 1; i <= kLedgerItems; ++i) {
    *list.add_rectification_items() = ItemDraft(i);
  }
  using ReferralOr = absl::StatusOr<v1::Referral>;
  ReferralOr referral =
      core::Await<ReferralOr>([&](std::function<void(ReferralOr)> done) {
        std::string fingerprint = Sha256(list.SerializeAsString());
        hub.exchange.Submit(Agency("inspection-office"), list,
                            std::move(fingerprint), std::move(done));
      });
  if (!referral.ok()) return referral.status();
  hub.ledger_referral_id = referral->referral_id();

  v1::SubmitDistributionRequest notice;
  notice.set_request_id("scale-distribution");
  for (const char* agency : kScaleAgencies) {
    if (absl::string_view(agency) != "inspection-office") {
      notice.add_recipient_agency_ids(agency);
    }
  }
  notice.set_kind(v1::REFERRAL_KIND_PROBLEM_LIST);
  *notice.mutable_lead() = ProblemListLead("市直各单位");
  for (int i = 1; i <= 3; ++i) {
    *notice.add_rectification_items() = ItemDraft(i);
  }
  using DistributionOr = absl::StatusOr<v1::Distribution>;
  DistributionOr distribution = core::Await<DistributionOr>(
      [&](std::function<void(DistributionOr)> done) {
        std::string fingerprint = Sha256(notice.SerializeAsString());
        hub.distributions.Submit(Agency("inspection-office"), notice,
                                 std::move(fingerprint), std::move(done));
      });
  if (!distribution.ok()) return distribution.status();
  hub.distribution_id = distribution->distribution_id();
  return absl::OkStatus();
}

// --- the calls ---------------------------------------------------------------

// One call measured at every size. `run` returns a figure that shows what
// the call covered (referrals counted, items or members returned), and
// fails if the answer is not what the history must give.
struct Call {
  std::string name;
  std::string description;
  // Walks history: measured with --scan-calls, for contrast.
  bool scans;
  std::function<absl::StatusOr<uint64_t>()> run;
};

absl::Status Unexpected(absl::string_view call, absl::string_view what) {
  return absl::InternalError(absl::StrCat(call, ": ", what));
}

std::vector<Call> CallsAt(ScaleHub& hub, int stage) {
  // The stage's two years: [Y, Y+1].
  const int year = 2020 + 2 * stage;
  const core::Identity admin{core::Identity::Kind::kAdmin, "ops"};
  auto statistics = [&hub, admin](std::string name, absl::CivilDay from,
                                  absl::CivilDay to, std::string unit) {
    v1::GetStatisticsRequest request;
    request.set_from_date(Date(from));
    request.set_to_date(Date(to));
    request.set_agency_id(std::move(unit));
    return [&hub, admin, name, request]() -> absl::StatusOr<uint64_t> {
      absl::StatusOr<v1::GetStatisticsResponse> response =
          hub.statistics.Get(admin, request);
      if (!response.ok()) return response.status();
      // A unit's own figures: its referrals on either side.
      uint64_t referrals = response->totals().referrals();
      if (!request.agency_id().empty() && response->units_size() == 1) {
        referrals += response->units(0).as_recipient().referrals();
      }
      if (referrals == 0) return Unexpected(name, "no referrals in the period");
      return referrals;
    };
  };
  auto ledger_page = [&hub](std::string name, uint32_t after,
                            uint32_t first_number) {
    return [&hub, name, after, first_number]() -> absl::StatusOr<uint64_t> {
      v1::ListRectificationItemsRequest request;
      request.set_referral_id(hub.ledger_referral_id);
      request.set_after_number(after);
      request.set_page_size(kLedgerPage);
      absl::StatusOr<v1::ListRectificationItemsResponse> page =
          hub.ledger.List(Agency("inspection-office"), request);
      if (!page.ok()) return page.status();
      if (page->items_size() != kLedgerPage ||
          page->items(0).number() != first_number ||
          page->summary().total() != kLedgerItems) {
        return Unexpected(name, "not the expected page");
      }
      return static_cast<uint64_t>(page->items_size());
    };
  };
  auto exchange_list = [&hub](std::string name, bool no_match) {
    return [&hub, name, no_match]() -> absl::StatusOr<uint64_t> {
      v1::ListReferralsRequest request;
      request.set_role(v1::PARTY_ROLE_RECIPIENT);
      // No referral of the fill is ever closed.
      if (no_match) request.add_states(v1::REFERRAL_STATE_CLOSED);
      absl::StatusOr<v1::ListReferralsResponse> page =
          hub.exchange.List(Agency("discipline-commission"), request);
      if (!page.ok()) return page.status();
      if (page->referrals_size() != (no_match ? 0 : 50)) {
        return Unexpected(name, "not the expected page");
      }
      return static_cast<uint64_t>(page->referrals_size());
    };
  };

  std::vector<Call> calls;
  calls.push_back({"stats_all_year",
                   "StatisticsCore::Get, all units, one calendar year", false,
                   statistics("stats_all_year", absl::CivilDay(year + 1, 1, 1),
                              absl::CivilDay(year + 1, 12, 31), "")});
  calls.push_back(
      {"stats_all_prior_year",
       "StatisticsCore::Get, all units, the calendar year before", false,
       statistics("stats_all_prior_year", absl::CivilDay(year, 1, 1),
                  absl::CivilDay(year, 12, 31), "")});
  calls.push_back(
      {"stats_all_quarter", "StatisticsCore::Get, all units, one quarter",
       false,
       statistics("stats_all_quarter", absl::CivilDay(year + 1, 10, 1),
                  absl::CivilDay(year + 1, 12, 31), "")});
  calls.push_back(
      {"stats_unit_year", "StatisticsCore::Get, one unit, one calendar year",
       false,
       statistics("stats_unit_year", absl::CivilDay(year + 1, 1, 1),
                  absl::CivilDay(year + 1, 12, 31), "discipline-commission")});
  calls.push_back(
      {"stats_all_365d",
       "StatisticsCore::Get, all units, 365 days from mid-July (42 buckets)",
       false,
       statistics("stats_all_365d", absl::CivilDay(year, 7, 15),
                  absl::CivilDay(year + 1, 7, 14), "")});
  calls.push_back({"ledger_first_page",
                   "RectificationCore::List, 300-item ledger, first page of 50",
                   false, ledger_page("ledger_first_page", 0, 1)});
  calls.push_back({"ledger_last_page",
                   "RectificationCore::List, last page (after_number 250)",
                   false,
                   ledger_page("ledger_last_page", kLedgerItems - kLedgerPage,
                               kLedgerItems - kLedgerPage + 1)});
  calls.push_back(
      {"distribution_get",
       "DistributionCore::Get, distribution to 4 units with progress", false,
       [&hub]() -> absl::StatusOr<uint64_t> {
         absl::StatusOr<v1::Distribution> distribution = hub.distributions.Get(
             Agency("inspection-office"), hub.distribution_id);
         if (!distribution.ok()) return distribution.status();
         if (distribution->members_size() != 4) {
           return Unexpected("distribution_get", "not 4 members");
         }
         return static_cast<uint64_t>(distribution->members_size());
       }});
  calls.push_back({"exchange_list",
                   "ExchangeCore::List, recipient's first page of 50", false,
                   exchange_list("exchange_list", false)});
  calls.push_back(
      {"exchange_list_no_match",
       "ExchangeCore::List filtered on a state no referral is in (walks the "
       "party's index)",
       true, exchange_list("exchange_list_no_match", true)});
  calls.push_back({"admin_status",
                   "AdminCore::Status (referrals from the current counts)",
                   false, [&hub]() -> absl::StatusOr<uint64_t> {
                     absl::StatusOr<v1::HubStatus> status = hub.admin.Status();
                     if (!status.ok()) return status.status();
                     if (status->referrals() == 0) {
                       return Unexpected("admin_status", "no referrals");
                     }
                     return status->referrals();
                   }});
  calls.push_back(
      {"admin_counts",
       "AdminCore::TransferCounts (by state, route and recipient; also every "
       "metrics scrape)",
       false, [&hub]() -> absl::StatusOr<uint64_t> {
         absl::StatusOr<v1::GetTransferCountsResponse> counts =
             hub.admin.TransferCounts();
         if (!counts.ok()) return counts.status();
         uint64_t referrals = 0;
         for (const v1::StateCount& state : counts->by_state()) {
           referrals += state.count();
         }
         if (referrals == 0) return Unexpected("admin_counts", "no referrals");
         return referrals;
       }});
  return calls;
}

// --- timing ------------------------------------------------------------------

absl::StatusOr<CallReport> Measure(const Call& call, uint64_t size,
                                   const Options& options) {
  const int warmup = call.scans ? 1 : options.warmup;
  const int timed = call.scans ? options.scan_calls : options.calls;
  CallReport measured{call.name, call.description, call.scans, size, timed, 0,
                      {}};
  for (int i = 0; i < warmup; ++i) {
    absl::StatusOr<uint64_t> covers = call.run();
    if (!covers.ok()) return covers.status();
  }
  std::vector<int64_t> samples_ns;
  samples_ns.reserve(static_cast<size_t>(timed));
  for (int i = 0; i < timed; ++i) {
    const auto start = std::chrono::steady_clock::now();
    absl::StatusOr<uint64_t> covers = call.run();
    const auto end = std::chrono::steady_clock::now();
    if (!covers.ok()) return covers.status();
    measured.covers = *covers;
    samples_ns.push_back(
        std::chrono::duration_cast<std::chrono::nanoseconds>(end - start)
            .count());
  }
  measured.latency = Summarize(samples_ns);
  return measured;
}

absl::Status WriteFile(const std::string& path, const std::string& text) {
  std::FILE* out = std::fopen(path.c_str(), "w");
  if (out == nullptr) {
    return absl::UnavailableError(absl::StrCat("cannot write ", path));
  }
  const bool written =
      std::fwrite(text.data(), 1, text.size(), out) == text.size();
  if (std::fclose(out) != 0 || !written) {
    return absl::UnavailableError(absl::StrCat("cannot write ", path));
  }
  return absl::OkStatus();
}

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "sxscale: %s\n", std::string(status.message()).c_str());
  return 1;
}

absl::StatusOr<std::string> MakeDirectory(const Options& options) {
  if (!options.data_dir.empty()) {
    const std::string path = options.data_dir + "/sxscale-db";
    std::error_code error;
    if (std::filesystem::exists(path, error)) {
      return absl::AlreadyExistsError(
          absl::StrCat(path, " exists; sxscale starts from an empty store"));
    }
    std::filesystem::create_directories(path, error);
    if (error) {
      return absl::UnavailableError(
          absl::StrCat("cannot create ", path, ": ", error.message()));
    }
    return path;
  }
  std::string pattern =
      (std::filesystem::temp_directory_path() / "sxscale-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return absl::UnavailableError("cannot create a temporary directory");
  }
  return pattern;
}

// Share of the machine's CPU time that other processes used from
// construction to Share(). Not thread-safe.
class OtherCpu {
 public:
  OtherCpu() : own_(OwnCpuSeconds()), start_(absl::Now()) {
    absl::StatusOr<HostBusy> busy = HostBusySeconds();
    if (busy.ok()) host_ = busy->seconds + busy->nice_seconds;
  }
  double Share() const {
    absl::StatusOr<HostBusy> busy = HostBusySeconds();
    const double window = absl::ToDoubleSeconds(absl::Now() - start_) *
                          std::thread::hardware_concurrency();
    if (!busy.ok() || window <= 0) return 0;
    const double other =
        busy->seconds + busy->nice_seconds - host_ - (OwnCpuSeconds() - own_);
    return std::max(0.0, other / window);
  }

 private:
  const double own_;
  const absl::Time start_;
  double host_ = 0;
};

// Times every call at one size (those that walk history only if
// `with_scans`); `suffix` marks the rows of a reopened store.
absl::Status MeasureCalls(ScaleHub& hub, int stage_index, StageReport& stage,
                          const Options& options, bool with_scans,
                          absl::string_view suffix,
                          std::vector<CallReport>& all) {
  const OtherCpu other;
  for (Call& call : CallsAt(hub, stage_index)) {
    if (call.scans && !with_scans) continue;
    call.name += std::string(suffix);
    absl::StatusOr<CallReport> measured = Measure(call, stage.size, options);
    if (!measured.ok()) return measured.status();
    std::printf("  %-30s p50 %9s µs  p99 %9s µs  (%d calls, covers %s)\n",
                measured->name.c_str(),
                Micros(measured->latency.p50_us).c_str(),
                Micros(measured->latency.p99_us).c_str(), measured->calls,
                Thousands(measured->covers).c_str());
    std::fflush(stdout);
    all.push_back(*std::move(measured));
  }
  const double share = other.Share();
  std::printf("  (other processes used %.0f%% of the machine meanwhile)\n",
              share * 100);
  stage.other_cpu_share = std::max(stage.other_cpu_share, share);
  return absl::OkStatus();
}

absl::Status Run(const Options& options, const std::string& directory) {
  const std::string path = directory + "/db";
  absl::StatusOr<std::unique_ptr<ScaleHub>> opened = OpenScaleHub(
      path, options.inflight, StartOfDay(absl::CivilDay(2020, 1, 1)));
  if (!opened.ok()) return opened.status();
  std::unique_ptr<ScaleHub> hub = *std::move(opened);
  if (absl::Status seeded = Seed(*hub); !seeded.ok()) return seeded;
  std::printf("sxscale: store in %s; ledger %s (%d items), distribution %s\n",
              directory.c_str(), hub->ledger_referral_id.c_str(), kLedgerItems,
              hub->distribution_id.c_str());

  std::vector<StageReport> stages;
  std::vector<CallReport> all;
  uint64_t filled_to = 0;
  for (size_t k = 0; k < options.sizes.size(); ++k) {
    const int year = 2020 + 2 * static_cast<int>(k);
    StageReport stage;
    stage.size = options.sizes[k];
    const FillCounts before = hub->fill.counts();
    const absl::Time start = absl::Now();
    if (absl::Status filled = hub->fill.Run(
            filled_to, stage.size, StartOfDay(absl::CivilDay(year, 1, 1)),
            StartOfDay(absl::CivilDay(year + 2, 1, 1)));
        !filled.ok()) {
      return filled;
    }
    stage.fill_seconds = absl::ToDoubleSeconds(absl::Now() - start);
    const FillCounts after = hub->fill.counts();
    stage.filled = {after.referrals - before.referrals,
                    after.steps - before.steps};
    filled_to = stage.size;
    stage.settle_seconds = absl::ToDoubleSeconds(Settle());
    stage.data_bytes = DirectoryBytes(directory);
    std::printf(
        "filled to %s: +%s referrals, +%s steps in %.1f s (%s referrals/s), "
        "settled %.0f s, data %s MiB\n",
        Thousands(stage.size).c_str(),
        Thousands(stage.filled.referrals).c_str(),
        Thousands(stage.filled.steps).c_str(), stage.fill_seconds,
        Thousands(
            static_cast<uint64_t>(static_cast<double>(stage.filled.referrals) /
                                  stage.fill_seconds))
            .c_str(),
        stage.settle_seconds, Thousands(stage.data_bytes >> 20).c_str());
    std::fflush(stdout);
    if (absl::Status measured =
            MeasureCalls(*hub, static_cast<int>(k), stage, options,
                         /*with_scans=*/true, "", all);
        !measured.ok()) {
      return measured;
    }
    if (options.reopen) {
      // Closing and opening the store writes what its memtables held to
      // sorted files (RocksDB's recovery flush), where each counter's
      // pending additions are folded into one value.
      const absl::Time now = hub->clock.Now();
      std::string ledger = hub->ledger_referral_id;
      std::string distribution = hub->distribution_id;
      // Once as a restart does, then under another rule version, which
      // derives the current counts from every referral as the first start
      // after an upgrade does.
      double open_seconds[2];
      for (int round = 0; round < 2; ++round) {
        hub.reset();
        const absl::Time opening = absl::Now();
        opened = OpenScaleHub(path, options.inflight, now,
                              round == 0 ? "" : absl::StrCat("sxscale-", k));
        if (!opened.ok()) return opened.status();
        open_seconds[round] = absl::ToDoubleSeconds(absl::Now() - opening);
        hub = *std::move(opened);
      }
      hub->ledger_referral_id = std::move(ledger);
      hub->distribution_id = std::move(distribution);
      std::printf(
          "reopened the store in %.2f s; opened again deriving the current "
          "counts from every referral in %.2f s; settled %.0f s\n",
          open_seconds[0], open_seconds[1], absl::ToDoubleSeconds(Settle()));
      if (absl::Status measured =
              MeasureCalls(*hub, static_cast<int>(k), stage, options,
                           /*with_scans=*/false, "_reopened", all);
          !measured.ok()) {
        return measured;
      }
    }
    stages.push_back(stage);
  }
  std::printf("\n%s", ScaleTables(stages, all).c_str());
  if (!options.json_file.empty()) {
    return WriteFile(options.json_file, ScaleJsonLines(stages, all));
  }
  return absl::OkStatus();
}

}  // namespace
}  // namespace sx::bench

int main(int argc, char** argv) {
  absl::StatusOr<sx::bench::Options> options =
      sx::bench::ParseOptions(argc, argv);
  if (!options.ok()) {
    if (absl::IsCancelled(options.status())) {
      std::printf("%s", std::string(options.status().message()).c_str());
      return 0;
    }
    std::fprintf(stderr, "sxscale: %s\n%s",
                 std::string(options.status().message()).c_str(),
                 sx::bench::kUsage);
    return 2;
  }
  absl::StatusOr<std::string> directory = sx::bench::MakeDirectory(*options);
  if (!directory.ok()) return sx::bench::Fail(directory.status());
  const absl::Status ran = sx::bench::Run(*options, *directory);
  if (options->keep) {
    std::printf("sxscale: kept %s\n", directory->c_str());
  } else {
    std::error_code ignored;
    std::filesystem::remove_all(*directory, ignored);
  }
  return ran.ok() ? 0 : sx::bench::Fail(ran);
}
