#include "client_sdk/sxctl/rectification_items_file.h"

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace sx::sxctl {
namespace {

// Case 3 of docs/CASES.md: problems fed back after an inspection round, each
// with measures, a responsible unit and a deadline.
constexpr char kTwoItems[] =
    "# 第一轮巡察反馈\n"
    "category: 党的领导弱化\n"
    "problem: 落实全面从严治党主体责任不到位\n"
    "measure: 召开专题民主生活会\n"
    "measure: 修订党组议事规则\n"
    "unit: 局党组\n"
    "due: 2025-03-31\n"
    "\n"
    "\n"
    "problem: 公务接待超标准: 2024年超标准接待12次\n"
    "unit: 局办公室\n";

std::string ErrorOf(const std::string& text) {
  absl::StatusOr<std::vector<client::RectificationItemDraft>> items =
      ParseRectificationItems(text, "items.txt");
  EXPECT_FALSE(items.ok()) << text;
  if (items.ok()) return "";
  EXPECT_EQ(items.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(items.status().message());
}

TEST(RectificationItemsFileTest, ReadsBlocksInFileOrder) {
  absl::StatusOr<std::vector<client::RectificationItemDraft>> items =
      ParseRectificationItems(kTwoItems, "items.txt");
  ASSERT_TRUE(items.ok()) << items.status();
  ASSERT_EQ(items->size(), 2u);
  const client::RectificationItemDraft& first = (*items)[0];
  EXPECT_EQ(first.category, "党的领导弱化");
  EXPECT_EQ(first.problem, "落实全面从严治党主体责任不到位");
  EXPECT_EQ(first.measures, (std::vector<std::string>{"召开专题民主生活会",
                                                      "修订党组议事规则"}));
  EXPECT_EQ(first.responsible_unit, "局党组");
  // The end of 2025-03-31 in China Standard Time.
  EXPECT_EQ(first.due_at, absl::FromUnixSeconds(1743436800));
  const client::RectificationItemDraft& second = (*items)[1];
  EXPECT_EQ(second.problem, "公务接待超标准: 2024年超标准接待12次")
      << "only the first colon separates";
  EXPECT_EQ(second.category, "");
  EXPECT_TRUE(second.measures.empty());
  EXPECT_EQ(second.due_at, absl::InfinitePast()) << "the referral's due date";
}

TEST(RectificationItemsFileTest, TakesWhatWindowsEditorsWrite) {
  const std::string text =
      "\xEF\xBB\xBF"
      "Problem：公务用车管理不规范\r\n"
      "  unit ： 局办公室  \r\n"
      "   \r\n"
      "problem: 干部档案审核不严\r\n";
  absl::StatusOr<std::vector<client::RectificationItemDraft>> items =
      ParseRectificationItems(text, "items.txt");
  ASSERT_TRUE(items.ok()) << items.status();
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ((*items)[0].problem, "公务用车管理不规范");
  EXPECT_EQ((*items)[0].responsible_unit, "局办公室");
  EXPECT_EQ((*items)[1].problem, "干部档案审核不严");
}

TEST(RectificationItemsFileTest, NamesTheLineOfEachMistake) {
  EXPECT_EQ(ErrorOf(""),
            "items.txt: no items (each item needs a \"problem:\" "
            "line)");
  EXPECT_EQ(ErrorOf("# only a comment\n\n"),
            "items.txt: no items (each item needs a \"problem:\" line)");
  EXPECT_EQ(ErrorOf("problem: a\n\nunit: 局办公室\nmeasure: m\n"),
            "items.txt:3: this item has no \"problem:\" line, which every "
            "item needs");
  EXPECT_EQ(ErrorOf("problem: a\nproblem: b\n"),
            "items.txt:2: problem given twice in one item (first on line 1); "
            "separate items with a blank line");
  EXPECT_EQ(ErrorOf("problem: a\nunit: x\ncategory: c\nunit: y\n"),
            "items.txt:4: unit given twice in one item (first on line 2); "
            "separate items with a blank line");
  EXPECT_EQ(ErrorOf("problem: a\nowner: x\n"),
            "items.txt:2: unknown field 'owner' (fields: problem, category, "
            "measure, unit or due)");
  EXPECT_EQ(ErrorOf("problem: a\n公务接待超标准\n"),
            "items.txt:2: expected \"field: value\" with a field of problem, "
            "category, measure, unit or due");
  EXPECT_EQ(ErrorOf("problem: a\n问题：公务接待超标准\n"),
            "items.txt:2: expected \"field: value\" with a field of problem, "
            "category, measure, unit or due")
      << "a field name that is not ASCII is not quoted: it may be content";
  EXPECT_EQ(ErrorOf("problem:\n"), "items.txt:1: empty problem");
  EXPECT_EQ(ErrorOf("problem: a\nmeasure:   \n"), "items.txt:2: empty measure");
  EXPECT_EQ(ErrorOf("problem: a\n\nproblem: b\ndue: 2025-3-31\n"),
            "items.txt:4: due '2025-3-31' is not a date such as 2025-03-31 "
            "(by the end of that day, China Standard Time) or an RFC 3339 "
            "time such as 2025-03-31T18:00:00+08:00");
  EXPECT_EQ(ErrorOf("problem: a\nunit: \xbe\xd6\xb0\xec\n"),  // 局办 in GBK
            "items.txt:2: not valid UTF-8 (save the file as UTF-8)");
}

TEST(RectificationItemsFileTest, ReadingAMissingFileNamesIt) {
  absl::StatusOr<std::vector<client::RectificationItemDraft>> items =
      ReadRectificationItemsFile("/nonexistent/items.txt");
  ASSERT_FALSE(items.ok());
  EXPECT_EQ(items.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(items.status().message().find("/nonexistent/items.txt"),
            absl::string_view::npos);
}

}  // namespace
}  // namespace sx::sxctl
