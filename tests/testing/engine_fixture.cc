// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "testing/engine_fixture.h"

#include <algorithm>

namespace vigil::testing {

std::string EditedDefaultModel(
    const std::vector<std::pair<std::string, std::string>>& edits) {
  std::string text = ReadFileOrDie(SourcePath("models/default.toml"));
  for (const auto& [from, to] : edits) {
    const size_t at = text.find(from);
    if (at == std::string::npos) {
      ADD_FAILURE() << "default.toml has no \"" << from << "\"";
      continue;
    }
    text.replace(at, from.size(), to);
  }
  return text;
}

EngineFixture::EngineFixture(
    const std::string& model_toml, bool anonymizer_db, MfaOptions mfa,
    NotifyOptions notify,
    const std::function<void(EngineOptions*)>& edit_options,
    const internal::ReplayEngineOptions& replay) {
  EngineOptions options;
  options.mfa = std::move(mfa);
  options.notify = std::move(notify);
  options.data_dir = dir_.path() + "/db";
  if (model_toml.empty()) {
    options.model_path = SourcePath("models/default.toml");
  } else {
    auto model = Model::FromString(model_toml, "test-model.toml");
    EXPECT_TRUE(model.ok()) << model.status();
    if (model.ok()) options.model = *model;
  }
  options.geo.city_dbs = {TestDataPath("maxmind/GeoIP2-City-Test.mmdb")};
  options.geo.asn_dbs = {TestDataPath("maxmind/GeoLite2-ASN-Test.mmdb")};
  if (anonymizer_db) {
    options.geo.anonymous_ip_dbs = {
        TestDataPath("maxmind/GeoIP2-Anonymous-IP-Test.mmdb")};
  }
  options.clock = &clock_;
  if (edit_options) edit_options(&options);
  auto engine = internal::CreateReplayEngine(std::move(options), replay);
  EXPECT_TRUE(engine.ok()) << engine.status();
  if (engine.ok()) engine_ = std::move(*engine);
}

EngineFixture::~EngineFixture() { engine_.reset(); }

Attempt EngineFixture::MakeAttempt(const std::string& user,
                                   const std::string& ip,
                                   const std::string& user_agent,
                                   const std::string& fingerprint,
                                   Outcome outcome) const {
  Attempt a;
  a.user_id = user;
  a.ip = ip;
  a.user_agent = user_agent;
  a.device_fingerprint = fingerprint;
  a.outcome = outcome;
  return a;
}

Decision EngineFixture::Evaluate(const Attempt& attempt) {
  absl::StatusOr<Decision> d = engine_->Evaluate(attempt);
  EXPECT_TRUE(d.ok()) << d.status();
  return d.ok() ? *std::move(d) : Decision();
}

void EngineFixture::BuildBaseline(const std::string& user,
                                  const std::string& ip,
                                  const std::string& user_agent,
                                  const std::string& fingerprint, int count,
                                  absl::Duration spacing) {
  for (int i = 0; i < count; ++i) {
    Decision d = Evaluate(
        MakeAttempt(user, ip, user_agent, fingerprint, Outcome::kSuccess));
    EXPECT_EQ(d.verdict, Verdict::kAllow) << "baseline sign-in " << i;
    clock_.Advance(spacing);
  }
}

std::vector<std::string> ReasonNames(const Decision& d) {
  std::vector<std::string> names;
  for (const Reason& r : d.reasons) names.push_back(r.signal);
  return names;
}

bool HasReason(const Decision& d, const std::string& signal) {
  const auto names = ReasonNames(d);
  return std::find(names.begin(), names.end(), signal) != names.end();
}

}  // namespace vigil::testing
