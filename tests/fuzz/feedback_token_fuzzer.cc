// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Fuzz target: the one-click feedback token verifier
// (internal::VerifyFeedbackToken, core/src/notify/feedback_token.h), which
// reads a token from a URL anyone can send to GET /v1/feedback.
//
// Input: bytes 0-7 are `now` (unix seconds, big endian, kept to a sane
// range); the rest is the token text.
//
// Invariants:
//   - an error is InvalidArgument ("token: malformed" / "token: bad
//     signature") or FailedPrecondition ("token: expired"), one of those
//     fixed messages, so it never contains the token or the key;
//   - an accepted token names a 48-hex event id, has not expired at `now`,
//     and is exactly the token SignFeedbackToken mints for its claim (no
//     second spelling of a valid token exists);
//   - a token minted from the input's bytes verifies to its claim before it
//     expires, is "expired" from then on, and is refused under another key
//     and with any one character changed.

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "fuzz_check.h"
#include "notify/feedback_token.h"
#include "vigil/secret.h"

namespace {

using vigil::FeedbackValue;
using vigil::SecretBytes;
using vigil::internal::FeedbackClaim;
using vigil::internal::SignFeedbackToken;
using vigil::internal::VerifyFeedbackToken;

const SecretBytes& Key() {
  static const auto* key = new SecretBytes(std::string("fuzz-feedback-key-0123456789abcdef"));
  return *key;
}
const SecretBytes& OtherKey() {
  static const auto* key = new SecretBytes(std::string("another-feedback-key-0123456789ab"));
  return *key;
}

bool IsLowerHex48(absl::string_view s) {
  if (s.size() != 48) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

void CheckError(const absl::Status& s) {
  FUZZ_CHECK(absl::IsInvalidArgument(s) || absl::IsFailedPrecondition(s), "%s",
             s.ToString().c_str());
  const absl::string_view m = s.message();
  FUZZ_CHECK(m == "token: malformed" || m == "token: bad signature" ||
                 m == "token: expired",
             "unexpected message %s", std::string(m).c_str());
  // Being one of those three fixed strings, it cannot echo the token (a
  // token such as "malformed" is a substring of one, which is no leak).
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 8) return 0;
  uint64_t raw = 0;
  for (int i = 0; i < 8; ++i) raw = raw << 8 | data[i];
  // 1970 to about 2106: what a clock can say.
  const absl::Time now = absl::FromUnixSeconds(static_cast<int64_t>(raw % (1ull << 32)));
  const absl::string_view token(reinterpret_cast<const char*>(data + 8), size - 8);

  // Whatever arrives in a URL.
  absl::StatusOr<FeedbackClaim> claim = VerifyFeedbackToken(Key(), token, now);
  if (!claim.ok()) {
    CheckError(claim.status());
  } else {
    FUZZ_CHECK(IsLowerHex48(claim->event_id));
    FUZZ_CHECK(now < claim->expires);
    absl::StatusOr<std::string> again = SignFeedbackToken(Key(), *claim);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(*again == token, "a second spelling of a valid token was accepted");
  }

  // A token minted from the input: event id from the bytes, value, expiry.
  FeedbackClaim mint;
  mint.event_id = absl::BytesToHexString(
      std::string(reinterpret_cast<const char*>(data), std::min<size_t>(size, 24)));
  mint.event_id.resize(48, '0');
  mint.value = (data[0] & 1) ? FeedbackValue::kInvalid : FeedbackValue::kValid;
  mint.expires = now + absl::Seconds(1 + data[1]);
  absl::StatusOr<std::string> minted = SignFeedbackToken(Key(), mint);
  FUZZ_CHECK(minted.ok(), "%s", minted.status().ToString().c_str());
  absl::StatusOr<FeedbackClaim> back = VerifyFeedbackToken(Key(), *minted, now);
  FUZZ_CHECK(back.ok(), "%s", back.status().ToString().c_str());
  FUZZ_CHECK(back->event_id == mint.event_id && back->value == mint.value &&
             back->expires == mint.expires);
  absl::StatusOr<FeedbackClaim> late = VerifyFeedbackToken(Key(), *minted, mint.expires);
  FUZZ_CHECK(absl::IsFailedPrecondition(late.status()));
  FUZZ_CHECK(!VerifyFeedbackToken(OtherKey(), *minted, now).ok());
  if (size > 10) {
    std::string changed = *minted;
    const size_t at = data[2] % changed.size();
    const char c = static_cast<char>(data[3]);
    if (changed[at] != c) {
      changed[at] = c;
      absl::StatusOr<FeedbackClaim> forged = VerifyFeedbackToken(Key(), changed, now);
      FUZZ_CHECK(!forged.ok(), "a changed token was accepted");
      CheckError(forged.status());
    }
  }
  return 0;
}
