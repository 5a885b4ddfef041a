// A small Prometheus-style metrics registry: counter, gauge and histogram
// families with labels, gauges computed when scraped, and the text
// exposition format 0.0.4 for GET /metrics.
//
//   MetricsRegistry registry;
//   absl::StatusOr<CounterFamily*> requests = registry.Counter(
//       "sxhub_requests_total", "Calls handled.", {"method", "code"});
//   if (!requests.ok()) return requests.status();
//   (*requests)->Add({"SubmitReferral", "OK"}, 1);
//   std::string page = registry.RenderText();
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "sx/metrics/internal/series_table.h"

namespace sx::metrics {

// One value per label name of the family, in the same order. Braced lists
// of literals or std::strings convert: `{"SubmitReferral", code}`.
using LabelValues = absl::Span<const absl::string_view>;

// What a callback gauge reports at scrape time: (label values, value) pairs.
using GaugeSamples = std::vector<std::pair<std::vector<std::string>, double>>;
using GaugeSampler = std::function<GaugeSamples()>;

// 0.5 ms .. 5 s, for RPC latencies in seconds.
std::vector<double> LatencyBucketsSeconds();

// What every family shares; the registry renders families through this.
// Thread-safe.
class MetricFamily {
 public:
  virtual ~MetricFamily() = default;
  MetricFamily(const MetricFamily&) = delete;
  MetricFamily& operator=(const MetricFamily&) = delete;

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  // "counter", "gauge" or "histogram".
  const std::string& type() const { return type_; }
  const std::vector<std::string>& label_names() const { return label_names_; }

  // Appends the # HELP and # TYPE lines and every sample.
  virtual void AppendText(std::string* out) const = 0;

 protected:
  MetricFamily(std::string name, std::string help, std::string type,
               std::vector<std::string> label_names);

  // Wrong label counts are a programming error: asserted in debug builds,
  // and the sample is dropped in release builds.
  bool HasArity(LabelValues label_values) const;
  void AppendHeader(std::string* out) const;
  // Families without labels show a zero sample before the first update.
  bool ShowsZeroSample() const { return label_names_.empty(); }

 private:
  const std::string name_;
  const std::string help_;
  const std::string type_;
  const std::vector<std::string> label_names_;
};

// A monotonically increasing value per label set. Thread-safe; Add on an
// existing series takes a shared lock and an atomic compare-exchange.
class CounterFamily final : public MetricFamily {
 public:
  CounterFamily(std::string name, std::string help,
                std::vector<std::string> label_names);

  // REQUIRES: label_values.size() == label_names().size(), amount >= 0
  // (negative or NaN amounts are ignored).
  void Add(LabelValues label_values, double amount = 1);
  // 0 if the series does not exist yet.
  double Value(LabelValues label_values) const;

  void AppendText(std::string* out) const override;

 private:
  internal::SeriesTable<std::atomic<double>> series_;
};

// A value per label set that goes up and down. Thread-safe, cheap as above.
class GaugeFamily final : public MetricFamily {
 public:
  GaugeFamily(std::string name, std::string help,
              std::vector<std::string> label_names);

  // REQUIRES: label_values.size() == label_names().size()
  void Set(LabelValues label_values, double value);
  void Add(LabelValues label_values, double delta);
  double Value(LabelValues label_values) const;

  void AppendText(std::string* out) const override;

 private:
  internal::SeriesTable<std::atomic<double>> series_;
};

// Observations counted into fixed buckets (upper bounds, inclusive) per
// label set. Thread-safe; Observe takes a shared lock and two atomic
// operations. A scrape racing with Observe may see _sum and the buckets of
// slightly different moments; _count always equals the +Inf bucket.
class HistogramFamily final : public MetricFamily {
 public:
  struct Snapshot {
    // Cumulative counts per bound, then the +Inf bucket.
    std::vector<uint64_t> cumulative_counts;
    double sum = 0;
    uint64_t count = 0;
  };

  // REQUIRES: `bounds` strictly increasing and finite (MetricsRegistry checks).
  HistogramFamily(std::string name, std::string help,
                  std::vector<std::string> label_names,
                  std::vector<double> bounds);

  // REQUIRES: label_values.size() == label_names().size(); NaN is ignored.
  void Observe(LabelValues label_values, double value);
  // All zeros if the series does not exist yet.
  Snapshot Read(LabelValues label_values) const;
  const std::vector<double>& bounds() const { return bounds_; }

  void AppendText(std::string* out) const override;

 private:
  struct Cell {
    explicit Cell(size_t bucket_count);
    std::unique_ptr<std::atomic<uint64_t>[]> buckets;  // not cumulative
    std::atomic<double> sum{0};
  };
  Snapshot ReadCell(const Cell* cell) const;

  const std::vector<double> bounds_;
  internal::SeriesTable<Cell> series_;
};

// A gauge whose samples come from a function called at each scrape, for
// values that are cheaper to compute on demand (queue depths, overdue
// counts). Thread-safe: calls to the sampler are serialized, so it need not
// be reentrant, but it runs on the scraping thread and must not block long.
class CallbackGaugeFamily final : public MetricFamily {
 public:
  CallbackGaugeFamily(std::string name, std::string help,
                      std::vector<std::string> label_names,
                      GaugeSampler sampler);

  // Samples with the wrong number of label values are skipped, and of
  // duplicate label sets only the first is shown.
  void AppendText(std::string* out) const override;

 private:
  mutable absl::Mutex sampler_mu_;
  const GaugeSampler sampler_ ABSL_GUARDED_BY(sampler_mu_);
};

// Owns the families. Thread-safe. Families live as long as the registry, so
// the returned pointers may be kept. Registering a name again with the same
// type, help, labels (and buckets) returns the existing family; anything else
// under a taken name is AlreadyExists.
class MetricsRegistry {
 public:
  MetricsRegistry() = default;
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  absl::StatusOr<CounterFamily*> Counter(absl::string_view name,
                                         absl::string_view help,
                                         std::vector<std::string> label_names);
  absl::StatusOr<GaugeFamily*> Gauge(absl::string_view name,
                                     absl::string_view help,
                                     std::vector<std::string> label_names);
  // `bounds`: bucket upper bounds, strictly increasing and finite; "+Inf" is
  // implied. No label may be called "le".
  absl::StatusOr<HistogramFamily*> Histogram(
      absl::string_view name, absl::string_view help,
      std::vector<std::string> label_names, std::vector<double> bounds);
  // `sampler` is called by every RenderText() for the registry's lifetime,
  // so what it captures must outlive the registry (or the last scrape).
  // Callback gauges cannot be registered twice.
  absl::Status GaugeCallback(absl::string_view name, absl::string_view help,
                             std::vector<std::string> label_names,
                             GaugeSampler sampler);

  // Families sorted by name, series sorted by label values. Calls the
  // callback gauges' samplers without holding the registry's lock.
  std::string RenderText() const;

 private:
  // Returns the existing family of that name if its shape matches.
  template <typename Family, typename SameShape, typename Make>
  absl::StatusOr<Family*> Register(absl::string_view name,
                                   absl::string_view help,
                                   const std::vector<std::string>& label_names,
                                   bool allow_le, SameShape same_shape,
                                   Make make);

  mutable absl::Mutex mu_;
  std::map<std::string, std::unique_ptr<MetricFamily>, std::less<>> families_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace sx::metrics
