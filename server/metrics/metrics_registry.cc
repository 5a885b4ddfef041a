#include "sx/metrics/metrics_registry.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/metrics/exposition_text.h"

namespace sx::metrics {
namespace {

// std::atomic<double>::fetch_add is C++20.
void AtomicAdd(std::atomic<double>& target, double delta) {
  double current = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(current, current + delta,
                                       std::memory_order_relaxed)) {
  }
}

void AppendSample(absl::string_view name, const std::vector<std::string>& names,
                  const std::vector<std::string>& values, double value,
                  std::string* out) {
  out->append(name.data(), name.size());
  AppendLabelSet(names, values, "", "", out);
  absl::StrAppend(out, " ", FormatSampleValue(value), "\n");
}

absl::Status CheckLabelNames(absl::string_view metric,
                             const std::vector<std::string>& label_names,
                             bool allow_le) {
  absl::flat_hash_set<absl::string_view> seen;
  for (const std::string& label : label_names) {
    if (!IsValidLabelName(label)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "metric ", metric, ": label name \"", label,
          "\" must match [a-zA-Z_][a-zA-Z0-9_]* and not start with __"));
    }
    if (!allow_le && label == "le") {
      return absl::InvalidArgumentError(absl::StrCat(
          "histogram ", metric, ": the label name \"le\" is reserved"));
    }
    if (!seen.insert(label).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "metric ", metric, ": label name \"", label, "\" appears twice"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<double> LatencyBucketsSeconds() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
          0.1,    0.25,  0.5,    1,     2.5,  5};
}

// MetricFamily ---------------------------------------------------------------

MetricFamily::MetricFamily(std::string name, std::string help, std::string type,
                           std::vector<std::string> label_names)
    : name_(std::move(name)),
      help_(std::move(help)),
      type_(std::move(type)),
      label_names_(std::move(label_names)) {}

bool MetricFamily::HasArity(LabelValues label_values) const {
  const bool ok = label_values.size() == label_names_.size();
  assert(ok && "label value count differs from the family's label names");
  return ok;
}

void MetricFamily::AppendHeader(std::string* out) const {
  absl::StrAppend(out, "# HELP ", name_, " ", EscapeHelp(help_), "\n",
                  "# TYPE ", name_, " ", type_, "\n");
}

// CounterFamily --------------------------------------------------------------

CounterFamily::CounterFamily(std::string name, std::string help,
                             std::vector<std::string> label_names)
    : MetricFamily(std::move(name), std::move(help), "counter",
                   std::move(label_names)) {}

void CounterFamily::Add(LabelValues label_values, double amount) {
  if (!HasArity(label_values) || !(amount >= 0)) return;
  AtomicAdd(series_.GetOrCreate(label_values, 0.0), amount);
}

double CounterFamily::Value(LabelValues label_values) const {
  const std::atomic<double>* cell = series_.Find(label_values);
  return cell == nullptr ? 0 : cell->load(std::memory_order_relaxed);
}

void CounterFamily::AppendText(std::string* out) const {
  AppendHeader(out);
  auto all = series_.Sorted();
  if (all.empty() && ShowsZeroSample()) {
    AppendSample(name(), {}, {}, 0, out);
  }
  for (const auto& series : all) {
    AppendSample(name(), label_names(), series.label_values,
                 series.cell->load(std::memory_order_relaxed), out);
  }
}

// GaugeFamily ----------------------------------------------------------------

GaugeFamily::GaugeFamily(std::string name, std::string help,
                         std::vector<std::string> label_names)
    : MetricFamily(std::move(name), std::move(help), "gauge",
                   std::move(label_names)) {}

void GaugeFamily::Set(LabelValues label_values, double value) {
  if (!HasArity(label_values)) return;
  series_.GetOrCreate(label_values, 0.0)
      .store(value, std::memory_order_relaxed);
}

void GaugeFamily::Add(LabelValues label_values, double delta) {
  if (!HasArity(label_values)) return;
  AtomicAdd(series_.GetOrCreate(label_values, 0.0), delta);
}

double GaugeFamily::Value(LabelValues label_values) const {
  const std::atomic<double>* cell = series_.Find(label_values);
  return cell == nullptr ? 0 : cell->load(std::memory_order_relaxed);
}

void GaugeFamily::AppendText(std::string* out) const {
  AppendHeader(out);
  auto all = series_.Sorted();
  if (all.empty() && ShowsZeroSample()) {
    AppendSample(name(), {}, {}, 0, out);
  }
  for (const auto& series : all) {
    AppendSample(name(), label_names(), series.label_values,
                 series.cell->load(std::memory_order_relaxed), out);
  }
}

// HistogramFamily ------------------------------------------------------------

HistogramFamily::Cell::Cell(size_t bucket_count)
    : buckets(new std::atomic<uint64_t>[bucket_count]) {
  for (size_t i = 0; i < bucket_count; ++i) buckets[i].store(0);
}

HistogramFamily::HistogramFamily(std::string name, std::string help,
                                 std::vector<std::string> label_names,
                                 std::vector<double> bounds)
    : MetricFamily(std::move(name), std::move(help), "histogram",
                   std::move(label_names)),
      bounds_(std::move(bounds)) {}

void HistogramFamily::Observe(LabelValues label_values, double value) {
  if (!HasArity(label_values) || std::isnan(value)) return;
  Cell& cell = series_.GetOrCreate(label_values, bounds_.size() + 1);
  // Upper bounds are inclusive: the first bound >= value; past the end is
  // the +Inf bucket.
  const size_t bucket =
      std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  cell.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  AtomicAdd(cell.sum, value);
}

HistogramFamily::Snapshot HistogramFamily::ReadCell(const Cell* cell) const {
  Snapshot snapshot;
  snapshot.cumulative_counts.assign(bounds_.size() + 1, 0);
  if (cell == nullptr) return snapshot;
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += cell->buckets[i].load(std::memory_order_relaxed);
    snapshot.cumulative_counts[i] = running;
  }
  snapshot.count = running;
  snapshot.sum = cell->sum.load(std::memory_order_relaxed);
  return snapshot;
}

HistogramFamily::Snapshot HistogramFamily::Read(
    LabelValues label_values) const {
  return ReadCell(series_.Find(label_values));
}

void HistogramFamily::AppendText(std::string* out) const {
  AppendHeader(out);
  auto all = series_.Sorted();
  std::vector<internal::SeriesTable<Cell>::Series> shown(all.begin(),
                                                         all.end());
  if (shown.empty() && ShowsZeroSample()) {
    shown.push_back({{}, nullptr});
  }
  const std::string bucket_name = absl::StrCat(name(), "_bucket");
  for (const auto& series : shown) {
    const Snapshot snapshot = ReadCell(series.cell);
    for (size_t i = 0; i <= bounds_.size(); ++i) {
      const std::string le =
          i < bounds_.size() ? FormatSampleValue(bounds_[i]) : "+Inf";
      out->append(bucket_name);
      AppendLabelSet(label_names(), series.label_values, "le", le, out);
      absl::StrAppend(out, " ", snapshot.cumulative_counts[i], "\n");
    }
    AppendSample(absl::StrCat(name(), "_sum"), label_names(),
                 series.label_values, snapshot.sum, out);
    AppendSample(absl::StrCat(name(), "_count"), label_names(),
                 series.label_values, static_cast<double>(snapshot.count), out);
  }
}

// CallbackGaugeFamily --------------------------------------------------------

CallbackGaugeFamily::CallbackGaugeFamily(std::string name, std::string help,
                                         std::vector<std::string> label_names,
                                         GaugeSampler sampler)
    : MetricFamily(std::move(name), std::move(help), "gauge",
                   std::move(label_names)),
      sampler_(std::move(sampler)) {}

void CallbackGaugeFamily::AppendText(std::string* out) const {
  GaugeSamples samples;
  {
    absl::MutexLock lock(&sampler_mu_);
    samples = sampler_();
  }
  std::stable_sort(
      samples.begin(), samples.end(),
      [](const auto& a, const auto& b) { return a.first < b.first; });
  AppendHeader(out);
  const std::vector<std::string>* previous = nullptr;
  for (const auto& [label_values, value] : samples) {
    if (label_values.size() != label_names().size()) continue;
    if (previous != nullptr && *previous == label_values) continue;
    previous = &label_values;
    AppendSample(name(), label_names(), label_values, value, out);
  }
}

// MetricsRegistry ------------------------------------------------------------

template <typename Family, typename SameShape, typename Make>
absl::StatusOr<Family*> MetricsRegistry::Register(
    absl::string_view name, absl::string_view help,
    const std::vector<std::string>& label_names, bool allow_le,
    SameShape same_shape, Make make) {
  if (!IsValidMetricName(name)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "metric name \"", name, "\" must match [a-zA-Z_:][a-zA-Z0-9_:]*"));
  }
  absl::Status labels_ok = CheckLabelNames(name, label_names, allow_le);
  if (!labels_ok.ok()) return labels_ok;

  absl::MutexLock lock(&mu_);
  auto it = families_.find(std::string(name));
  if (it != families_.end()) {
    auto* existing = dynamic_cast<Family*>(it->second.get());
    if (existing != nullptr && existing->help() == help &&
        existing->label_names() == label_names && same_shape(*existing)) {
      return existing;
    }
    return absl::AlreadyExistsError(absl::StrCat(
        "metric ", name, " is already registered as a ", it->second->type(),
        " with labels {", absl::StrJoin(it->second->label_names(), ","),
        "} and different help, labels or buckets"));
  }
  std::unique_ptr<Family> family = make();
  Family* raw = family.get();
  families_.emplace(std::string(name), std::move(family));
  return raw;
}

absl::StatusOr<CounterFamily*> MetricsRegistry::Counter(
    absl::string_view name, absl::string_view help,
    std::vector<std::string> label_names) {
  return Register<CounterFamily>(
      name, help, label_names, /*allow_le=*/true,
      [](const CounterFamily&) { return true; },
      [&] {
        return std::make_unique<CounterFamily>(std::string(name),
                                               std::string(help), label_names);
      });
}

absl::StatusOr<GaugeFamily*> MetricsRegistry::Gauge(
    absl::string_view name, absl::string_view help,
    std::vector<std::string> label_names) {
  return Register<GaugeFamily>(
      name, help, label_names, /*allow_le=*/true,
      [](const GaugeFamily&) { return true; },
      [&] {
        return std::make_unique<GaugeFamily>(std::string(name),
                                             std::string(help), label_names);
      });
}

absl::StatusOr<HistogramFamily*> MetricsRegistry::Histogram(
    absl::string_view name, absl::string_view help,
    std::vector<std::string> label_names, std::vector<double> bounds) {
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i]) || (i > 0 && !(bounds[i - 1] < bounds[i]))) {
      return absl::InvalidArgumentError(absl::StrCat(
          "histogram ", name,
          ": bucket bounds must be finite and strictly increasing"));
    }
  }
  return Register<HistogramFamily>(
      name, help, label_names, /*allow_le=*/false,
      [&](const HistogramFamily& existing) {
        return existing.bounds() == bounds;
      },
      [&] {
        return std::make_unique<HistogramFamily>(
            std::string(name), std::string(help), label_names, bounds);
      });
}

absl::Status MetricsRegistry::GaugeCallback(
    absl::string_view name, absl::string_view help,
    std::vector<std::string> label_names, GaugeSampler sampler) {
  if (sampler == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("callback gauge ", name, ": no sampler"));
  }
  return Register<CallbackGaugeFamily>(
             name, help, label_names, /*allow_le=*/true,
             [](const CallbackGaugeFamily&) { return false; },
             [&] {
               return std::make_unique<CallbackGaugeFamily>(
                   std::string(name), std::string(help), label_names,
                   std::move(sampler));
             })
      .status();
}

std::string MetricsRegistry::RenderText() const {
  std::vector<const MetricFamily*> families;
  {
    absl::MutexLock lock(&mu_);
    families.reserve(families_.size());
    for (const auto& [name, family] : families_) {
      families.push_back(family.get());
    }
  }
  std::string text;
  for (const MetricFamily* family : families) family->AppendText(&text);
  return text;
}

}  // namespace sx::metrics
