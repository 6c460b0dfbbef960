// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The compromised-password policy in Engine::Evaluate, against the local
// corpus and against injected checkers (remote failure modes), and the
// [policy.compromised_credentials] model section.

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "testing/engine_fixture.h"
#include "testing/test_util.h"
#include "vigil/engine.h"
#include "vigil/model.h"
#include "vigil/pwned.h"

namespace vigil {
namespace {

using testing::EditedDefaultModel;
using testing::HasReason;
using testing::SourcePath;
using testing::TempDir;
using testing::WriteFileOrDie;

constexpr char kPassword[] = "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8";
constexpr char kRare[] = "0000000000000000000000000000000000000001";
constexpr char kUnbreached[] = "C0B3B8C9A1CB3A4E9A5B5E4C1F1B0E6C1D2E3F40";

class DegradedChecker final : public PasswordChecker {
 public:
  explicit DegradedChecker(bool compromised) : compromised_(compromised) {}
  absl::StatusOr<PasswordCheck> Check(HashKind, absl::string_view) const override {
    PasswordCheck r;
    r.degraded = true;
    r.compromised = compromised_;
    return r;
  }

 private:
  bool compromised_;
};

class EnginePasswordTest : public ::testing::Test {
 protected:
  // An engine on a store whose corpus holds "password" (count 1000) and one
  // rare hash (count 1).
  void Start(const std::string& model_toml = "",
             std::shared_ptr<const PasswordChecker> checker = nullptr) {
    RocksDbOptions db;
    db.path = dir_.path() + "/db";
    auto store = OpenRocksDbStore(db);
    ASSERT_TRUE(store.ok()) << store.status();
    std::shared_ptr<Store> shared(std::move(*store));
    auto corpus = OpenBreachCorpus(shared);
    ASSERT_TRUE(corpus.ok());
    std::string dump = dir_.path() + "/dump.txt";
    WriteFileOrDie(dump, absl::StrCat(kRare, ":1\n", kPassword, ":1000\n"));
    ASSERT_OK((*corpus)->Import({dump}, {}).status());
    EngineOptions options;
    options.store = shared;
    if (model_toml.empty()) {
      options.model_path = SourcePath("models/default.toml");
    } else {
      auto model = Model::FromString(model_toml, "test.toml");
      ASSERT_TRUE(model.ok()) << model.status();
      options.model = *model;
    }
    options.password_checker = std::move(checker);
    options.clock = &clock_;
    auto engine = Engine::Create(std::move(options));
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
  }

  Decision Evaluate(EventType type, const std::string& sha1,
                    const std::string& user = "alice") {
    Attempt a;
    a.event_type = type;
    a.user_id = user;
    a.ip = "81.2.69.160";
    a.password_sha1 = sha1;
    auto d = engine_->Evaluate(a);
    EXPECT_TRUE(d.ok()) << d.status();
    return d.ok() ? *d : Decision();
  }

  TempDir dir_;
  SimulatedClock clock_{absl::FromUnixSeconds(1767225600)};
  std::unique_ptr<Engine> engine_;
};

TEST_F(EnginePasswordTest, BreachedSignUpIsBlockedWithResetRequired) {
  Start();
  Decision d = Evaluate(EventType::kSignUp, kPassword);
  EXPECT_EQ(d.verdict, Verdict::kBlock);
  EXPECT_TRUE(d.compromised_credentials);
  EXPECT_TRUE(d.password_reset_required);
  EXPECT_TRUE(HasReason(d, "compromised_password"));
  // The hash is in no reason and not in the stored event.
  for (const Reason& r : d.reasons) {
    EXPECT_EQ(r.detail.find("5BAA6"), std::string::npos);
  }
  auto stored = engine_->GetEvent(d.event_id);
  ASSERT_TRUE(stored.ok());
  EXPECT_TRUE(stored->decision.compromised_credentials);

  for (EventType t : {EventType::kSignIn, EventType::kPasswordChange}) {
    EXPECT_EQ(Evaluate(t, kPassword).verdict, Verdict::kBlock);
  }
}

TEST_F(EnginePasswordTest, UnbreachedOrAbsentPasswordIsAllowed) {
  Start();
  Decision d = Evaluate(EventType::kSignUp, kUnbreached);
  EXPECT_EQ(d.verdict, Verdict::kAllow);
  EXPECT_FALSE(d.compromised_credentials);
  EXPECT_FALSE(HasReason(d, "compromised_password"));
  d = Evaluate(EventType::kSignUp, "");
  EXPECT_FALSE(d.compromised_credentials);
}

TEST_F(EnginePasswordTest, ForgotPasswordIsNotCheckedByDefault) {
  Start();
  Decision d = Evaluate(EventType::kForgotPassword, kPassword);
  EXPECT_FALSE(d.compromised_credentials);
  EXPECT_EQ(d.verdict, Verdict::kAllow);
}

TEST_F(EnginePasswordTest, ActionAllowKeepsTheReason) {
  Start(EditedDefaultModel({{"action = \"block\"", "action = \"allow\""}}));
  Decision d = Evaluate(EventType::kSignUp, kPassword);
  EXPECT_EQ(d.verdict, Verdict::kAllow);
  EXPECT_TRUE(d.compromised_credentials);
  EXPECT_FALSE(d.password_reset_required);
  EXPECT_TRUE(HasReason(d, "compromised_password"));
}

TEST_F(EnginePasswordTest, MinCountAndEventTypes) {
  Start(EditedDefaultModel(
      {{"min_count = 1", "min_count = 2"},
       {"event_types = [\"sign_in\", \"sign_up\", \"password_change\"]",
        "event_types = [\"sign_up\"]"}}));
  EXPECT_FALSE(Evaluate(EventType::kSignUp, kRare).compromised_credentials);
  EXPECT_TRUE(Evaluate(EventType::kSignUp, kPassword).compromised_credentials);
  EXPECT_FALSE(Evaluate(EventType::kSignIn, kPassword).compromised_credentials);
}

TEST_F(EnginePasswordTest, AlwaysAllowRangeDecidesAloneButTheFlagStays) {
  Start(EditedDefaultModel({{"always_allow = []", "always_allow = [\"81.2.69.0/24\"]"}}));
  Decision d = Evaluate(EventType::kSignUp, kPassword);
  EXPECT_EQ(d.verdict, Verdict::kAllow);
  EXPECT_TRUE(d.compromised_credentials);
  EXPECT_FALSE(d.password_reset_required);
}

TEST_F(EnginePasswordTest, AuditModeAllowsButRecords) {
  Start(EditedDefaultModel({{"mode = \"enforced\"", "mode = \"audit\""}}));
  Decision d = Evaluate(EventType::kSignUp, kPassword);
  EXPECT_EQ(d.verdict, Verdict::kAllow);
  EXPECT_EQ(d.enforced_verdict, Verdict::kBlock);
  EXPECT_TRUE(d.compromised_credentials);
}

TEST_F(EnginePasswordTest, DegradedCheckFollowsTheCheckersFailureMode) {
  Start("", std::make_shared<DegradedChecker>(/*compromised=*/false));
  Decision d = Evaluate(EventType::kSignUp, kPassword);
  EXPECT_EQ(d.verdict, Verdict::kAllow);
  EXPECT_FALSE(d.compromised_credentials);
  ASSERT_EQ(d.signal_failures.size(), 1u);
  EXPECT_EQ(d.signal_failures[0], "compromised_password");
}

TEST_F(EnginePasswordTest, FailedClosedCheckBlocks) {
  Start("", std::make_shared<DegradedChecker>(/*compromised=*/true));
  Decision d = Evaluate(EventType::kSignUp, kUnbreached);
  EXPECT_EQ(d.verdict, Verdict::kBlock);
  EXPECT_TRUE(d.compromised_credentials);
  EXPECT_EQ(d.signal_failures.size(), 1u);
}

TEST(CompromisedPolicyConfigTest, BadValuesAreRefused) {
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"action = \"block\"", "action = \"deny\""},
           {"min_count = 1", "min_count = 0"},
           {"min_count = 1", "min_count = \"1\""},
           {"event_types = [\"sign_in\", \"sign_up\", \"password_change\"]",
            "event_types = [\"sign_out\"]"},
           {"action = \"block\"", "action = \"block\"\ncolour = 1"}}) {
    auto model = Model::FromString(EditedDefaultModel({{from, to}}), "bad.toml");
    ASSERT_FALSE(model.ok()) << to;
    EXPECT_NE(std::string(model.status().message()).find("policy.compromised_credentials"),
              std::string::npos)
        << model.status();
  }
}

}  // namespace
}  // namespace vigil
