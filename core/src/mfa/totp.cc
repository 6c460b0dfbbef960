// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "mfa/totp.h"

#include <liboath/oath.h>
#include <openssl/crypto.h>

#include <cstring>

#include "absl/strings/str_cat.h"

namespace vigil::internal {
namespace {

int OathFlags(TotpAlgorithm a) {
  switch (a) {
    case TotpAlgorithm::kSha1:
      return 0;
    case TotpAlgorithm::kSha256:
      return OATH_TOTP_HMAC_SHA256;
    case TotpAlgorithm::kSha512:
      return OATH_TOTP_HMAC_SHA512;
  }
  return 0;
}

const char* AlgorithmName(TotpAlgorithm a) {
  switch (a) {
    case TotpAlgorithm::kSha1:
      return "SHA1";
    case TotpAlgorithm::kSha256:
      return "SHA256";
    case TotpAlgorithm::kSha512:
      return "SHA512";
  }
  return "SHA1";
}

// liboath's strcmp callback: 0 when equal. Constant time in the contents.
int ConstantTimeCompare(void* handle, const char* test_otp) {
  const char* want = static_cast<const char*>(handle);
  const size_t n = std::strlen(want);
  if (std::strlen(test_otp) != n) return 1;
  return CRYPTO_memcmp(want, test_otp, n) == 0 ? 0 : 1;
}

struct OathInit {
  OathInit() { oath_init(); }
};

void EnsureInit() { static OathInit init; }

std::string PercentEncode(absl::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
        (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~' ||
        c == '@') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace

std::string TotpCode(absl::string_view secret, int64_t now,
                     const TotpParams& params) {
  EnsureInit();
  char out[16] = {};
  int rc = oath_totp_generate2(secret.data(), secret.size(),
                               static_cast<time_t>(now), params.step_seconds,
                               0, params.digits, OathFlags(params.algorithm), out);
  if (rc != OATH_OK) return "";
  std::string code(out);
  OPENSSL_cleanse(out, sizeof out);
  return code;
}

bool TotpVerify(absl::string_view secret, absl::string_view code, int64_t now,
                int window, const TotpParams& params, int64_t* step) {
  EnsureInit();
  if (code.size() != static_cast<size_t>(params.digits)) return false;
  for (char c : code) {
    if (c < '0' || c > '9') return false;
  }
  char buf[16] = {};
  std::memcpy(buf, code.data(), code.size());
  int pos = 0;
  uint64_t counter = 0;
  int rc = oath_totp_validate4_callback(
      secret.data(), secret.size(), static_cast<time_t>(now),
      params.step_seconds, 0, params.digits, static_cast<size_t>(window), &pos,
      &counter, OathFlags(params.algorithm), ConstantTimeCompare, buf);
  OPENSSL_cleanse(buf, sizeof buf);
  if (rc < 0) return false;
  if (step != nullptr) *step = static_cast<int64_t>(counter);
  return true;
}

std::string Base32Encode(absl::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
  return out;
}

std::string OtpauthUri(absl::string_view issuer, absl::string_view account,
                       absl::string_view secret_base32,
                       const TotpParams& params) {
  return absl::StrCat("otpauth://totp/", PercentEncode(issuer), ":",
                      PercentEncode(account), "?secret=", secret_base32,
                      "&issuer=", PercentEncode(issuer),
                      "&algorithm=", AlgorithmName(params.algorithm),
                      "&digits=", params.digits,
                      "&period=", params.step_seconds);
}

}  // namespace vigil::internal
