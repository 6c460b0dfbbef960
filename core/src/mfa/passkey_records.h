// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Stored passkey records, all in Table::kPasskeys (versioned binary
// encodings). Nothing here is secret: public keys, counters, challenges
// that were sent to a browser.
//  - PasskeyRecord under PasskeyKey(user, credential id): one credential.
//  - PasskeyUser under PasskeyUserKey(user): the user's WebAuthn user
//    handle (random, never the user id) and the one registration ceremony
//    under way, if any (a new start replaces it: one per user at most).
// The WebAuthn challenge of a vigil challenge's request options is kept on
// the challenge record itself (ChallengeRecord::factor_state).
// Key spaces are told apart by their first byte, so a user's credentials
// are one prefix scan.

#ifndef VIGIL_CORE_SRC_MFA_PASSKEY_RECORDS_H_
#define VIGIL_CORE_SRC_MFA_PASSKEY_RECORDS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "mfa/webauthn/webauthn.h"
#include "vigil/store.h"

namespace vigil::internal {

struct PasskeyRecord {
  webauthn::StoredCredential credential;
  std::string name;
  int64_t created = 0;    // unix seconds
  int64_t last_used = 0;  // unix seconds; 0: never

  std::string Encode() const;
  bool Decode(absl::string_view data);
};

struct PasskeyUser {
  std::string user_handle;  // 32 random bytes
  // The registration under way; empty id: none.
  std::string registration_id;
  std::string registration_challenge;
  int64_t registration_expires = 0;

  std::string Encode() const;
  bool Decode(absl::string_view data);
};

std::string PasskeyPrefix(absl::string_view user_id);
std::string PasskeyKey(absl::string_view user_id,
                       absl::string_view credential_id);
std::string PasskeyUserKey(absl::string_view user_id);

// All of `user_id`'s passkeys, in key order. DataLoss for an unreadable one.
absl::StatusOr<std::vector<PasskeyRecord>> LoadPasskeys(
    Store* store, absl::string_view user_id);

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_MFA_PASSKEY_RECORDS_H_
