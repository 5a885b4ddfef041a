#include "server/metrics/exposition_text.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"

namespace sx::metrics {
namespace {

TEST(ExpositionTextTest, MetricNames) {
  EXPECT_TRUE(IsValidMetricName("sxhub_requests_total"));
  EXPECT_TRUE(IsValidMetricName("job:rate5m"));
  EXPECT_TRUE(IsValidMetricName("_x9"));
  EXPECT_FALSE(IsValidMetricName(""));
  EXPECT_FALSE(IsValidMetricName("9lives"));
  EXPECT_FALSE(IsValidMetricName("with-dash"));
  EXPECT_FALSE(IsValidMetricName("sp ace"));
}

TEST(ExpositionTextTest, LabelNames) {
  EXPECT_TRUE(IsValidLabelName("method"));
  EXPECT_TRUE(IsValidLabelName("_a1"));
  EXPECT_FALSE(IsValidLabelName("__name__"));
  EXPECT_FALSE(IsValidLabelName("a:b"));
  EXPECT_FALSE(IsValidLabelName("1a"));
  EXPECT_FALSE(IsValidLabelName(""));
}

TEST(ExpositionTextTest, EscapesLabelValuesAndHelp) {
  EXPECT_EQ(EscapeLabelValue("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  EXPECT_EQ(EscapeHelp("a\\b\"c\nd"), "a\\\\b\"c\\nd");
  EXPECT_EQ(EscapeLabelValue("plain"), "plain");
}

TEST(ExpositionTextTest, FormatsValuesShortestExact) {
  EXPECT_EQ(FormatSampleValue(0), "0");
  EXPECT_EQ(FormatSampleValue(3), "3");
  EXPECT_EQ(FormatSampleValue(-2), "-2");
  EXPECT_EQ(FormatSampleValue(1234567890), "1234567890");
  EXPECT_EQ(FormatSampleValue(0.0005), "0.0005");
  EXPECT_EQ(FormatSampleValue(2.5), "2.5");
  EXPECT_EQ(FormatSampleValue(0.1), "0.1");
  EXPECT_EQ(FormatSampleValue(1e300), "1e+300");
  EXPECT_EQ(FormatSampleValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatSampleValue(-std::numeric_limits<double>::infinity()),
            "-Inf");
  EXPECT_EQ(FormatSampleValue(std::nan("")), "NaN");
  const double third = 1.0 / 3.0;
  EXPECT_EQ(std::stod(FormatSampleValue(third)), third);
}

TEST(ExpositionTextTest, LabelSets) {
  std::string out;
  AppendLabelSet({}, {}, "", "", &out);
  EXPECT_EQ(out, "");
  AppendLabelSet({"a", "b"}, {"x", "y\"z"}, "", "", &out);
  EXPECT_EQ(out, "{a=\"x\",b=\"y\\\"z\"}");
  out.clear();
  AppendLabelSet({"a"}, {"x"}, "le", "0.5", &out);
  EXPECT_EQ(out, "{a=\"x\",le=\"0.5\"}");
  out.clear();
  AppendLabelSet({}, {}, "le", "+Inf", &out);
  EXPECT_EQ(out, "{le=\"+Inf\"}");
}

}  // namespace
}  // namespace sx::metrics
