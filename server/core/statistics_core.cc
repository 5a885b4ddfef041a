#include "sx/core/statistics_core.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"
#include "server/core/statistics_counting.h"
#include "sx/base/status_macros.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

// Ten years of months plus two ragged months of days: a few hundred
// buckets at most.
constexpr int kMaxPeriodYears = 10;
// Counters in one bucket: units × 2 sides × figures, with a wide margin.
constexpr size_t kMaxCountersPerBucket = 1 << 20;

absl::StatusOr<absl::CivilDay> ParseDay(absl::string_view field,
                                        absl::string_view text) {
  absl::CivilDay day;
  if (text.size() != 10 || !absl::ParseCivilTime(text, &day)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": \"", text, "\" is not a date as YYYY-MM-DD"));
  }
  return day;
}

// Adds `value` to the SideFigures field named `figure`. Counters are named
// after the fields, so a figure needs no table of its own; one this build
// does not know (written by a later release) is skipped.
void AddFigure(v1::SideFigures& figures, absl::string_view figure,
               int64_t value) {
  const google::protobuf::FieldDescriptor* field =
      v1::SideFigures::descriptor()->FindFieldByName(std::string(figure));
  if (field == nullptr ||
      field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_UINT64) {
    return;
  }
  const google::protobuf::Reflection* reflection = figures.GetReflection();
  reflection->SetUInt64(
      &figures, field,
      reflection->GetUInt64(figures, field) + static_cast<uint64_t>(value));
}

// Figures kept as the sum of others rather than counted on their own.
void DeriveSums(v1::SideFigures& figures) {
  figures.set_referrals(figures.leads() + figures.problem_lists() +
                        figures.audit_findings());
}

void AddAll(v1::SideFigures& into, const v1::SideFigures& figures) {
  const google::protobuf::Descriptor* descriptor =
      v1::SideFigures::descriptor();
  const google::protobuf::Reflection* reflection = into.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = descriptor->field(i);
    reflection->SetUInt64(&into, field,
                          reflection->GetUInt64(into, field) +
                              reflection->GetUInt64(figures, field));
  }
}

}  // namespace

StatisticsCore::StatisticsCore(
    storage::Store& store,
    std::function<std::shared_ptr<const HubConfig>()> config)
    : store_(store), config_(std::move(config)) {}

absl::StatusOr<v1::GetStatisticsResponse> StatisticsCore::Get(
    const Identity& caller, const v1::GetStatisticsRequest& request) {
  const std::shared_ptr<const HubConfig> config = config_();
  SX_ASSIGN_OR_RETURN(absl::CivilDay from,
                      ParseDay("from_date", request.from_date()));
  SX_ASSIGN_OR_RETURN(absl::CivilDay to,
                      ParseDay("to_date", request.to_date()));
  if (to < from) {
    return absl::InvalidArgumentError(
        "to_date: before from_date; the period runs from from_date to "
        "to_date, both included");
  }
  if (to - from > 366 * kMaxPeriodYears) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the period may span at most ", kMaxPeriodYears, " years"));
  }

  // Whose figures: an agency's own unless it supervises.
  std::string unit = request.agency_id();
  if (caller.is_agency()) {
    const v1::Agency* agency = config->FindAgency(caller.name);
    const bool supervises = agency != nullptr && agency->supervisor();
    if (!supervises) {
      if (!unit.empty() && unit != caller.name) {
        return absl::PermissionDeniedError(absl::StrCat(
            "agency \"", caller.name,
            "\" sees its own figures; only supervising agencies, "
            "administrators and auditors see another unit's (leave "
            "agency_id empty)"));
      }
      unit = caller.name;
    }
  }
  if (!unit.empty() && config->FindAgency(unit) == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("no agency \"", unit, "\" is configured"));
  }

  absl::flat_hash_map<std::string, v1::UnitFigures> by_unit;
  for (const CounterBucket& bucket : BucketsCovering(from, to)) {
    std::string prefix = BucketPrefix(bucket, unit);
    std::string end = prefix;
    end.back() = static_cast<char>(end.back() + 1);
    SX_ASSIGN_OR_RETURN(
        auto counters, store_.ReadCounters(prefix, end, kMaxCountersPerBucket));
    for (const auto& [key, value] : counters) {
      CounterKey parsed;
      if (!ParseCounterKey(key, &parsed)) {
        return absl::DataLossError(
            "storage: a statistics counter is malformed");
      }
      v1::UnitFigures& figures = by_unit[parsed.agency_id];
      AddFigure(parsed.as_sender ? *figures.mutable_as_sender()
                                 : *figures.mutable_as_recipient(),
                parsed.figure, value);
    }
  }

  v1::GetStatisticsResponse response;
  response.set_from_date(request.from_date());
  response.set_to_date(request.to_date());
  auto add_unit = [&](const std::string& agency_id,
                      absl::string_view display_name) {
    v1::UnitFigures& figures = *response.add_units();
    auto found = by_unit.find(agency_id);
    if (found != by_unit.end()) {
      figures = std::move(found->second);
      by_unit.erase(found);
    }
    figures.set_agency_id(agency_id);
    figures.set_display_name(std::string(display_name));
    DeriveSums(*figures.mutable_as_sender());
    DeriveSums(*figures.mutable_as_recipient());
    AddAll(*response.mutable_totals(), figures.as_sender());
  };
  for (const v1::Agency& agency : config->proto().agencies()) {
    if (unit.empty() || agency.id() == unit) {
      add_unit(agency.id(), agency.display_name());
    }
  }
  // Units a reload removed keep their history; list them after, by id.
  std::vector<std::string> removed;
  for (const auto& [agency_id, figures] : by_unit) removed.push_back(agency_id);
  std::sort(removed.begin(), removed.end());
  for (const std::string& agency_id : removed) add_unit(agency_id, "");
  return response;
}

}  // namespace sx::core
