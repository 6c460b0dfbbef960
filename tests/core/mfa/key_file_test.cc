// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// CreateTotpKeyFileIfMissing: the key file of a first start.

#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "mfa/keyring.h"
#include "testing/engine_fixture.h"
#include "testing/mfa_testing.h"
#include "vigil/mfa.h"
#include "vigil/store.h"

namespace vigil::testing {
namespace {

std::unique_ptr<Store> OpenStore(const std::string& dir) {
  RocksDbOptions ro;
  ro.path = dir;
  absl::StatusOr<std::unique_ptr<Store>> store = OpenRocksDbStore(ro);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? *std::move(store) : nullptr;
}

TEST(TotpKeyFileTest, CreatedOnceAsAReadableKeyRingWithMode0600) {
  TempDir data;
  const std::string path = data.path() + "/mfa.key";
  std::unique_ptr<Store> store = OpenStore(data.path() + "/db");
  ASSERT_NE(store, nullptr);
  absl::StatusOr<bool> created =
      CreateTotpKeyFileIfMissing(store.get(), path, "k20260101T000000");
  ASSERT_OK(created);
  EXPECT_TRUE(*created);
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  absl::StatusOr<internal::KeyRing> ring = internal::KeyRing::LoadFile(path);
  ASSERT_OK(ring);
  EXPECT_EQ(ring->current_id(), "k20260101T000000");
  // No temporary file is left beside it.
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(data.path())) {
    files += e.is_regular_file() ? 1 : 0;
  }
  EXPECT_EQ(files, 1);

  // Later starts reuse it, whatever key id they would have used.
  const std::string text = ReadFileOrDie(path);
  created = CreateTotpKeyFileIfMissing(store.get(), path, "k2");
  ASSERT_OK(created);
  EXPECT_FALSE(*created);
  EXPECT_EQ(ReadFileOrDie(path), text);
}

TEST(TotpKeyFileTest, TwoFirstStartsMakeTwoDifferentKeys) {
  TempDir a, b;
  std::unique_ptr<Store> store = OpenStore(a.path() + "/db");
  ASSERT_NE(store, nullptr);
  ASSERT_OK(CreateTotpKeyFileIfMissing(store.get(), a.path() + "/k", "k1"));
  ASSERT_OK(CreateTotpKeyFileIfMissing(store.get(), b.path() + "/k", "k1"));
  EXPECT_NE(ReadFileOrDie(a.path() + "/k"), ReadFileOrDie(b.path() + "/k"));
}

TEST(TotpKeyFileTest, MissingWhileTheStoreHoldsTotpSecretsIsRefused) {
  TempDir keys, data;
  const std::string key_file = WriteKeyFile(keys.path());
  {
    EngineOptions o;
    o.data_dir = data.path();
    o.model = *Model::FromString(ChallengeAllModel(), "m.toml");
    o.mfa.key_file = key_file;
    absl::StatusOr<std::unique_ptr<Engine>> engine =
        Engine::Create(std::move(o));
    ASSERT_OK(engine);
    ASSERT_OK((*engine)->mfa()->StartTotpEnrollment("alice", ""));
  }
  std::unique_ptr<Store> store = OpenStore(data.path());
  ASSERT_NE(store, nullptr);
  const std::string lost = keys.path() + "/lost.key";
  absl::StatusOr<bool> created =
      CreateTotpKeyFileIfMissing(store.get(), lost, "k9");
  EXPECT_TRUE(absl::IsFailedPrecondition(created.status())) << created.status();
  EXPECT_TRUE(absl::StrContains(created.status().message(),
                                "the store holds TOTP secrets"));
  EXPECT_FALSE(std::filesystem::exists(lost));
}

}  // namespace
}  // namespace vigil::testing
