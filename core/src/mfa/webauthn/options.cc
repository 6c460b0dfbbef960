// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Names of the user-verification requirement, fresh challenges, and the
// refusal tokens.

#include <openssl/rand.h>

#include <cstdlib>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "mfa/webauthn/internal.h"
#include "mfa/webauthn/webauthn.h"

namespace vigil::internal::webauthn {

absl::string_view UserVerificationName(UserVerification uv) {
  switch (uv) {
    case UserVerification::kRequired:
      return "required";
    case UserVerification::kPreferred:
      return "preferred";
    case UserVerification::kDiscouraged:
      return "discouraged";
  }
  return "preferred";
}

absl::StatusOr<UserVerification> ParseUserVerification(absl::string_view name) {
  if (name == "required") return UserVerification::kRequired;
  if (name == "preferred") return UserVerification::kPreferred;
  if (name == "discouraged") return UserVerification::kDiscouraged;
  return detail::Malformed(
      "userVerification must be required, preferred or discouraged");
}

std::string NewChallenge() {
  std::string out(kChallengeBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()),
                 static_cast<int>(out.size())) != 1) {
    std::abort();  // no randomness: nothing safe to hand out
  }
  return out;
}

absl::string_view RefusalReason(const absl::Status& status) {
  static constexpr absl::string_view kTokens[] = {"malformed",
                                                  "type_mismatch",
                                                  "challenge_mismatch",
                                                  "origin_not_allowed",
                                                  "cross_origin",
                                                  "rp_id_mismatch",
                                                  "user_not_present",
                                                  "user_not_verified",
                                                  "credential_mismatch",
                                                  "unsupported_algorithm",
                                                  "unsupported_attestation",
                                                  "bad_signature",
                                                  "counter_regressed"};
  if (status.ok()) return "";
  absl::string_view message = status.message();
  size_t colon = message.find(':');
  if (colon == absl::string_view::npos) return "";
  absl::string_view token = message.substr(0, colon);
  for (absl::string_view known : kTokens) {
    if (token == known) return known;
  }
  return "";
}

}  // namespace vigil::internal::webauthn
