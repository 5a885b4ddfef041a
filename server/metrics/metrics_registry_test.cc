#include "sx/metrics/metrics_registry.h"

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace sx::metrics {
namespace {

TEST(MetricsRegistryTest, RendersSmallRegistryExactly) {
  MetricsRegistry registry;
  absl::StatusOr<CounterFamily*> requests = registry.Counter(
      "sxhub_requests_total", "Calls handled.", {"method", "code"});
  ASSERT_TRUE(requests.ok()) << requests.status();
  absl::StatusOr<GaugeFamily*> up = registry.Gauge("sxhub_up", "1 if up.", {});
  ASSERT_TRUE(up.ok()) << up.status();
  absl::StatusOr<HistogramFamily*> latency = registry.Histogram(
      "sxhub_latency_seconds", "Call latency.", {"method"}, {0.25, 1});
  ASSERT_TRUE(latency.ok()) << latency.status();

  (*requests)->Add({"Submit", "OK"}, 2);
  (*requests)->Add({"Accept", "NOT_FOUND"});
  (*requests)->Add({"Submit", "OK"});
  (*up)->Set({}, 1);
  (*latency)->Observe({"Submit"}, 0.125);
  (*latency)->Observe({"Submit"}, 0.25);  // bounds are inclusive
  (*latency)->Observe({"Submit"}, 0.5);
  (*latency)->Observe({"Submit"}, 7);

  EXPECT_EQ(registry.RenderText(),
            "# HELP sxhub_latency_seconds Call latency.\n"
            "# TYPE sxhub_latency_seconds histogram\n"
            "sxhub_latency_seconds_bucket{method=\"Submit\",le=\"0.25\"} 2\n"
            "sxhub_latency_seconds_bucket{method=\"Submit\",le=\"1\"} 3\n"
            "sxhub_latency_seconds_bucket{method=\"Submit\",le=\"+Inf\"} 4\n"
            "sxhub_latency_seconds_sum{method=\"Submit\"} 7.875\n"
            "sxhub_latency_seconds_count{method=\"Submit\"} 4\n"
            "# HELP sxhub_requests_total Calls handled.\n"
            "# TYPE sxhub_requests_total counter\n"
            "sxhub_requests_total{method=\"Accept\",code=\"NOT_FOUND\"} 1\n"
            "sxhub_requests_total{method=\"Submit\",code=\"OK\"} 3\n"
            "# HELP sxhub_up 1 if up.\n"
            "# TYPE sxhub_up gauge\n"
            "sxhub_up 1\n");
}

TEST(MetricsRegistryTest, UnlabelledFamiliesShowZeroBeforeFirstUpdate) {
  MetricsRegistry registry;
  ASSERT_TRUE(registry.Counter("c_total", "c", {}).ok());
  ASSERT_TRUE(registry.Counter("labelled_total", "l", {"x"}).ok());
  ASSERT_TRUE(registry.Histogram("h", "h", {}, {1}).ok());
  EXPECT_EQ(registry.RenderText(),
            "# HELP c_total c\n"
            "# TYPE c_total counter\n"
            "c_total 0\n"
            "# HELP h h\n"
            "# TYPE h histogram\n"
            "h_bucket{le=\"1\"} 0\n"
            "h_bucket{le=\"+Inf\"} 0\n"
            "h_sum 0\n"
            "h_count 0\n"
            "# HELP labelled_total l\n"
            "# TYPE labelled_total counter\n");
}

TEST(MetricsRegistryTest, EscapesLabelValuesAndHelp) {
  MetricsRegistry registry;
  absl::StatusOr<GaugeFamily*> gauge =
      registry.Gauge("g", "line one\nback\\slash \"quoted\"", {"agency"});
  ASSERT_TRUE(gauge.ok());
  (*gauge)->Set({"a\"b\\c\nd"}, 2.5);
  EXPECT_EQ(registry.RenderText(),
            "# HELP g line one\\nback\\\\slash \"quoted\"\n"
            "# TYPE g gauge\n"
            "g{agency=\"a\\\"b\\\\c\\nd\"} 2.5\n");
}

TEST(MetricsRegistryTest, HistogramBucketsAreCumulative) {
  MetricsRegistry registry;
  absl::StatusOr<HistogramFamily*> latency =
      registry.Histogram("latency_seconds", "l", {}, LatencyBucketsSeconds());
  ASSERT_TRUE(latency.ok());
  for (double seconds : {0.0001, 0.0005, 0.003, 0.003, 0.2, 4.0, 60.0}) {
    (*latency)->Observe({}, seconds);
  }
  HistogramFamily::Snapshot snapshot = (*latency)->Read({});
  // Bounds: 0.0005 0.001 0.0025 0.005 0.01 0.025 0.05 0.1 0.25 0.5 1 2.5 5 +Inf
  EXPECT_EQ(snapshot.cumulative_counts,
            (std::vector<uint64_t>{2, 2, 2, 4, 4, 4, 4, 4, 5, 5, 5, 5, 6, 7}));
  EXPECT_EQ(snapshot.count, 7u);
  EXPECT_DOUBLE_EQ(snapshot.sum, 64.2066);
  const std::string text = registry.RenderText();
  EXPECT_TRUE(
      absl::StrContains(text, "latency_seconds_bucket{le=\"0.0025\"} 2\n"));
  EXPECT_TRUE(absl::StrContains(text, "latency_seconds_bucket{le=\"5\"} 6\n"));
  EXPECT_TRUE(
      absl::StrContains(text, "latency_seconds_bucket{le=\"+Inf\"} 7\n"));
  EXPECT_TRUE(absl::StrContains(text, "latency_seconds_count 7\n"));
}

TEST(MetricsRegistryTest, SeriesOrderIsStable) {
  MetricsRegistry registry;
  absl::StatusOr<CounterFamily*> counter =
      registry.Counter("c_total", "c", {"k"});
  ASSERT_TRUE(counter.ok());
  for (const char* key : {"zeta", "alpha", "mid", "beta"}) {
    (*counter)->Add({key});
  }
  EXPECT_EQ(registry.RenderText(),
            "# HELP c_total c\n# TYPE c_total counter\n"
            "c_total{k=\"alpha\"} 1\nc_total{k=\"beta\"} 1\n"
            "c_total{k=\"mid\"} 1\nc_total{k=\"zeta\"} 1\n");
  EXPECT_EQ(registry.RenderText(), registry.RenderText());
}

TEST(MetricsRegistryTest, LabelBoundariesDoNotCollide) {
  MetricsRegistry registry;
  absl::StatusOr<CounterFamily*> counter =
      registry.Counter("c_total", "c", {"a", "b"});
  ASSERT_TRUE(counter.ok());
  (*counter)->Add({"x,y", ""});
  (*counter)->Add({"x", "y"});
  EXPECT_EQ((*counter)->Value({"x,y", ""}), 1);
  EXPECT_EQ((*counter)->Value({"x", "y"}), 1);
}

TEST(MetricsRegistryTest, CountersIgnoreNegativeAmounts) {
  MetricsRegistry registry;
  absl::StatusOr<CounterFamily*> counter = registry.Counter("c_total", "c", {});
  ASSERT_TRUE(counter.ok());
  (*counter)->Add({}, 5);
  (*counter)->Add({}, -3);
  EXPECT_EQ((*counter)->Value({}), 5);
}

TEST(MetricsRegistryTest, GaugesGoUpAndDown) {
  MetricsRegistry registry;
  absl::StatusOr<GaugeFamily*> gauge = registry.Gauge("g", "g", {"k"});
  ASSERT_TRUE(gauge.ok());
  (*gauge)->Add({"a"}, 3);
  (*gauge)->Add({"a"}, -5);
  EXPECT_EQ((*gauge)->Value({"a"}), -2);
  (*gauge)->Set({"a"}, 7);
  EXPECT_EQ((*gauge)->Value({"a"}), 7);
  EXPECT_EQ((*gauge)->Value({"never"}), 0);
}

TEST(MetricsRegistryTest, ConcurrentUpdatesAreExact) {
  MetricsRegistry registry;
  absl::StatusOr<CounterFamily*> counter =
      registry.Counter("c_total", "c", {"method", "code"});
  absl::StatusOr<HistogramFamily*> histogram =
      registry.Histogram("h_seconds", "h", {"method"}, {0.5});
  ASSERT_TRUE(counter.ok());
  ASSERT_TRUE(histogram.ok());
  constexpr int kThreads = 8;
  constexpr int kPerThread = 20000;
  const std::vector<std::string> methods = {"A", "B", "C"};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string& method = methods[(t + i) % methods.size()];
        (*counter)->Add({method, "OK"});
        (*histogram)->Observe({method}, i % 2 == 0 ? 0.25 : 1.0);
        if (i % 1000 == 0) registry.RenderText();  // scrapes race updates
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  double total = 0;
  uint64_t observed = 0;
  uint64_t small = 0;
  double sum = 0;
  for (const std::string& method : methods) {
    total += (*counter)->Value({method, "OK"});
    HistogramFamily::Snapshot snapshot = (*histogram)->Read({method});
    observed += snapshot.count;
    small += snapshot.cumulative_counts[0];
    sum += snapshot.sum;
  }
  EXPECT_EQ(total, kThreads * kPerThread);
  EXPECT_EQ(observed, static_cast<uint64_t>(kThreads * kPerThread));
  EXPECT_EQ(small, static_cast<uint64_t>(kThreads * kPerThread / 2));
  EXPECT_DOUBLE_EQ(sum, kThreads * kPerThread / 2 * 1.25);
}

TEST(MetricsRegistryTest, CallbackGaugesAreEvaluatedAtRender) {
  MetricsRegistry registry;
  int depth = 1;
  int calls = 0;
  ASSERT_TRUE(
      registry
          .GaugeCallback("sxhub_inbox_depth", "Unread referrals.", {"agency"},
                         [&] {
                           ++calls;
                           return GaugeSamples{{{"prob-north"}, double(depth)},
                                               {{"court-a"}, 2.0 * depth},
                                               {{"bad", "arity"}, 9},
                                               {{"court-a"}, 99}};
                         })
          .ok());
  EXPECT_EQ(calls, 0);
  const std::string first = registry.RenderText();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(first,
            "# HELP sxhub_inbox_depth Unread referrals.\n"
            "# TYPE sxhub_inbox_depth gauge\n"
            "sxhub_inbox_depth{agency=\"court-a\"} 2\n"
            "sxhub_inbox_depth{agency=\"prob-north\"} 1\n");
  depth = 5;
  const std::string second = registry.RenderText();
  EXPECT_EQ(calls, 2);
  EXPECT_TRUE(
      absl::StrContains(second, "sxhub_inbox_depth{agency=\"court-a\"} 10\n"));
  EXPECT_TRUE(absl::StrContains(
      second, "sxhub_inbox_depth{agency=\"prob-north\"} 5\n"));
}

TEST(MetricsRegistryTest, CallbackMayRegisterMetricsWithoutDeadlock) {
  MetricsRegistry registry;
  ASSERT_TRUE(registry
                  .GaugeCallback("a_gauge", "a", {},
                                 [&registry] {
                                   // The registry lock is not held here.
                                   (void)registry.Counter("b_total", "b", {});
                                   return GaugeSamples{{{}, 1}};
                                 })
                  .ok());
  EXPECT_TRUE(absl::StrContains(registry.RenderText(), "a_gauge 1\n"));
  EXPECT_TRUE(absl::StrContains(registry.RenderText(), "b_total 0\n"));
}

TEST(MetricsRegistryTest, SameShapeReturnsSameFamily) {
  MetricsRegistry registry;
  absl::StatusOr<CounterFamily*> first =
      registry.Counter("c_total", "c", {"k"});
  absl::StatusOr<CounterFamily*> second =
      registry.Counter("c_total", "c", {"k"});
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*first, *second);
}

TEST(MetricsRegistryTest, RejectsConflictsAndBadNames) {
  MetricsRegistry registry;
  ASSERT_TRUE(registry.Counter("c_total", "c", {"k"}).ok());
  EXPECT_EQ(registry.Counter("c_total", "c", {"other"}).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(registry.Gauge("c_total", "c", {"k"}).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(registry.Counter("bad-name", "x", {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(registry.Counter("x_total", "x", {"__reserved"}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(registry.Counter("x_total", "x", {"k", "k"}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(registry.Histogram("h", "h", {"le"}, {1}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(registry.Histogram("h", "h", {}, {1, 1}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(registry.Histogram("h", "h", {}, {2, 1}).status().code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(registry.Histogram("h", "h", {}, {1, 2}).ok());
  EXPECT_EQ(registry.Histogram("h", "h", {}, {1, 3}).status().code(),
            absl::StatusCode::kAlreadyExists);
  ASSERT_TRUE(
      registry.GaugeCallback("cb", "cb", {}, [] { return GaugeSamples{}; })
          .ok());
  EXPECT_EQ(
      registry.GaugeCallback("cb", "cb", {}, [] { return GaugeSamples{}; })
          .code(),
      absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(registry.GaugeCallback("cb2", "cb", {}, nullptr).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sx::metrics
