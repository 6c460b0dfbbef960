// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "testing/test_util.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace vigil::testing {

TempDir::TempDir() {
  std::string base = ::testing::TempDir();
  std::string templ = base + "/vigil-XXXXXX";
  char* made = mkdtemp(templ.data());
  if (made == nullptr) {
    ADD_FAILURE() << "mkdtemp failed under " << base;
  }
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TestDataPath(const std::string& relative) {
  return std::string(VIGIL_TESTDATA_DIR) + "/" + relative;
}

std::string SourcePath(const std::string& relative) {
  return std::string(VIGIL_SOURCE_DIR) + "/" + relative;
}

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot read " << path;
    return "";
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void WriteFileOrDie(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
  if (!out) ADD_FAILURE() << "cannot write " << path;
}

}  // namespace vigil::testing
