// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/install_layout.h"

#include <filesystem>
#include <string>
#include <system_error>

#include "vigil_install_dirs.h"

namespace vigil::service {

namespace fs = std::filesystem;

const char* BinToShareDir() { return VIGIL_INSTALL_BIN_TO_SHARE; }

std::string ShareDirOf(const std::string& executable) {
  if (executable.empty()) return "";
  const fs::path share =
      (fs::path(executable).parent_path() / VIGIL_INSTALL_BIN_TO_SHARE)
          .lexically_normal();
  std::error_code ec;
  if (!fs::is_regular_file(share / "models" / "default.toml", ec)) return "";
  std::string s = share.string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

const std::string& InstalledShareDir() {
  static const std::string* const dir = [] {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return new std::string(ec ? "" : ShareDirOf(exe.string()));
  }();
  return *dir;
}

std::string DefaultModelPath() {
  const std::string& share = InstalledShareDir();
  return share.empty() ? "models/default.toml" : share + "/models/default.toml";
}

std::string DefaultPwnedSeedFile() {
  const std::string& share = InstalledShareDir();
  return share.empty() ? "data/pwned/zxcvbn-common.txt"
                       : share + "/pwned/zxcvbn-common.txt";
}

}  // namespace vigil::service
