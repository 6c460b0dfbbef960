// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The RocksDB files, read raw, hold no TOTP secret, one-time code or device
// key in clear text; TOTP secrets survive a key rotation.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "testing/engine_fixture.h"
#include "testing/mfa_testing.h"
#include "vigil/mfa.h"
#include "vigil/store.h"

namespace vigil::testing {
namespace {

std::string Base32Decode(const std::string& in) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : in) {
    int v = c >= 'A' && c <= 'Z' ? c - 'A' : c >= '2' && c <= '7' ? c - '2' + 26 : -1;
    if (v < 0) continue;
    buffer = (buffer << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<char>((buffer >> (bits - 8)) & 0xff));
      bits -= 8;
    }
  }
  return out;
}

struct RawFile {
  std::string name;
  std::string bytes;
};

std::vector<RawFile> ReadAllFiles(const std::string& dir) {
  std::vector<RawFile> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    files.push_back({entry.path().filename().string(),
                     ReadFileOrDie(entry.path().string())});
  }
  return files;
}

TEST(SecretsAtRestTest, RawRocksDbFilesHoldNoSecretCodeOrDeviceKey) {
  TempDir keys;
  auto email = std::make_shared<RecordingSender>();
  MfaOptions o;
  o.key_file = WriteKeyFile(keys.path());
  o.email_sender = email;
  EngineFixture f(ChallengeAllModel(), false, o);
  MfaService& mfa = *f.engine().mfa();
  const int64_t t0 = absl::ToUnixSeconds(f.clock().Now());

  // TOTP: enrolled and active; then a second, pending enrolment.
  absl::StatusOr<TotpEnrollment> e = mfa.StartTotpEnrollment("alice", "");
  ASSERT_OK(e);
  const std::string secret_b32(e->secret_base32.reveal());
  ASSERT_EQ(*mfa.ConfirmTotp("alice", OathtoolCode(secret_b32, t0)),
            ChallengeResult::kPassed);
  MfaSettings s;
  s.enabled = {MfaMethod::kTotp, MfaMethod::kEmail};
  s.email = "alice@example.com";
  ASSERT_OK(mfa.SetSettings("alice", s));

  // A passed e-mail code, with a remembered device; then an unused code.
  Decision d = f.Evaluate(f.MakeAttempt("alice", kLondon, kChromeWindows, "fp",
                                        Outcome::kUnknown));
  ASSERT_TRUE(d.challenge);
  ASSERT_OK(mfa.SendCode(d.challenge->id, MfaMethod::kEmail));
  const std::string used_code = email->LastCode();
  VerifyOptions vo;
  vo.remember_device = true;
  absl::StatusOr<VerifyOutcome> r = mfa.VerifyChallenge(d.challenge->id, used_code, vo);
  ASSERT_OK(r);
  ASSERT_EQ(r->result, ChallengeResult::kPassed);
  const std::string device_key(r->device_key.reveal());
  f.clock().Advance(absl::Seconds(31));
  Decision d2 = f.Evaluate(f.MakeAttempt("alice", kLondon, kChromeWindows, "fp",
                                         Outcome::kUnknown));
  ASSERT_TRUE(d2.challenge);
  ASSERT_OK(mfa.SendCode(d2.challenge->id, MfaMethod::kEmail));
  const std::string pending_code = email->LastCode();
  absl::StatusOr<TotpEnrollment> e2 = mfa.StartTotpEnrollment("alice", "");
  ASSERT_OK(e2);
  const std::string pending_b32(e2->secret_base32.reveal());
  f.Close();

  const std::vector<RawFile> files = ReadAllFiles(f.data_dir());
  ASSERT_FALSE(files.empty());
  bool saw_email = false;
  for (const RawFile& file : files) {
    SCOPED_TRACE(file.name);
    saw_email = saw_email || absl::StrContains(file.bytes, "alice@example.com");
    for (const std::string& secret :
         {secret_b32, Base32Decode(secret_b32), pending_b32,
          Base32Decode(pending_b32), device_key}) {
      EXPECT_FALSE(absl::StrContains(file.bytes, secret));
    }
    // RocksDB's own text log (LOG*) holds timestamps whose digits may match
    // a 6-digit code by chance; it never holds records.
    if (!absl::StartsWith(file.name, "LOG")) {
      EXPECT_FALSE(absl::StrContains(file.bytes, used_code));
      EXPECT_FALSE(absl::StrContains(file.bytes, pending_code));
    }
  }
  // The scan does see the records: the (non-secret) e-mail address is there.
  EXPECT_TRUE(saw_email);
}

TEST(SecretsAtRestTest, KeyRotationReencryptsAndTotpStillWorks) {
  TempDir keys, data;
  const std::string key_file = WriteKeyFile(keys.path());
  SimulatedClock clock(absl::FromUnixSeconds(1767225600));
  auto open = [&]() {
    EngineOptions o;
    o.data_dir = data.path();
    o.model = *Model::FromString(ChallengeAllModel(), "m.toml");
    o.clock = &clock;
    o.mfa.key_file = key_file;
    return Engine::Create(std::move(o));
  };
  std::string secret;
  {
    absl::StatusOr<std::unique_ptr<Engine>> engine = open();
    ASSERT_OK(engine);
    auto e = (*engine)->mfa()->StartTotpEnrollment("alice", "");
    ASSERT_OK(e);
    secret = std::string(e->secret_base32.reveal());
    ASSERT_EQ(*(*engine)->mfa()->ConfirmTotp(
                  "alice", OathtoolCode(secret, absl::ToUnixSeconds(clock.Now()))),
              ChallengeResult::kPassed);
  }
  {
    RocksDbOptions ro;
    ro.path = data.path();
    absl::StatusOr<std::unique_ptr<Store>> store = OpenRocksDbStore(ro);
    ASSERT_OK(store);
    absl::StatusOr<int> n = RotateTotpKeys(store->get(), key_file, "k2");
    ASSERT_OK(n);
    EXPECT_EQ(*n, 1);
  }
  const std::string text = ReadFileOrDie(key_file);
  EXPECT_TRUE(absl::StrContains(text, "\nk2 "));
  EXPECT_FALSE(absl::StrContains(text, "\nk1 "));
  EXPECT_EQ(std::filesystem::status(key_file).permissions() &
                std::filesystem::perms::others_read,
            std::filesystem::perms::none);
  clock.Advance(absl::Seconds(60));
  absl::StatusOr<std::unique_ptr<Engine>> engine = open();
  ASSERT_OK(engine);
  Attempt a;
  a.user_id = "alice";
  a.ip = kLondon;
  absl::StatusOr<Decision> d = (*engine)->Evaluate(a);
  ASSERT_OK(d);
  ASSERT_TRUE(d->challenge);
  auto r = (*engine)->mfa()->VerifyChallenge(
      d->challenge->id, OathtoolCode(secret, absl::ToUnixSeconds(clock.Now())), {});
  ASSERT_OK(r);
  EXPECT_EQ(r->result, ChallengeResult::kPassed);
}

}  // namespace
}  // namespace vigil::testing
