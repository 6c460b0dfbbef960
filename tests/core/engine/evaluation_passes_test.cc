// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The passes of Evaluate (engine/stages/stages.h): RetryOnAborted reruns a
// pass only while it answers Aborted, at most kMaxEvaluationPasses times;
// a pass rerun after ResetToEnriched decides from the state it finds, as a
// fresh evaluation would, and keeps the event's id.
//
// Nothing in the store answers Aborted yet (conditional writes come with the
// per-user state's Expect), so the rerun is driven here by a pass that
// commits and is then reported as aborted: the state it finds is the state
// "the other writer" left.

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/evaluation.h"
#include "engine/stages/stages.h"
#include "gtest/gtest.h"
#include "model/model_slot.h"
#include "state/user_state.h"
#include "testing/engine_fixture.h"
#include "testing/test_util.h"
#include "vigil/clock.h"
#include "vigil/geo.h"
#include "vigil/pwned.h"
#include "vigil/store.h"

namespace vigil::internal {
namespace {

using ::vigil::testing::kChromeWindows;
using ::vigil::testing::kFirefoxLinux;
using ::vigil::testing::kLondon;
using ::vigil::testing::kMelbourne;
using ::vigil::testing::SourcePath;
using ::vigil::testing::TempDir;
using ::vigil::testing::TestDataPath;

TEST(RetryOnAbortedTest, RerunsAbortedPassesOnly) {
  std::vector<int> passes;
  absl::Status s = RetryOnAborted(kMaxEvaluationPasses, [&](int pass) {
    passes.push_back(pass);
    return passes.size() < 3 ? absl::AbortedError("lost a race")
                             : absl::OkStatus();
  });
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(passes, (std::vector<int>{0, 1, 2}));

  passes.clear();
  s = RetryOnAborted(kMaxEvaluationPasses, [&](int pass) {
    passes.push_back(pass);
    return absl::UnavailableError("store: down");
  });
  EXPECT_EQ(s, absl::UnavailableError("store: down"));
  EXPECT_EQ(passes.size(), 1u);
}

TEST(RetryOnAbortedTest, GivesUpAfterMaxPasses) {
  int passes = 0;
  const absl::Status s = RetryOnAborted(kMaxEvaluationPasses, [&](int pass) {
    ++passes;
    return absl::AbortedError("lost a race");
  });
  EXPECT_EQ(kMaxEvaluationPasses, 8);
  EXPECT_EQ(passes, 8);
  EXPECT_EQ(s,
            absl::UnavailableError("store: too much contention on this user"));
}

// The engine's parts over a RocksDB store of their own, as Engine::Create
// builds them (no MFA service, no notifier).
class Parts {
 public:
  Parts() {
    RocksDbOptions ro;
    ro.path = dir_.path() + "/db";
    absl::StatusOr<std::unique_ptr<Store>> store = OpenRocksDbStore(ro);
    EXPECT_TRUE(store.ok()) << store.status();
    store_ = std::shared_ptr<Store>(*std::move(store));
    absl::StatusOr<std::shared_ptr<const Model>> model =
        Model::LoadFile(SourcePath("models/default.toml"));
    EXPECT_TRUE(model.ok()) << model.status();
    slot_ = std::make_unique<ModelSlot>(*model);
    state_ = std::make_unique<UserState>(store_, slot_.get(), 1 << 10,
                                         /*ephemeral=*/false,
                                         &counters_.store_errors);
    GeoOptions geo;
    geo.city_dbs = {TestDataPath("maxmind/GeoIP2-City-Test.mmdb")};
    geo.asn_dbs = {TestDataPath("maxmind/GeoLite2-ASN-Test.mmdb")};
    absl::StatusOr<std::unique_ptr<GeoResolver>> resolver =
        CreateGeoResolver(geo);
    EXPECT_TRUE(resolver.ok()) << resolver.status();
    geo_ = *std::move(resolver);
    absl::StatusOr<std::unique_ptr<BreachCorpus>> corpus =
        OpenBreachCorpus(store_);
    EXPECT_TRUE(corpus.ok()) << corpus.status();
    passwords_ = *std::move(corpus);
    parts_.state = state_.get();
    parts_.model = slot_.get();
    parts_.geo = geo_.get();
    parts_.passwords = passwords_.get();
    parts_.clock = &clock_;
    parts_.counters = &counters_;
  }

  // Evaluate as the engine runs it, `pass_status(pass, status)` standing in
  // for each pass's status.
  absl::StatusOr<Decision> Evaluate(
      const Attempt& attempt,
      const std::function<absl::Status(int, absl::Status)>& pass_status =
          nullptr) {
    Evaluation e(attempt);
    if (absl::Status s = Enrich(parts_, &e); !s.ok()) return s;
    std::lock_guard<std::mutex> lock(state_->LockFor(attempt.user_id));
    const absl::Status s = RetryOnAborted(kMaxEvaluationPasses, [&](int pass) {
      absl::Status s = RunPass(parts_, &e, pass);
      return pass_status ? pass_status(pass, s) : s;
    });
    Settle(parts_, e);
    if (!s.ok()) return s;
    return e.decision();
  }

  Attempt MakeAttempt(const std::string& ip, const std::string& user_agent,
                      const std::string& fingerprint, Outcome outcome) const {
    Attempt a;
    a.user_id = "alice";
    a.ip = ip;
    a.user_agent = user_agent;
    a.device_fingerprint = fingerprint;
    a.outcome = outcome;
    return a;
  }

  // A baseline in London, then two failures from Melbourne.
  void History() {
    for (int i = 0; i < 6; ++i) {
      EXPECT_TRUE(Evaluate(MakeAttempt(kLondon, kChromeWindows, "fp",
                                       Outcome::kSuccess))
                      .ok());
      clock_.Advance(absl::Hours(20));
    }
    for (int i = 0; i < 2; ++i) {
      EXPECT_TRUE(Evaluate(MakeAttempt(kMelbourne, kFirefoxLinux, "fp-2",
                                       Outcome::kFailure))
                      .ok());
      clock_.Advance(absl::Minutes(1));
    }
  }

  UserState& state() { return *state_; }
  const EngineCounters& counters() const { return counters_; }

 private:
  TempDir dir_;
  SimulatedClock clock_{absl::FromUnixSeconds(1767225600)};
  std::shared_ptr<Store> store_;
  std::unique_ptr<ModelSlot> slot_;
  EngineCounters counters_;
  std::unique_ptr<UserState> state_;
  std::unique_ptr<GeoResolver> geo_;
  std::unique_ptr<BreachCorpus> passwords_;
  EngineParts parts_;
};

void ExpectSameDecision(const Decision& a, const Decision& b) {
  EXPECT_EQ(a.score, b.score);
  EXPECT_EQ(a.level, b.level);
  EXPECT_EQ(a.verdict, b.verdict);
  EXPECT_EQ(a.enforced_verdict, b.enforced_verdict);
  ASSERT_EQ(a.reasons.size(), b.reasons.size());
  for (size_t i = 0; i < a.reasons.size(); ++i) {
    EXPECT_EQ(a.reasons[i].signal, b.reasons[i].signal);
    EXPECT_EQ(a.reasons[i].score, b.reasons[i].score);
    EXPECT_EQ(a.reasons[i].contribution, b.reasons[i].contribution);
    EXPECT_EQ(a.reasons[i].detail, b.reasons[i].detail);
  }
  EXPECT_EQ(a.signal_failures, b.signal_failures);
  EXPECT_EQ(a.baseline.successful_sign_ins, b.baseline.successful_sign_ins);
  EXPECT_EQ(a.context.device, b.context.device);
  EXPECT_EQ(a.context.country, b.context.country);
  EXPECT_EQ(a.password_reset_required, b.password_reset_required);
  EXPECT_EQ(a.notify, b.notify);
  EXPECT_EQ(a.model, b.model);
}

TEST(EvaluationPassesTest, ARerunDecidesAsAFreshEvaluationOverTheStateItFinds) {
  // Two identical histories; then the same attempt, on `a` in one evaluation
  // whose first pass is reported aborted after it committed, on `b` in two
  // evaluations: `a`'s rerun finds what `b`'s second evaluation finds.
  Parts a, b;
  a.History();
  b.History();
  struct Case {
    const char* ip;
    const char* user_agent;
    const char* fingerprint;
    Outcome outcome;
    int learned;  // sign-ins the first pass taught the profile
  };
  for (const Case& c :
       {Case{kMelbourne, kFirefoxLinux, "fp-2", Outcome::kFailure, 0},
        Case{kLondon, kChromeWindows, "fp", Outcome::kSuccess, 1},
        Case{kMelbourne, kFirefoxLinux, "fp-2", Outcome::kSuccess, 0}}) {
    SCOPED_TRACE(absl::StrCat(c.ip, " ", OutcomeName(c.outcome)));
    const Attempt attempt =
        a.MakeAttempt(c.ip, c.user_agent, c.fingerprint, c.outcome);
    std::vector<int> passes;
    absl::StatusOr<Decision> rerun =
        a.Evaluate(attempt, [&](int pass, absl::Status s) {
          passes.push_back(pass);
          EXPECT_TRUE(s.ok()) << s;
          return pass == 0 ? absl::AbortedError("lost a race") : s;
        });
    ASSERT_TRUE(rerun.ok()) << rerun.status();
    EXPECT_EQ(passes, (std::vector<int>{0, 1}));
    absl::StatusOr<Decision> first = b.Evaluate(attempt);
    ASSERT_TRUE(first.ok()) << first.status();
    absl::StatusOr<Decision> fresh = b.Evaluate(attempt);
    ASSERT_TRUE(fresh.ok()) << fresh.status();
    ExpectSameDecision(*rerun, *fresh);
    EXPECT_EQ(rerun->baseline.successful_sign_ins,
              first->baseline.successful_sign_ins + c.learned);
    // The event keeps its id: the rerun's record replaced the first one's.
    absl::StatusOr<StoredEvent> event = a.state().LoadEvent(rerun->event_id);
    ASSERT_TRUE(event.ok()) << event.status();
    EXPECT_EQ(event->event.decision.baseline.successful_sign_ins,
              rerun->baseline.successful_sign_ins);
    EXPECT_EQ(event->event.decision.reasons.size(), rerun->reasons.size());
  }
}

}  // namespace
}  // namespace vigil::internal
