// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Model::LoadFile: parses a model TOML file into a ModelConfig, validating
// every key. Unknown keys are errors (a typo must not silently fall back to a
// default); every error names the file, the dotted key and the reason. A
// signal that owns its settings parses its [signals.<name>] table itself
// (Signal::LoadSettings); the loader hands it the table and refuses what it
// left unread.

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "common/toml.h"
#include "model/model_config.h"
#include "model/table_reader.h"
#include "signals/signal.h"
#include "vigil/model.h"

namespace vigil {
namespace {

using internal::ModelConfig;
using internal::PolicyAction;
using internal::TableReader;

std::string_view Std(absl::string_view s) { return {s.data(), s.size()}; }

absl::Status ParseAction(const TableReader& r, absl::string_view key,
                         absl::string_view v, PolicyAction* out) {
  if (v == "allow") {
    *out = PolicyAction::kAllow;
  } else if (v == "mfa_if_configured") {
    *out = PolicyAction::kMfaIfConfigured;
  } else if (v == "mfa_required") {
    *out = PolicyAction::kMfaRequired;
  } else if (v == "block") {
    *out = PolicyAction::kBlock;
  } else {
    return r.Error(key, absl::StrCat("unknown action \"", v,
                                     "\" (allow, mfa_if_configured, "
                                     "mfa_required, block)"));
  }
  return absl::OkStatus();
}

// The policy of models/default.toml, for event types a file leaves out.
void DefaultPolicy(ModelConfig* c) {
  using internal::LevelPolicy;
  for (int t = 0; t < kEventTypeCount; ++t) {
    c->policy[t] = {LevelPolicy{PolicyAction::kAllow, false},
                    LevelPolicy{PolicyAction::kAllow, false},
                    LevelPolicy{PolicyAction::kMfaIfConfigured, true},
                    LevelPolicy{PolicyAction::kMfaRequired, true}};
  }
  // A new account at high risk is refused, and nobody is there to notify.
  c->policy[static_cast<int>(EventType::kSignUp)] = {
      LevelPolicy{PolicyAction::kAllow, false},
      LevelPolicy{PolicyAction::kAllow, false},
      LevelPolicy{PolicyAction::kMfaIfConfigured, false},
      LevelPolicy{PolicyAction::kBlock, false}};
}

absl::Status ReadCompromisedCredentials(TableReader& policy, ModelConfig* c) {
  VIGIL_ASSIGN_OR_RETURN(TableReader cc, policy.Sub("compromised_credentials"));
  internal::CompromisedCredentialsConfig& out = c->compromised_credentials;
  VIGIL_RETURN_IF_ERROR(cc.EventTypes("event_types", &out.event_types));
  int min_count = static_cast<int>(out.min_count);
  VIGIL_RETURN_IF_ERROR(cc.Int("min_count", 1, 2000000000, &min_count));
  out.min_count = min_count;
  std::string action;
  VIGIL_RETURN_IF_ERROR(cc.String("action", false, &action));
  if (action == "block") {
    out.block = true;
  } else if (action == "allow") {
    out.block = false;
  } else if (!action.empty()) {
    return cc.Error("action", absl::StrCat("must be \"block\" or \"allow\", is \"",
                                           action, "\""));
  }
  return cc.Finish();
}

absl::Status ReadPolicy(TableReader& root, ModelConfig* c) {
  VIGIL_ASSIGN_OR_RETURN(TableReader policy, root.Sub("policy"));
  std::string mode;
  VIGIL_RETURN_IF_ERROR(policy.String("mode", false, &mode));
  if (mode == "audit") {
    c->mode = Mode::kAudit;
  } else if (mode.empty() || mode == "enforced") {
    c->mode = Mode::kEnforced;
  } else {
    return policy.Error("mode", absl::StrCat("must be \"enforced\" or \"audit\", is \"", mode, "\""));
  }
  for (int t = 0; t < kEventTypeCount; ++t) {
    const absl::string_view type_name = EventTypeName(static_cast<EventType>(t));
    VIGIL_ASSIGN_OR_RETURN(TableReader type, policy.Sub(type_name));
    for (int l = 0; l < kRiskLevelCount; ++l) {
      const absl::string_view level = RiskLevelName(static_cast<RiskLevel>(l));
      std::string action;
      VIGIL_RETURN_IF_ERROR(type.String(level, false, &action));
      if (!action.empty()) {
        VIGIL_RETURN_IF_ERROR(
            ParseAction(type, level, action, &c->policy[t][l].action));
      }
    }
    std::vector<std::string> notify;
    const bool has_notify = type.Has("notify");
    VIGIL_RETURN_IF_ERROR(type.StringList("notify", &notify));
    if (has_notify) {
      for (auto& lp : c->policy[t]) lp.notify = false;
      for (const std::string& n : notify) {
        RiskLevel level;
        if (!ParseRiskLevel(n, &level)) {
          return type.Error("notify", absl::StrCat("unknown level \"", n, "\""));
        }
        c->policy[t][static_cast<int>(level)].notify = true;
      }
    }
    VIGIL_RETURN_IF_ERROR(type.Finish());
  }
  VIGIL_RETURN_IF_ERROR(ReadCompromisedCredentials(policy, c));
  return policy.Finish();
}

absl::Status ReadMfa(TableReader& root, ModelConfig* c) {
  VIGIL_ASSIGN_OR_RETURN(TableReader r, root.Sub("mfa"));
  internal::MfaPolicyConfig& m = c->mfa;
  if (r.Has("remembered_device_suppresses")) {
    std::vector<std::string> levels;
    VIGIL_RETURN_IF_ERROR(r.StringList("remembered_device_suppresses", &levels));
    m.remembered_suppresses.fill(false);
    for (const std::string& n : levels) {
      RiskLevel level;
      if (!ParseRiskLevel(n, &level)) {
        return r.Error("remembered_device_suppresses",
                       absl::StrCat("unknown level \"", n, "\""));
      }
      m.remembered_suppresses[static_cast<int>(level)] = true;
    }
  }
  VIGIL_RETURN_IF_ERROR(r.Int("remembered_device_ttl_days", 1, 3650,
                              &m.remembered_device_ttl_days));
  VIGIL_RETURN_IF_ERROR(
      r.Int("max_remembered_devices", 1, 1000, &m.max_remembered_devices));
  if (const toml::node* n = r.TakeNode("forget_devices_on_password_change")) {
    if (!n->is_boolean()) {
      return r.Error("forget_devices_on_password_change", "must be true or false");
    }
    m.forget_devices_on_password_change = *n->value<bool>();
  }
  VIGIL_RETURN_IF_ERROR(
      r.Int("challenge_ttl_seconds", 30, 86400, &m.challenge_ttl_seconds));
  VIGIL_RETURN_IF_ERROR(r.Int("totp_window", 0, 10, &m.totp_window));
  VIGIL_RETURN_IF_ERROR(r.Int("max_code_attempts", 1, 100, &m.max_code_attempts));
  VIGIL_RETURN_IF_ERROR(r.Int("code_ttl_seconds", 30, 3600, &m.code_ttl_seconds));
  VIGIL_RETURN_IF_ERROR(
      r.Int("resend_interval_seconds", 0, 3600, &m.resend_interval_seconds));
  VIGIL_RETURN_IF_ERROR(r.Int("max_sends_per_hour", 1, 1000, &m.max_sends_per_hour));
  VIGIL_RETURN_IF_ERROR(r.Int("max_user_failures_15min", 1, 10000,
                              &m.max_user_failures_15min));
  return r.Finish();
}

absl::Status ReadSignals(TableReader& root, ModelConfig* c) {
  VIGIL_ASSIGN_OR_RETURN(TableReader signals, root.Sub("signals"));

  VIGIL_ASSIGN_OR_RETURN(TableReader nd, signals.Sub("new_device"));
  auto& n = c->new_device;
  // The weight, the scores, the rate and the factors: each in [0, 1].
  for (const auto& [key, value] :
       {std::pair<const char*, double*>{"weight", &n.weight},
        {"known_ip_score", &n.known_ip_score},
        {"novelty_rate", &n.novelty_rate},
        {"known_network_score", &n.known_network_score},
        {"known_key_factor", &n.known_key_factor},
        {"unknown_key_factor", &n.unknown_key_factor},
        {"known_fingerprint_factor", &n.known_fingerprint_factor},
        {"keyless_browser_factor", &n.keyless_browser_factor},
        {"new_kind_factor", &n.new_kind_factor}}) {
    VIGIL_RETURN_IF_ERROR(nd.Double(key, 0, 1, value));
  }
  VIGIL_RETURN_IF_ERROR(
      nd.Double("novelty_strength", 0, 1e6, &n.novelty_strength));
  VIGIL_RETURN_IF_ERROR(nd.Int("keyless_browser_min_sign_ins", 1, 1000000,
                               &n.keyless_browser_min_sign_ins));
  VIGIL_RETURN_IF_ERROR(
      nd.Double("same_kind_factor", 1, 4, &n.same_kind_factor));
  VIGIL_RETURN_IF_ERROR(nd.Finish());

  auto& u = c->unfamiliar;
  VIGIL_ASSIGN_OR_RETURN(TableReader uf, signals.Sub("unfamiliar"));
  VIGIL_RETURN_IF_ERROR(uf.Double("weight", 0, 1, &u.weight));
  VIGIL_RETURN_IF_ERROR(uf.Double("network_weight", 0, 1, &u.network_weight));
  VIGIL_RETURN_IF_ERROR(uf.Double("user_agent_weight", 0, 1, &u.user_agent_weight));
  VIGIL_RETURN_IF_ERROR(uf.Double("user_agent_new_device_factor", 0, 1,
                                  &u.user_agent_new_device_factor));
  VIGIL_RETURN_IF_ERROR(uf.Double("alpha", 1e-6, 1e6, &u.alpha));
  VIGIL_RETURN_IF_ERROR(uf.Double("scale", 1e-3, 1e3, &u.scale));
  VIGIL_ASSIGN_OR_RETURN(TableReader prior, uf.Sub("prior"));
  VIGIL_RETURN_IF_ERROR(prior.Double("ip", 1e-12, 1, &u.prior_ip));
  VIGIL_RETURN_IF_ERROR(prior.Double("network", 1e-12, 1, &u.prior_network));
  VIGIL_RETURN_IF_ERROR(prior.Double("asn", 1e-12, 1, &u.prior_asn));
  VIGIL_RETURN_IF_ERROR(prior.Double("country", 1e-12, 1, &u.prior_country));
  VIGIL_RETURN_IF_ERROR(prior.Double("user_agent", 1e-12, 1, &u.prior_user_agent));
  VIGIL_RETURN_IF_ERROR(prior.Double("browser", 1e-12, 1, &u.prior_browser));
  VIGIL_RETURN_IF_ERROR(prior.Double("os", 1e-12, 1, &u.prior_os));
  VIGIL_RETURN_IF_ERROR(prior.Double("device_type", 1e-12, 1, &u.prior_device_type));
  VIGIL_RETURN_IF_ERROR(prior.Finish());
  VIGIL_RETURN_IF_ERROR(
      uf.Double("novelty_strength", 0, 1e6, &u.novelty_strength));
  VIGIL_ASSIGN_OR_RETURN(TableReader nov, uf.Sub("novelty"));
  VIGIL_RETURN_IF_ERROR(nov.Double("network", 1e-6, 1, &u.novelty_network));
  VIGIL_RETURN_IF_ERROR(nov.Double("asn", 1e-6, 1, &u.novelty_asn));
  VIGIL_RETURN_IF_ERROR(nov.Double("country", 1e-6, 1, &u.novelty_country));
  VIGIL_RETURN_IF_ERROR(
      nov.Double("user_agent", 1e-6, 1, &u.novelty_user_agent));
  VIGIL_RETURN_IF_ERROR(nov.Double("browser", 1e-6, 1, &u.novelty_browser));
  VIGIL_RETURN_IF_ERROR(nov.Double("os", 1e-6, 1, &u.novelty_os));
  VIGIL_RETURN_IF_ERROR(
      nov.Double("device_type", 1e-6, 1, &u.novelty_device_type));
  VIGIL_RETURN_IF_ERROR(nov.Finish());
  VIGIL_ASSIGN_OR_RETURN(TableReader shares, uf.Sub("country_share"));
  for (const std::string& code : shares.Keys()) {
    if (code.size() != 2 || !isupper(code[0]) || !isupper(code[1])) {
      return shares.Error(code, "must be an ISO 3166-1 alpha-2 code, e.g. US");
    }
    double share = 0;
    VIGIL_RETURN_IF_ERROR(shares.Double(code, 1e-12, 1, &share));
    u.country_share[code] = share;
  }
  VIGIL_RETURN_IF_ERROR(uf.Finish());

  auto& ir = c->ip_reputation;
  VIGIL_ASSIGN_OR_RETURN(TableReader rep, signals.Sub("ip_reputation"));
  VIGIL_RETURN_IF_ERROR(rep.Double("weight", 0, 1, &ir.weight));
  VIGIL_ASSIGN_OR_RETURN(ir.always_allow, rep.CidrList("always_allow"));
  VIGIL_ASSIGN_OR_RETURN(ir.always_block, rep.CidrList("always_block"));
  std::vector<std::string> blocklists;
  VIGIL_RETURN_IF_ERROR(rep.StringList("blocklists", &blocklists));
  for (const std::string& file : blocklists) {
    std::filesystem::path p(file);
    if (p.is_relative()) p = std::filesystem::path(rep.base_dir()) / p;
    absl::StatusOr<CidrSet> set = CidrSet::LoadFireHolFile(p.string());
    if (!set.ok()) return rep.Error("blocklists", set.status().message());
    ir.blocklist.Merge(*set);
  }
  VIGIL_RETURN_IF_ERROR(rep.Double("blocklist_score", 0, 1, &ir.blocklist_score));
  VIGIL_RETURN_IF_ERROR(rep.Double("tor_score", 0, 1, &ir.tor_score));
  VIGIL_RETURN_IF_ERROR(rep.Double("public_proxy_score", 0, 1, &ir.public_proxy_score));
  VIGIL_RETURN_IF_ERROR(rep.Double("anonymous_vpn_score", 0, 1, &ir.anonymous_vpn_score));
  VIGIL_RETURN_IF_ERROR(rep.Double("hosting_score", 0, 1, &ir.hosting_score));
  std::vector<std::string> hosting_words = ir.hosting_names.words();
  VIGIL_RETURN_IF_ERROR(rep.StringList("hosting_organisations", &hosting_words));
  absl::StatusOr<internal::HostingNames> hosting_names =
      internal::HostingNames::Create(std::move(hosting_words));
  if (!hosting_names.ok()) {
    return rep.Error("hosting_organisations", hosting_names.status().message());
  }
  ir.hosting_names = *std::move(hosting_names);
  VIGIL_RETURN_IF_ERROR(rep.Double("residential_proxy_score", 0, 1,
                                   &ir.residential_proxy_score));
  VIGIL_RETURN_IF_ERROR(rep.Double("anonymous_score", 0, 1, &ir.anonymous_score));
  VIGIL_RETURN_IF_ERROR(
      rep.Double("distrusted_ip_score", 0, 1, &ir.distrusted_ip_score));
  VIGIL_RETURN_IF_ERROR(rep.Double("distrusted_network_score", 0, 1,
                                   &ir.distrusted_network_score));
  VIGIL_RETURN_IF_ERROR(rep.OnErrorValue("on_error", &ir.on_error));
  VIGIL_RETURN_IF_ERROR(rep.Finish());

  auto& ur = c->user_risk;
  VIGIL_ASSIGN_OR_RETURN(TableReader urr, signals.Sub("user_risk"));
  VIGIL_RETURN_IF_ERROR(urr.Double("weight", 0, 1, &ur.weight));
  VIGIL_RETURN_IF_ERROR(urr.Level("from_level", &ur.from_level));
  if (ur.from_level == RiskLevel::kNone) {
    return urr.Error("from_level", "must be low, medium or high");
  }
  VIGIL_RETURN_IF_ERROR(
      urr.Double("half_life_hours", 0.1, 24 * 365, &ur.half_life_hours));
  VIGIL_RETURN_IF_ERROR(urr.Double("established_device_factor", 0, 1,
                                   &ur.established_device_factor));
  VIGIL_RETURN_IF_ERROR(urr.EventTypes("event_types", &ur.event_types));
  VIGIL_RETURN_IF_ERROR(urr.Finish());

  // Every other registered signal parses its own section (the defaults when
  // the file has none); the keys it did not read are refused here.
  for (const auto& signal : internal::BuiltinSignals()) {
    if (signals.Taken(signal->name())) continue;  // read above
    VIGIL_ASSIGN_OR_RETURN(TableReader section, signals.Sub(signal->name()));
    VIGIL_ASSIGN_OR_RETURN(std::shared_ptr<const internal::SignalSettings> s,
                           signal->LoadSettings(section));
    VIGIL_RETURN_IF_ERROR(section.Finish());
    if (s != nullptr) c->signal_settings[signal->name()] = std::move(s);
  }
  return signals.Finish();
}

absl::StatusOr<std::unique_ptr<ModelConfig>> Parse(absl::string_view text,
                                                   const std::string& source,
                                                   const std::string& base_dir) {
  toml::parse_result parsed = toml::parse(Std(text), source);
  if (!parsed) {
    const toml::parse_error& err = parsed.error();
    return absl::InvalidArgumentError(absl::StrCat(
        source, ":", err.source().begin.line, ":", err.source().begin.column,
        ": ", std::string(err.description())));
  }
  auto c = std::make_unique<ModelConfig>();
  DefaultPolicy(c.get());
  TableReader root(&parsed.table(), "", source, base_dir);

  VIGIL_ASSIGN_OR_RETURN(TableReader model, root.Sub("model"));
  VIGIL_RETURN_IF_ERROR(model.String("name", true, &c->name));
  if (c->name.empty() || c->name.size() > 64 ||
      c->name.find_first_not_of("abcdefghijklmnopqrstuvwxyz"
                                "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") !=
          std::string::npos) {
    return model.Error("name", "must be 1-64 characters of [A-Za-z0-9-_.]");
  }
  c->version = -1;
  VIGIL_RETURN_IF_ERROR(model.Int("version", 0, 1 << 30, &c->version));
  if (c->version < 0) return model.Error("version", "is required");
  VIGIL_RETURN_IF_ERROR(model.Finish());
  c->id = absl::StrCat(c->name, "@", c->version);

  VIGIL_ASSIGN_OR_RETURN(TableReader levels, root.Sub("levels"));
  VIGIL_RETURN_IF_ERROR(levels.Double("low", 0, 1, &c->low));
  VIGIL_RETURN_IF_ERROR(levels.Double("medium", 0, 1, &c->medium));
  VIGIL_RETURN_IF_ERROR(levels.Double("high", 0, 1, &c->high));
  if (!(0 < c->low && c->low < c->medium && c->medium < c->high)) {
    return levels.Error("low", "thresholds must satisfy 0 < low < medium < high <= 1");
  }
  VIGIL_RETURN_IF_ERROR(levels.Double("target_challenge_rate", 0, 0.5,
                                      &c->target_challenge_rate));
  VIGIL_RETURN_IF_ERROR(
      levels.Int("target_window", 100, 10000000, &c->target_window));
  VIGIL_RETURN_IF_ERROR(levels.Int("target_min_samples", 1, 10000000,
                                   &c->target_min_samples));
  if (c->target_min_samples > c->target_window) {
    return levels.Error("target_min_samples",
                        "must not exceed target_window");
  }
  VIGIL_RETURN_IF_ERROR(levels.Finish());

  VIGIL_ASSIGN_OR_RETURN(TableReader baseline, root.Sub("baseline"));
  VIGIL_RETURN_IF_ERROR(baseline.Int("mature_after", 1, 10000, &c->mature_after));
  VIGIL_RETURN_IF_ERROR(
      baseline.Double("maturity_prior", 0, 1000, &c->maturity_prior));
  VIGIL_RETURN_IF_ERROR(baseline.Finish());

  VIGIL_ASSIGN_OR_RETURN(TableReader learning, root.Sub("learning"));
  auto& l = c->learning;
  VIGIL_RETURN_IF_ERROR(learning.Bool("probation", &l.probation));
  VIGIL_RETURN_IF_ERROR(learning.Level("probation_level", &l.probation_level));
  if (l.probation_level == RiskLevel::kNone) {
    return learning.Error("probation_level", "must be low, medium or high");
  }
  VIGIL_RETURN_IF_ERROR(learning.Level("second_factor_probation_level",
                                       &l.second_factor_probation_level));
  if (l.second_factor_probation_level == RiskLevel::kNone) {
    return learning.Error("second_factor_probation_level",
                          "must be low, medium or high");
  }
  VIGIL_RETURN_IF_ERROR(learning.Int("quiet_days", 1, 365, &l.quiet_days));
  VIGIL_RETURN_IF_ERROR(learning.Finish());

  VIGIL_RETURN_IF_ERROR(ReadPolicy(root, c.get()));
  VIGIL_RETURN_IF_ERROR(ReadSignals(root, c.get()));
  VIGIL_RETURN_IF_ERROR(ReadMfa(root, c.get()));
  VIGIL_RETURN_IF_ERROR(root.Finish());
  return c;
}

}  // namespace

Model::Model(std::unique_ptr<internal::ModelConfig> config)
    : config_(std::move(config)) {}
Model::~Model() = default;

const std::string& Model::name() const { return config_->name; }
int Model::version() const { return config_->version; }
const std::string& Model::id() const { return config_->id; }

absl::StatusOr<std::shared_ptr<const Model>> Model::FromString(
    absl::string_view toml, absl::string_view source_name) {
  VIGIL_ASSIGN_OR_RETURN(std::unique_ptr<internal::ModelConfig> c,
                         Parse(toml, std::string(source_name), "."));
  return std::shared_ptr<const Model>(new Model(std::move(c)));
}

absl::StatusOr<std::shared_ptr<const Model>> Model::LoadFile(
    const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": cannot read model file"));
  }
  std::ostringstream text;
  text << in.rdbuf();
  const std::string base_dir =
      std::filesystem::path(path).parent_path().string();
  VIGIL_ASSIGN_OR_RETURN(
      std::unique_ptr<internal::ModelConfig> c,
      Parse(text.str(), path, base_dir.empty() ? "." : base_dir));
  return std::shared_ptr<const Model>(new Model(std::move(c)));
}

}  // namespace vigil
