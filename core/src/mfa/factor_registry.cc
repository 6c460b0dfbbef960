// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "absl/strings/str_cat.h"
#include "mfa/factor.h"

namespace vigil::internal {

absl::Status FactorRegistry::Register(std::unique_ptr<Factor> factor) {
  if (factor == nullptr) return absl::InvalidArgumentError("factor: null");
  const int m = static_cast<int>(factor->method());
  if (m < 0 || m >= kMfaMethodCount) {
    return absl::InvalidArgumentError("factor: unknown method");
  }
  if (factors_[m] != nullptr) {
    return absl::AlreadyExistsError(
        absl::StrCat("factor: ", factor->name(), " is already registered"));
  }
  factors_[m] = std::move(factor);
  methods_ |= MethodBit(m);
  return absl::OkStatus();
}

std::vector<Factor*> FactorRegistry::all() const {
  std::vector<Factor*> out;
  for (const auto& f : factors_) {
    if (f != nullptr) out.push_back(f.get());
  }
  return out;
}

bool FactorRegistry::AnyTakes(const ChallengeAnswer& answer) const {
  for (const auto& f : factors_) {
    if (f != nullptr && f->Takes(answer)) return true;
  }
  return false;
}

absl::string_view AnswerTypeName(const ChallengeAnswer& answer) {
  if (std::holds_alternative<OneTimeCode>(answer.value)) return "code";
  return "webauthn assertion";
}

}  // namespace vigil::internal
