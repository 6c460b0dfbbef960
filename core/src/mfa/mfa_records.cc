// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "mfa/mfa_records.h"

#include <algorithm>

#include "common/encoding.h"

namespace vigil::internal {
namespace {

constexpr uint8_t kUserVersion = 1;
constexpr uint8_t kChallengeVersion = 1;
constexpr size_t kMaxTimes = 64;

void PutBox(Encoder* e, const std::optional<SealedBox>& box) {
  e->PutU8(box.has_value() ? 1 : 0);
  if (box) {
    e->PutString(box->key_id);
    e->PutString(box->nonce);
    e->PutString(box->ciphertext);
  }
}

bool GetBox(Decoder* d, std::optional<SealedBox>* box) {
  uint8_t has;
  if (!d->GetU8(&has)) return false;
  if (!has) {
    box->reset();
    return true;
  }
  SealedBox b;
  if (!d->GetString(&b.key_id) || !d->GetString(&b.nonce) ||
      !d->GetString(&b.ciphertext)) {
    return false;
  }
  *box = std::move(b);
  return true;
}

void PutTimes(Encoder* e, const std::vector<int64_t>& times) {
  e->PutVarint(times.size());
  for (int64_t t : times) e->PutSignedVarint(t);
}

bool GetTimes(Decoder* d, std::vector<int64_t>* times) {
  uint64_t n;
  if (!d->GetVarint(&n) || n > kMaxTimes) return false;
  times->resize(n);
  for (int64_t& t : *times) {
    if (!d->GetSignedVarint(&t)) return false;
  }
  return true;
}

}  // namespace

void TrimTimes(std::vector<int64_t>* times, int64_t since) {
  times->erase(std::remove_if(times->begin(), times->end(),
                              [&](int64_t t) { return t < since; }),
               times->end());
  if (times->size() > kMaxTimes) {
    times->erase(times->begin(), times->end() - kMaxTimes);
  }
}

std::string MfaUserRecord::Encode() const {
  std::string out;
  Encoder e(&out);
  e.PutU8(kUserVersion);
  e.PutVarint(enabled);
  e.PutSignedVarint(preferred);
  e.PutString(phone);
  e.PutString(email);
  PutBox(&e, totp);
  PutBox(&e, totp_pending);
  e.PutSignedVarint(totp_last_step);
  PutTimes(&e, failures);
  PutTimes(&e, sends);
  return out;
}

bool MfaUserRecord::Decode(absl::string_view data) {
  *this = MfaUserRecord();
  Decoder d(data);
  uint8_t version;
  uint64_t en;
  int64_t pref;
  if (!d.GetU8(&version) || version != kUserVersion || !d.GetVarint(&en) ||
      !d.GetSignedVarint(&pref) || !d.GetString(&phone) ||
      !d.GetString(&email) || !GetBox(&d, &totp) || !GetBox(&d, &totp_pending) ||
      !d.GetSignedVarint(&totp_last_step) || !GetTimes(&d, &failures) ||
      !GetTimes(&d, &sends)) {
    return false;
  }
  enabled = static_cast<uint32_t>(en);
  preferred = static_cast<int>(pref);
  return d.done();
}

std::string ChallengeRecord::Encode() const {
  std::string out;
  Encoder e(&out);
  e.PutU8(kChallengeVersion);
  e.PutString(user_id);
  e.PutString(event_id);
  e.PutSignedVarint(created);
  e.PutSignedVarint(expires);
  e.PutVarint(methods);
  e.PutVarint(wrong);
  e.PutU8(static_cast<uint8_t>(state));
  e.PutString(device_name);
  e.PutString(ip);
  e.PutString(city);
  e.PutString(country);
  e.PutU8(has_code ? 1 : 0);
  if (has_code) {
    e.PutVarint(code_method);
    e.PutString(code_key_id);
    e.PutString(code_mac);
    e.PutSignedVarint(code_expires);
  }
  if (factor_method >= 0) {
    e.PutVarint(static_cast<uint64_t>(factor_method));
    e.PutString(factor_state);
  }
  return out;
}

bool ChallengeRecord::Decode(absl::string_view data) {
  *this = ChallengeRecord();
  Decoder d(data);
  uint8_t version, st, hc;
  uint64_t m, w;
  if (!d.GetU8(&version) || version != kChallengeVersion ||
      !d.GetString(&user_id) || !d.GetString(&event_id) ||
      !d.GetSignedVarint(&created) || !d.GetSignedVarint(&expires) ||
      !d.GetVarint(&m) || !d.GetVarint(&w) || !d.GetU8(&st) || st > 2 ||
      !d.GetString(&device_name) || !d.GetString(&ip) || !d.GetString(&city) ||
      !d.GetString(&country) || !d.GetU8(&hc)) {
    return false;
  }
  methods = static_cast<uint32_t>(m);
  wrong = static_cast<uint32_t>(w);
  state = static_cast<ChallengeState>(st);
  has_code = hc != 0;
  if (has_code) {
    uint64_t cm;
    if (!d.GetVarint(&cm) || cm > 2 || !d.GetString(&code_key_id) ||
        !d.GetString(&code_mac) || !d.GetSignedVarint(&code_expires)) {
      return false;
    }
    code_method = static_cast<int>(cm);
  }
  if (!d.done()) {
    uint64_t fm;
    if (!d.GetVarint(&fm) || fm >= 32 || !d.GetString(&factor_state)) {
      return false;
    }
    factor_method = static_cast<int>(fm);
  }
  return d.done();
}

}  // namespace vigil::internal
