// Reads a listing page after page until the hub says there is no more (the
// --all of the list commands), refusing a hub that answers a page token with
// a page that continues from the same token, which would loop forever.
//
//   ReadEveryPage<client::DistributionPage>(
//       query, [&](const auto& q) { return exchange.ListDistributions(q); },
//       &client::DistributionPage::distributions);
#pragma once

#include <functional>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace sx::sxctl {

template <typename Page, typename Query, typename Item>
absl::StatusOr<Page> ReadEveryPage(
    Query query, const std::function<absl::StatusOr<Page>(const Query&)>& read,
    std::vector<Item> Page::*items) {
  Page all;
  while (true) {
    absl::StatusOr<Page> page = read(query);
    if (!page.ok()) return page.status();
    for (Item& item : (*page).*items) (all.*items).push_back(std::move(item));
    if (page->next_page_token.empty()) return all;
    if (page->next_page_token == query.page_token) {
      return absl::DataLossError(
          absl::StrCat("the hub answered page token ", query.page_token,
                       " with a page that continues from the same token"));
    }
    query.page_token = std::move(page->next_page_token);
  }
}

}  // namespace sx::sxctl
