# cmake -DOUT=assets.cc "-DASSETS=name|type|path!name|type|path..." -P embed_assets.cmake
# Writes a C++ file with one char array per file and the kConsoleAssets
# table of console_assets.h (every asset is text, served as UTF-8).
# "!" separates entries (";" would split the argument), "|" the fields of
# one.
set(body "#include \"server/console/console_assets.h\"\n\n#include <cstring>\n\nnamespace sx::console {\nnamespace {\n")
set(table "")
set(count 0)
string(REPLACE "!" ";" ASSETS "${ASSETS}")
foreach(entry IN LISTS ASSETS)
  string(REPLACE "|" ";" parts "${entry}")
  list(GET parts 0 name)
  list(GET parts 1 type)
  list(GET parts 2 path)
  file(READ "${path}" hex HEX)
  file(SIZE "${path}" size)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
  string(APPEND body "const char kData${count}[] = {${bytes}0};\n")
  string(APPEND table "    {\"${name}\", \"${type}; charset=utf-8\", kData${count}, ${size}},\n")
  math(EXPR count "${count} + 1")
endforeach()
string(APPEND body "}  // namespace\n\nconst ConsoleAsset kConsoleAssets[] = {\n${table}};\nconst size_t kConsoleAssetCount = ${count};\n\n")
string(APPEND body "const ConsoleAsset* FindConsoleAsset(const char* name) {\n  for (size_t i = 0; i < kConsoleAssetCount; ++i) {\n    if (std::strcmp(kConsoleAssets[i].name, name) == 0) return &kConsoleAssets[i];\n  }\n  return nullptr;\n}\n\n}  // namespace sx::console\n")
file(WRITE "${OUT}" "${body}")
