// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "notify/feedback_token.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/crypto.h"
#include "common/encoding.h"
#include "store/event_record.h"

namespace vigil::internal {
namespace {

constexpr uint8_t kTokenVersion = 1;
constexpr size_t kEventIdBytes = kEventIdHexLength / 2;
constexpr size_t kPayloadBytes = 1 + 1 + 8 + kEventIdBytes;
constexpr absl::string_view kMacContext = "vigil-feedback-v1.";

std::string Mac(const SecretBytes& key, absl::string_view payload_b64) {
  return HmacSha256(key.reveal(), absl::StrCat(kMacContext, payload_b64));
}

bool IsBase64UrlNoPad(absl::string_view s) {
  for (char c : s) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
          (c >= '0' && c <= '9') || c == '-' || c == '_')) {
      return false;
    }
  }
  return true;
}

// Whether `text` is exactly how `bytes` encode: a last character with stray
// low bits decodes to the same bytes, and would be a second spelling of a
// token (found by tests/fuzz/feedback_token_fuzzer).
bool IsCanonical(absl::string_view bytes, absl::string_view text) {
  std::string again;
  absl::WebSafeBase64Escape(bytes, &again);
  return again == text;
}

}  // namespace

absl::StatusOr<std::string> SignFeedbackToken(const SecretBytes& key,
                                              const FeedbackClaim& claim) {
  if (key.empty()) return absl::InvalidArgumentError("feedback key: empty");
  std::string event_key;
  if (!EventKey(claim.event_id, &event_key)) {
    return absl::InvalidArgumentError("event_id: not an event id");
  }
  std::string payload;
  payload.push_back(static_cast<char>(kTokenVersion));
  payload.push_back(static_cast<char>(claim.value));
  PutBigEndian64(&payload,
                 static_cast<uint64_t>(absl::ToUnixSeconds(claim.expires)));
  payload.append(event_key.substr(1));  // the raw 24 bytes after "v"
  std::string payload_b64;
  absl::WebSafeBase64Escape(payload, &payload_b64);
  std::string mac_b64;
  absl::WebSafeBase64Escape(Mac(key, payload_b64), &mac_b64);
  return absl::StrCat(payload_b64, ".", mac_b64);
}

absl::StatusOr<FeedbackClaim> VerifyFeedbackToken(const SecretBytes& key,
                                                  absl::string_view token,
                                                  absl::Time now) {
  const absl::Status malformed = absl::InvalidArgumentError("token: malformed");
  if (key.empty() || token.empty() || token.size() > kMaxFeedbackTokenLength) {
    return malformed;
  }
  const size_t dot = token.find('.');
  if (dot == absl::string_view::npos) return malformed;
  const absl::string_view payload_b64 = token.substr(0, dot);
  const absl::string_view mac_b64 = token.substr(dot + 1);
  // Only the canonical unpadded alphabet: one token, one spelling.
  if (!IsBase64UrlNoPad(payload_b64) || !IsBase64UrlNoPad(mac_b64)) {
    return malformed;
  }
  std::string mac;
  if (!absl::WebSafeBase64Unescape(mac_b64, &mac) || mac.size() != 32 ||
      !IsCanonical(mac, mac_b64)) {
    return malformed;
  }
  // The signature first: nothing of an unsigned payload is interpreted.
  if (!ConstantTimeEquals(mac, Mac(key, payload_b64))) {
    return absl::InvalidArgumentError("token: bad signature");
  }
  std::string payload;
  if (!absl::WebSafeBase64Unescape(payload_b64, &payload) ||
      payload.size() != kPayloadBytes || !IsCanonical(payload, payload_b64) ||
      static_cast<uint8_t>(payload[0]) != kTokenVersion ||
      static_cast<uint8_t>(payload[1]) > 1) {
    return malformed;
  }
  FeedbackClaim claim;
  claim.value = static_cast<FeedbackValue>(payload[1]);
  uint64_t expires = 0;
  GetBigEndian64(absl::string_view(payload).substr(2, 8), &expires);
  if (expires > static_cast<uint64_t>(INT64_MAX)) return malformed;
  claim.expires = absl::FromUnixSeconds(static_cast<int64_t>(expires));
  claim.event_id = absl::BytesToHexString(payload.substr(10));
  if (now >= claim.expires)
    return absl::FailedPreconditionError("token: expired");
  return claim;
}

}  // namespace vigil::internal
