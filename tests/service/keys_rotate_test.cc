// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// vigil keys rotate.

#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "testing/mfa_testing.h"
#include "testing/test_util.h"
#include "tools/keys.h"
#include "vigil/engine.h"

namespace vigil::testing {
namespace {

TEST(KeysRotateTest, UsageErrors) {
  std::ostringstream out, err;
  EXPECT_EQ(tools::RunKeysRotate({}, out, err), 2);
  EXPECT_TRUE(absl::StrContains(err.str(), "--key-file is required"));
  EXPECT_EQ(tools::RunKeysRotate({"--nope", "x"}, out, err), 2);
  TempDir dir;
  const std::string key_file = WriteKeyFile(dir.path());
  const std::string before = ReadFileOrDie(key_file);
  for (const auto& [args, says] :
       std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"--key-file", key_file},
            "--store URL is required (or --data-dir DIR)"},
           {{"--key-file", key_file, "--store", "memory:"},
            "--store memory: holds no TOTP secrets"},
           {{"--key-file", key_file, "--store", dir.path()},
            "is not a store URL (rocksdb:DIR, memory: or redis://"},
           {{"--key-file", key_file, "--store", "rocksdb:" + dir.path(),
             "--data-dir", dir.path()},
            "--store and --data-dir name the same thing"}}) {
    std::ostringstream o, e;
    EXPECT_EQ(tools::RunKeysRotate(args, o, e), 2) << e.str();
    EXPECT_TRUE(absl::StrContains(e.str(), says)) << e.str();
  }
  EXPECT_EQ(ReadFileOrDie(key_file), before);  // nothing rotated
}

TEST(KeysRotateTest, ReencryptsUnderANewKey) {
  TempDir dir;
  const std::string key_file = WriteKeyFile(dir.path());
  const std::string data = dir.path() + "/data";
  {
    EngineOptions o;
    o.data_dir = data;
    o.model_path = SourcePath("models/default.toml");
    o.mfa.key_file = key_file;
    auto engine = Engine::Create(std::move(o));
    ASSERT_OK(engine);
    ASSERT_OK((*engine)->mfa()->StartTotpEnrollment("alice", ""));
  }
  std::ostringstream out, err;
  EXPECT_EQ(tools::RunKeysRotate({"--key-file", key_file, "--data-dir", data,
                                  "--key-id=k2"},
                                 out, err),
            0)
      << err.str();
  EXPECT_TRUE(absl::StrContains(out.str(), "re-encrypted 1 TOTP records under key k2"));
  const std::string text = ReadFileOrDie(key_file);
  EXPECT_TRUE(absl::StrContains(text, "\nk2 "));
  EXPECT_FALSE(absl::StrContains(text, "\nk1 "));
  // The same id again is refused and changes nothing.
  EXPECT_EQ(tools::RunKeysRotate({"--key-file", key_file, "--store",
                                  "rocksdb:" + data, "--key-id", "k2"},
                                 out, err),
            1);
  EXPECT_EQ(ReadFileOrDie(key_file), text);
}

}  // namespace
}  // namespace vigil::testing
