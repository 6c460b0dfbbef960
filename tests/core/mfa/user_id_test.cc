// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// One user-id check for the whole library (issue 13, defect 10):
// ValidateUserId (vigil/attempt.h) itself, and every MfaService method that
// takes a user id (settings, TOTP, the devices API) refusing exactly what
// Engine::Evaluate and ListEvents refuse, with the same message, writing
// nothing.

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "testing/engine_fixture.h"
#include "testing/mfa_testing.h"
#include "vigil/attempt.h"
#include "vigil/mfa.h"
#include "vigil/store.h"

namespace vigil::testing {
namespace {

TEST(ValidateUserIdTest, AcceptsUtf8WithoutControls) {
  for (const std::string ok :
       {std::string("alice"), std::string("a"), std::string(256, 'x'),
        std::string("alice@example.com"), std::string("j\xc3\xbcrgen"),  // ü
        std::string("\xe6\x9d\x8e"),                                     // 李
        std::string("\xf0\x9f\x94\x91"),                                 // 🔑
        std::string("\xc2\xa0"),          // U+00A0, just past C1
        std::string("\xef\xbf\xbd"),      // U+FFFD
        std::string("\xf4\x8f\xbf\xbf"),  // U+10FFFF
        std::string("with space"), std::string("~!#$%&'*+/=?^_`{|}")}) {
    EXPECT_TRUE(ValidateUserId(ok).ok()) << ok;
  }
}

TEST(ValidateUserIdTest, RefusesEmptyLongControlsAndInvalidUtf8) {
  struct Case {
    std::string id;
    std::string message;
  };
  const std::string kControls = "user_id: contains control characters";
  const std::string kUtf8 = "user_id: not valid UTF-8";
  const std::vector<Case> cases = {
      {"", "user_id: is required"},
      {std::string(257, 'x'), "user_id: longer than 256 bytes"},
      {std::string("alice\0", 6), kControls},
      {"alice\n", kControls},
      {"\t", kControls},
      {"alice\x1f", kControls},
      {"alice\x7f", kControls},
      {"alice\xc2\x85", kControls},  // NEL (C1)
      {"\xc2\x80", kControls},       // U+0080 (C1)
      {"\xc2\x9f", kControls},       // U+009F (C1)
      {"alice\xff", kUtf8},
      {"\x80", kUtf8},              // a continuation byte first
      {"\xc3\x28", kUtf8},          // bad continuation
      {"alice\xc3", kUtf8},         // truncated
      {"\xe6\x9d", kUtf8},          // truncated 3-byte sequence
      {"\xc0\xaf", kUtf8},          // overlong '/'
      {"\xc1\xbf", kUtf8},          // overlong
      {"\xe0\x80\xaf", kUtf8},      // overlong, 3 bytes
      {"\xf0\x80\x80\xaf", kUtf8},  // overlong, 4 bytes
      {"\xed\xa0\x80", kUtf8},      // surrogate U+D800
      {"\xed\xbf\xbf", kUtf8},      // surrogate U+DFFF
      {"\xf4\x90\x80\x80", kUtf8},  // U+110000
      {"\xf8\x88\x80\x80\x80", kUtf8},
  };
  for (const Case& c : cases) {
    absl::Status s = ValidateUserId(c.id);
    EXPECT_TRUE(absl::IsInvalidArgument(s)) << absl::CEscape(c.id) << ": " << s;
    EXPECT_EQ(s.message(), c.message) << absl::CEscape(c.id);
  }
}

class MfaUserIdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MfaOptions o;
    o.key_file = WriteKeyFile(keys_.path());
    o.email_sender = email_;
    o.sms_sender = sms_;
    f_ = std::make_unique<EngineFixture>(ChallengeAllModel(), false, o);
  }
  MfaService& mfa() { return *f_->engine().mfa(); }

  TempDir keys_;
  std::shared_ptr<RecordingSender> email_ = std::make_shared<RecordingSender>();
  std::shared_ptr<RecordingSender> sms_ = std::make_shared<RecordingSender>();
  std::unique_ptr<EngineFixture> f_;
};

TEST_F(MfaUserIdTest, EveryMethodRefusesWhatEvaluateRefusesAndWritesNothing) {
  const std::vector<std::string> bad = {std::string("alice\0", 6),
                                        "alice\n",
                                        "alice\r\nX: 1",
                                        "alice\x7f",
                                        "alice\xc2\x85",
                                        "alice\xff",
                                        "\xc3\x28",
                                        "\xc0\xaf",
                                        "\xed\xa0\x80",
                                        std::string(257, 'a'),
                                        ""};
  for (const std::string& id : bad) {
    SCOPED_TRACE(absl::CEscape(id).substr(0, 40));
    const absl::Status want = ValidateUserId(id);
    ASSERT_TRUE(absl::IsInvalidArgument(want));
    // The engine refuses it the same way.
    Attempt a =
        f_->MakeAttempt(id, kLondon, kChromeWindows, "fp", Outcome::kUnknown);
    EXPECT_EQ(f_->engine().Evaluate(a).status(), want);
    EXPECT_EQ(f_->engine().ListEvents(id, "", 10).status(), want);
    // And so does every MfaService method with a user id.
    MfaSettings settings;
    settings.enabled = {MfaMethod::kEmail, MfaMethod::kSms};
    settings.email = "a@example.com";
    settings.phone = "+4915112345678";
    EXPECT_EQ(mfa().SetSettings(id, settings), want);
    EXPECT_EQ(mfa().SetSettings(id, MfaSettings()), want);
    EXPECT_EQ(mfa().GetSettings(id).status(), want);
    EXPECT_EQ(mfa().StartTotpEnrollment(id, "").status(), want);
    EXPECT_EQ(mfa().StartTotpEnrollment(id, "acct").status(), want);
    EXPECT_EQ(mfa().ConfirmTotp(id, "123456").status(), want);
    // The devices API.
    EXPECT_EQ(mfa().ListDevices(id).status(), want);
    DeviceUpdate update;
    update.name = "x";
    update.remembered = true;
    EXPECT_EQ(
        mfa().UpdateDevice(id, "0123456789abcdef0123456789abcdef", update),
        want);
    EXPECT_EQ(mfa().DeleteDevice(id, "0123456789abcdef0123456789abcdef"), want);
  }
  EXPECT_TRUE(email_->messages().empty());
  EXPECT_TRUE(sms_->messages().empty());
  EXPECT_EQ(f_->engine().stats().mfa.totp_enrolments, 0);

  // Nothing reached the store.
  const std::string db = f_->data_dir() + "/db";
  f_->Close();
  RocksDbOptions options;
  options.path = db;
  absl::StatusOr<std::unique_ptr<Store>> store = OpenRocksDbStore(options);
  ASSERT_TRUE(store.ok()) << store.status();
  for (Table table : {Table::kUsers, Table::kTotp, Table::kDevices,
                      Table::kEvents, Table::kChallenges, Table::kCounters}) {
    std::unique_ptr<StoreIterator> it = (*store)->Scan(table, "", "");
    int n = 0;
    for (; it->Valid(); it->Next()) ++n;
    EXPECT_EQ(n, 0) << "table " << static_cast<int>(table);
  }
}

}  // namespace
}  // namespace vigil::testing
