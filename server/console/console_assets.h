// The console's pages, script and style, and the Bootstrap, Popper and
// Chart.js files of Debian's libjs packages, compiled in at build time
// (embed_assets.cmake): the console loads nothing from elsewhere.
#pragma once

#include <cstddef>

namespace sx::console {

struct ConsoleAsset {
  const char* name;          // path under /assets/, or a page's file name
  const char* content_type;
  const char* data;
  size_t size;
};

extern const ConsoleAsset kConsoleAssets[];
extern const size_t kConsoleAssetCount;

// The asset named `name`, or null.
const ConsoleAsset* FindConsoleAsset(const char* name);

}  // namespace sx::console
