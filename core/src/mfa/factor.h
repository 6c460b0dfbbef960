// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The factor seam: one small interface per second factor, and the registry
// the MFA service holds. The service owns what every factor shares (the
// challenge's state, expiry, wrong-answer and per-user lockout, recording
// the answer on the event, remembering the device); a factor owns only what
// is its own: whether a user may enable it, how it starts (a code sent, or
// options produced) and whether a typed answer passes it.
//
// Adding a factor: implement Factor for a new MfaMethod, register it in
// RegisterFactors (mfa/factors.cc); the registry then makes the method
// enabled-able and offerable, and routes answers of the types it takes.

#ifndef VIGIL_CORE_SRC_MFA_FACTOR_H_
#define VIGIL_CORE_SRC_MFA_FACTOR_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "mfa/contacts.h"
#include "mfa/mfa_records.h"
#include "model/model_config.h"
#include "vigil/mfa.h"
#include "vigil/sender.h"
#include "vigil/store.h"

namespace vigil::internal {

// One call on an open, unexpired challenge, made under its user's MFA lock.
// A factor may change `challenge` and `user` (the service writes both back
// when the call succeeds) and add writes of its own to `batch`, which the
// service commits atomically with them.
struct FactorCall {
  absl::string_view challenge_id;
  ChallengeRecord* challenge;
  MfaUserRecord* user;
  UserContacts contacts;  // the contact service's, for the user
  const MfaPolicyConfig& policy;
  int64_t now;  // unix seconds
  WriteBatch* batch;
  // Out: why a factor refused the answer (a passkey's reason token); the
  // service reports it in VerifyOutcome::reason.
  std::string reason = {};
};

// What a factor's Start produced.
struct FactorStart {
  absl::Time expires_at;
  absl::Time next_send_at = absl::InfinitePast();
  std::optional<PasskeyRequestOptions> webauthn;  // webauthn's options
  // A message to deliver once the records are written, outside the lock;
  // null: none. A failed delivery gives the send back (MfaUserRecord::sends
  // loses the entry at `now`) and is Unavailable.
  Sender* sender = nullptr;
  OutgoingMessage message;
};

// A factor's judgement of an answer it takes.
enum class FactorVerdict {
  kNoMatch,  // not this factor's answer, or wrong
  kPassed,
  kExpired,  // this factor's answer, but too late (not counted as wrong)
};

class Factor {
 public:
  virtual ~Factor() = default;

  virtual MfaMethod method() const = 0;
  absl::string_view name() const { return MfaMethodName(method()); }

  // Whether `answer` is of the type this factor checks.
  virtual bool Takes(const ChallengeAnswer& answer) const = 0;

  // Whether user `user_id` (whose MFA record is `user`) may enable (and so
  // be offered) this factor, with the contact details `contacts`: OK;
  // InvalidArgument "<field>: ..." for a missing contact detail;
  // FailedPrecondition for an enrolment missing (no passkey, no TOTP
  // secret) or a delivery not configured.
  virtual absl::Status CheckEnable(absl::string_view user_id,
                                   const MfaUserRecord& user,
                                   const UserContacts& contacts) const = 0;

  // Whether Start sends a one-time code (MfaService::SendCode's methods).
  virtual bool SendsCode() const { return false; }

  // Starts answering the challenge: sends a code, or produces the options
  // the client needs. The service has checked the challenge (open,
  // unexpired, offering this method) and the user (not locked).
  // InvalidArgument if this factor has nothing to start.
  virtual absl::StatusOr<FactorStart> Start(FactorCall& call) = 0;

  // Checks `answer` (of a type Takes) against the challenge. The service
  // has checked the challenge and the user as for Start. An error aborts
  // the answer: nothing is written.
  virtual absl::StatusOr<FactorVerdict> Verify(
      FactorCall& call, const ChallengeAnswer& answer) = 0;
};

// The factors the MFA service knows, at most one per method; fixed once the
// service is built.
class FactorRegistry {
 public:
  // InvalidArgument for a null factor; AlreadyExists if its method has one.
  absl::Status Register(std::unique_ptr<Factor> factor);

  // The factor of `method`; null if none is registered.
  Factor* Find(MfaMethod method) const {
    return factors_[static_cast<int>(method)].get();
  }
  // As Find, as the factor's own type; null if none or of another type.
  template <typename T>
  T* Get(MfaMethod method) const {
    return dynamic_cast<T*>(Find(method));
  }
  // MethodBit mask of the registered methods: what a challenge may offer.
  uint32_t methods() const { return methods_; }
  // The registered factors, in MfaMethod order.
  std::vector<Factor*> all() const;
  // Whether some registered factor takes `answer`.
  bool AnyTakes(const ChallengeAnswer& answer) const;

 private:
  std::array<std::unique_ptr<Factor>, kMfaMethodCount> factors_;
  uint32_t methods_ = 0;
};

// The name of an answer's type, for messages: "code", "webauthn assertion".
absl::string_view AnswerTypeName(const ChallengeAnswer& answer);

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_MFA_FACTOR_H_
