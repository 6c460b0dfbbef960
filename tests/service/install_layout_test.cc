// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// service/install_layout: an installed vigild finds its shipped files from
// its own location, wherever the install is; a build-tree one keeps the
// working-directory defaults.

#include "service/install_layout.h"

#include <filesystem>
#include <string>

#include "gtest/gtest.h"
#include "service/config.h"
#include "testing/test_util.h"

namespace vigil::service {
namespace {

namespace fs = std::filesystem;
using ::vigil::testing::TempDir;
using ::vigil::testing::WriteFileOrDie;

// An install under `prefix`: bin/vigild and, if `with_model`, the model.
std::string MakeInstall(const fs::path& prefix, bool with_model) {
  fs::create_directories(prefix / "bin");
  WriteFileOrDie((prefix / "bin" / "vigild").string(), "");
  const fs::path share = (prefix / "bin" / BinToShareDir()).lexically_normal();
  if (with_model) {
    fs::create_directories(share / "models");
    WriteFileOrDie((share / "models" / "default.toml").string(), "");
  }
  return (prefix / "bin" / "vigild").string();
}

TEST(InstallLayoutTest, ShareFolderIsFoundRelativeToTheExecutable) {
  TempDir dir;
  for (const char* prefix : {"usr", "opt/vigil", "deep/root/usr"}) {
    const fs::path p = fs::path(dir.path()) / prefix;
    const std::string exe = MakeInstall(p, true);
    EXPECT_EQ(ShareDirOf(exe),
              (p / "bin" / BinToShareDir()).lexically_normal().string());
    EXPECT_TRUE(fs::exists(ShareDirOf(exe) + "/models/default.toml"));
  }
  EXPECT_EQ(fs::path(ShareDirOf(MakeInstall(fs::path(dir.path()) / "a", true)))
                .filename(),
            "vigil");
}

TEST(InstallLayoutTest, WithoutTheShippedModelItIsNotAnInstall) {
  TempDir dir;
  EXPECT_EQ(ShareDirOf(MakeInstall(fs::path(dir.path()) / "x", false)), "");
  EXPECT_EQ(ShareDirOf(""), "");
}

TEST(InstallLayoutTest, BuildTreeDefaultsStayRelativeToTheWorkingDirectory) {
  // This test binary is in the build tree, like build/service/vigild.
  EXPECT_EQ(InstalledShareDir(), "");
  EXPECT_EQ(DefaultModelPath(), "models/default.toml");
  EXPECT_EQ(DefaultPwnedSeedFile(), "data/pwned/zxcvbn-common.txt");
  const ServiceConfig c;
  EXPECT_EQ(c.model_path, "models/default.toml");
  EXPECT_EQ(c.geo.city_dbs.size(), 2u);
}

}  // namespace
}  // namespace vigil::service
