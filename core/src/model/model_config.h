// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The validated contents of a model file (models/default.toml documents
// every key). Built once by Model::LoadFile and shared read-only.

#ifndef VIGIL_CORE_SRC_MODEL_MODEL_CONFIG_H_
#define VIGIL_CORE_SRC_MODEL_MODEL_CONFIG_H_

#include <array>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "context/hosting_names.h"
#include "vigil/attempt.h"
#include "vigil/decision.h"
#include "vigil/ip_address.h"

namespace vigil::internal {

struct SignalSettings;  // signals/signal.h

// What a signal does when its data is missing or its dependency failed.
enum class OnError { kOpen, kClosed };

enum class PolicyAction { kAllow, kMfaIfConfigured, kMfaRequired, kBlock };

struct NewDeviceConfig {
  double weight = 0.60;
  // Sub-score of a new device on an IP the user has trusted before (a new
  // phone at home), and on a /24 (/48) the user has trusted, from another
  // IP (the neighbourhood: the user's ISP, or someone near). 0.25 keeps a
  // new device at home well under the scores a 2-3 % challenge rate sets
  // its threshold at, where 0.5 put it at their edge.
  double known_ip_score = 0.25;
  // The sub-score of a new device is 1 - p_new, the user's chance of
  // bringing a new device: (new-device sign-ins - 1 + novelty_strength *
  // novelty_rate) / (sign-ins - 1 + novelty_strength), the user's own rate
  // shrunk toward the population's. A user with one device is surprised
  // (about 0.95), one whose browser randomizes its fingerprint is not.
  // novelty_strength 0: always 1.
  double novelty_rate = 0.05;
  double novelty_strength = 4;
  double known_network_score = 0.85;
  // The whole score is multiplied by this when the attempt carries a device
  // key that this user has trusted (1: no effect). A key is issued to a
  // browser after a sign-in and is the one thing a password thief lacks.
  double known_key_factor = 0.3;
  // The familiarity contributions (new_device, unfamiliar) are multiplied by
  // this when the attempt carries a device key this user has not trusted yet
  // (1: no effect). Keys are issued to a
  // browser after a sign-in to this account and verified by the auth server
  // (vigil's remembered devices, or the pool's own device tracking), so a
  // browser with one has signed in here before, on probation or before
  // vigil watched. Set 1 if the keys you pass are unverified client claims.
  double unknown_key_factor = 0.5;
  // The familiarity contributions (new_device, unfamiliar) are multiplied by
  // this when the attempt carries no device key but a fingerprint this user
  // has trusted (1: no effect): weaker than a key (a fingerprint is a
  // client's claim), stronger than nothing.
  double known_fingerprint_factor = 0.5;
  // The familiarity contributions are multiplied by this when the attempt
  // has no device key and a fingerprint the user has not trusted, from a
  // browser (user agent) this user has trusted at least
  // keyless_browser_min_sign_ins times without a key (1: no effect): a
  // browser that keeps no key and varies its fingerprint, as privacy modes
  // do. An impostor who copies the user agent of a browser that keeps its
  // key gains nothing from it.
  double keyless_browser_factor = 0.5;
  int keyless_browser_min_sign_ins = 2;
  // The sub-score of a new device without a key, on an IP the user has not
  // trusted, whose browser family and OS family this user has both trusted
  // (the kind of device they own) is multiplied by this, capped at 1 (1: no
  // effect): an impostor copies the browser and OS of the victim's device,
  // while a person's new device is of a new kind two times in three.
  double same_kind_factor = 1.15;
  // The sub-score of a new device without a key, on a /24 (/48) the user
  // has trusted from another IP, whose browser family or OS family this user
  // has never trusted (a kind new to them) is multiplied by this (1: no
  // effect): an impostor on the victim's network copies the victim's kind;
  // a person's new device at home is usually of a new kind.
  double new_kind_factor = 0.5;
};

struct UnfamiliarConfig {
  double weight = 1.0;
  double network_weight = 0.55;     // IP -> network -> ASN -> country
  double user_agent_weight = 0.20;  // UA -> browser -> OS -> device type
  // Multiplies the user-agent part when the device is new to the user: a
  // new device brings a new browser or OS as a rule, so its user agent says
  // little beyond "new device" (and one copied from the user's own is no
  // comfort).
  double user_agent_new_device_factor = 0.0;
  double alpha = 1.0;  // smoothing of the user's frequencies
  double scale = 1.5;  // log LR -> sub-score
  // Global probability of one value at each level (the prior), by Feature.
  double prior_ip = 1e-6;
  double prior_network = 1e-5;
  double prior_asn = 1e-3;
  double prior_country = 0.02;
  double prior_user_agent = 0.01;
  double prior_browser = 0.1;
  double prior_os = 0.15;
  double prior_device_type = 0.3;
  // Learned global shares of particular countries (ISO code -> share).
  absl::flat_hash_map<std::string, double> country_share;
  // A value the user has not seen at a level (the most general such level
  // above the one matched): LR = 1 / the user's chance of a new value there,
  // (novelties + s * rate) / (chances + s), the user's own record shrunk
  // toward the population's rate of new values at that level with strength
  // s = novelty_strength. Not for the IP inside a known /24 (DHCP renews
  // it). 0: only when no level matched, as
  // (n + alpha) / (distinct + alpha), blind for a user with one sign-in.
  double novelty_strength = 4;
  double novelty_network = 0.3;
  double novelty_asn = 0.1;
  double novelty_country = 0.03;
  double novelty_user_agent = 0.2;
  double novelty_browser = 0.1;
  double novelty_os = 0.05;
  double novelty_device_type = 0.05;
};

struct IpReputationConfig {
  double weight = 0.6;
  CidrSet always_allow;
  CidrSet always_block;
  CidrSet blocklist;  // all FireHOL files merged
  double blocklist_score = 1.0;
  double tor_score = 0.9;
  double public_proxy_score = 0.7;
  double anonymous_vpn_score = 0.5;
  double hosting_score = 0.4;
  // Networks whose organisation's name says hosting or VPN provider, scored
  // as the database's flag.
  HostingNames hosting_names = HostingNames::Default();
  double residential_proxy_score = 0.5;
  double anonymous_score = 0.5;
  // An IP / network this user reported as "not me" (feedback "invalid").
  double distrusted_ip_score = 1.0;
  double distrusted_network_score = 0.7;
  OnError on_error = OnError::kOpen;
};

// user_risk: the risk a user carries after a risky success with the right
// password, applied to the sensitive events that follow (an attacker's
// password change minutes after a risky sign-in).
struct UserRiskConfig {
  double weight = 1.0;
  // A success whose level reaches this raises the user's risk to its score.
  RiskLevel from_level = RiskLevel::kMedium;
  // The carried risk halves every half_life_hours.
  double half_life_hours = 24;
  // Multiplies the sub-score when the event comes from a device the user
  // had trusted at least twice before the risk was raised.
  double established_device_factor = 0.5;
  // By EventType: the events scored with it.
  std::array<bool, kEventTypeCount> event_types = {false, false, true, false};
};

// [learning]: how a profile learns from successes.
struct LearningConfig {
  // A success allowed on the password alone (no second factor, no "this was
  // me") whose level reaches this is learned on probation: kept aside, not
  // trusted, until a passed challenge, "this was me", or a quiet period.
  RiskLevel probation_level = RiskLevel::kLow;
  // A success confirmed by a passed challenge whose level reaches this is
  // learned on probation too (a second factor passed at high risk can be a
  // phished one; in a passive replay every challenge passes): trusted by
  // "this was me" or a quiet period; meanwhile "remember this device" spares
  // its owner the challenges up to medium.
  RiskLevel second_factor_probation_level = RiskLevel::kMedium;
  bool probation = true;
  // A probationary device is trusted once an established device of the
  // user signs in successfully at least this long after it, and nobody said
  // "not me" meanwhile.
  int quiet_days = 7;
};

struct LevelPolicy {
  PolicyAction action = PolicyAction::kAllow;
  bool notify = false;
};

// Challenges, one-time codes and remembered devices ([mfa] in the model file).
struct MfaPolicyConfig {
  // Levels at which a remembered device suppresses a challenge, by RiskLevel.
  std::array<bool, kRiskLevelCount> remembered_suppresses = {true, true, true,
                                                             false};
  int remembered_device_ttl_days = 90;
  int max_remembered_devices = 10;
  bool forget_devices_on_password_change = true;
  int challenge_ttl_seconds = 600;
  int totp_window = 1;        // accepted steps either side of now
  int max_code_attempts = 5;  // wrong answers before a challenge locks
  int code_ttl_seconds = 300;
  int resend_interval_seconds = 30;
  int max_sends_per_hour = 5;
  // Failed codes per user over 15 minutes before every answer is refused.
  int max_user_failures_15min = 10;
};

// [policy.compromised_credentials]: what a password found in a breach corpus
// does.
struct CompromisedCredentialsConfig {
  // By EventType: whether attempts of that type are checked.
  std::array<bool, kEventTypeCount> event_types = {true, true, true, false};
  // Breach count from which a password counts as compromised.
  int64_t min_count = 1;
  // true: block (and the decision says a password reset is required);
  // false: allow, with the reason.
  bool block = true;
};

struct ModelConfig {
  std::string name;
  int version = 0;
  std::string id;  // name@version

  // Score thresholds for low / medium / high (strictly increasing in (0,1]).
  double low = 0.30;
  double medium = 0.45;
  double high = 0.80;
  // A target legitimate challenge rate (0: off): the `medium` threshold is
  // then the score above which this share of the last target_window
  // successful sign-ins lay, once target_min_samples are known, never below
  // `low` nor above `high` (see ScoreQuantile).
  double target_challenge_rate = 0;
  int target_window = 50000;
  int target_min_samples = 2000;

  // Successful sign-ins after which a baseline is mature.
  int mature_after = 5;
  // Smoothing of the maturity ramp (see BaselineMaturity): the number of
  // sign-ins that weigh as much as the user's own evidence. 0: full weight
  // from the first sign-in on.
  double maturity_prior = 1.0;

  Mode mode = Mode::kEnforced;
  // [event type][level]
  std::array<std::array<LevelPolicy, kRiskLevelCount>, kEventTypeCount> policy;
  CompromisedCredentialsConfig compromised_credentials;

  NewDeviceConfig new_device;
  UnfamiliarConfig unfamiliar;
  IpReputationConfig ip_reputation;
  UserRiskConfig user_risk;
  // The settings of the signals that own them (Signal::LoadSettings), by
  // signal name; read with SettingsOf<T>(model) (signals/signal.h).
  absl::flat_hash_map<std::string, std::shared_ptr<const SignalSettings>>
      signal_settings;
  LearningConfig learning;
  MfaPolicyConfig mfa;
};

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_MODEL_MODEL_CONFIG_H_
