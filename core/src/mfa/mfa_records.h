// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Stored MFA records (versioned binary encodings):
//  - MfaUserRecord in Table::kTotp under the user id: settings, the TOTP
//    secret sealed with AES-256-GCM (and a pending one during enrolment), the
//    last accepted time step, recent failed codes and sends (rate limits).
//  - ChallengeRecord in Table::kChallenges under the challenge id: state,
//    wrong answers, the last sent one-time code as an HMAC only, and the
//    state of a factor that started (optional trailer).

#ifndef VIGIL_CORE_SRC_MFA_MFA_RECORDS_H_
#define VIGIL_CORE_SRC_MFA_MFA_RECORDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "mfa/keyring.h"

namespace vigil::internal {

// Bit of a method in factor masks (UserProfile::mfa_factors, challenges).
inline constexpr uint32_t MethodBit(int method) { return 1u << method; }

struct MfaUserRecord {
  uint32_t enabled = 0;  // MethodBit mask
  int preferred = -1;    // MfaMethod or -1
  std::string phone;
  std::string email;
  std::optional<SealedBox> totp;          // active secret
  std::optional<SealedBox> totp_pending;  // enrolment under way
  int64_t totp_last_step = -1;            // replay guard
  std::vector<int64_t> failures;          // unix seconds of recent failed codes
  std::vector<int64_t> sends;             // unix seconds of recent code sends

  std::string Encode() const;
  bool Decode(absl::string_view data);
};

enum class ChallengeState : uint8_t { kOpen = 0, kPassed, kLocked };

struct ChallengeRecord {
  std::string user_id;
  std::string event_id;
  int64_t created = 0;     // unix seconds
  int64_t expires = 0;     // unix seconds
  uint32_t methods = 0;    // MethodBit mask
  uint32_t wrong = 0;      // wrong answers
  ChallengeState state = ChallengeState::kOpen;
  // The device the attempt came from, for a remembered-device entry.
  std::string device_name;
  std::string ip;
  std::string city;
  std::string country;
  // The last sent one-time code.
  bool has_code = false;
  int code_method = 0;
  std::string code_key_id;
  std::string code_mac;  // HMAC-SHA256(derived key, challenge id || code)
  int64_t code_expires = 0;
  // What a factor keeps between its Start and its Verify (e.g. the options
  // it issued), owned by the factor of `factor_method`; -1: nothing. Stored
  // as an optional trailer (records without one still decode).
  int factor_method = -1;
  std::string factor_state;

  std::string Encode() const;
  bool Decode(absl::string_view data);
};

// Drops entries of `times` older than `since`.
void TrimTimes(std::vector<int64_t>* times, int64_t since);

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_MFA_MFA_RECORDS_H_
