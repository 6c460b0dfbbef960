// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// vigil keys rotate.

#include <sstream>
#include <string>

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
  EXPECT_TRUE(absl::StrContains(err.str(), "--key-file and --data-dir are required"));
  EXPECT_EQ(tools::RunKeysRotate({"--nope", "x"}, out, err), 2);
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
  EXPECT_EQ(tools::RunKeysRotate({"--key-file", key_file, "--data-dir", data,
                                  "--key-id", "k2"},
                                 out, err),
            1);
  EXPECT_EQ(ReadFileOrDie(key_file), text);
}

}  // namespace
}  // namespace vigil::testing
