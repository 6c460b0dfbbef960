// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// service/dovecot_policy.h: POST /v1/policy/dovecot, Dovecot's auth policy
// protocol (the one PowerDNS weakforced speaks), so that a mail server asks
// vigil before and after every IMAP / POP3 / submission login.
// docs/dovecot.md has the Dovecot configuration.
//
// Wire format (Dovecot 2.3's auth-policy.c). Dovecot POSTs a JSON object of
// strings built from auth_policy_request_attributes (default: login, pwhash,
// remote, device_id, protocol, session_id; Dovecot adds "tls" as a boolean)
// to <url>?command=allow before authenticating (and again after a
// successful password check, auth_policy_check_after_auth), and with
// "success" and "policy_reject" (booleans) to <url>?command=report once the
// login has ended. It reads {"status":N,"msg":"..."} from the allow answer:
// 0 accept, -1 reject (msg shown to the client), N > 0 wait N seconds, then
// go on. Any other HTTP status, or no answer within
// auth_policy_server_timeout_msecs, counts as the auth_policy_reject_on_fail
// setting says.
//
// The mapping:
//  - allow: one sign_in Attempt (user_id = login, ip = remote, user_agent =
//    protocol, device_fingerprint = device_id when set, or "sha256:<hex>" of
//    it when the engine could not take it as it is), evaluated as
//    POST /v1/evaluate does. allow -> 0; block -> -1 with [dovecot]
//    block_message; challenge (IMAP has no step-up) -> -1 with
//    challenge_message, or tarpit_seconds if [dovecot] challenge = "tarpit".
//    The answer also carries "event_id" and "verdict" (Dovecot ignores
//    them). A second allow for the same (session_id, login, pwhash) before
//    its report (the after-auth check) gets the same answer without a new
//    evaluation.
//  - report: the outcome of that evaluation (success -> success, else
//    failure; a failure feeds the velocity counters, so a burst of failures
//    for many users from one IP gets the IP refused). With policy_reject
//    true the password was never judged on its merits: no outcome is
//    recorded. A report with no allow to match (no session_id, the allow
//    went unasked, vigild restarted) is evaluated with its outcome as one
//    attempt, so that failures count all the same.
//
//  - What the mail client chooses never makes an error (which a fail-open
//    Dovecot would let through unchecked): a login that cannot be a vigil
//    user id (ValidateUserId) is refused (-1, block_message; its report
//    records nothing), and a device_id the engine would refuse is hashed.
//
// Errors, after which nothing has changed: 400 for a malformed query escape
// or body JSON, 422 for an unknown or missing command, an unknown field, a
// value of the wrong type, or an attempt the engine refuses.

#ifndef VIGIL_SERVICE_DOVECOT_POLICY_H_
#define VIGIL_SERVICE_DOVECOT_POLICY_H_

#include <boost/json/value.hpp>
#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace vigil::service {

enum class DovecotCommand { kAllow, kReport };

// One request's body.
struct DovecotRequest {
  std::string login;
  std::string remote;
  std::string pwhash;
  std::string device_id;
  std::string protocol;
  std::string session_id;
  bool success = false;        // report only (required there)
  bool policy_reject = false;  // report only
};

// Reads the body. Every field is a string (empty means absent) but "tls",
// "success" and "policy_reject" (booleans; "tls" may also be a string);
// login and remote are required and non-empty; "success" is required in a
// report. InvalidArgument "<field>: <reason>" otherwise, naming an unknown
// field. Error messages never quote pwhash.
absl::StatusOr<DovecotRequest> DovecotRequestFromJson(
    const boost::json::value& json, DovecotCommand command);

// The allow answers awaiting their report, by (session_id, login, pwhash):
// what makes the after-auth allow answer as the first did, and the report
// land on the evaluated event. Entries expire after `ttl`; at `capacity`
// the oldest goes. Thread-safe.
class DovecotSessions {
 public:
  struct Entry {
    std::string event_id;
    std::string verdict;  // "allow", "challenge", "block"
    int status = 0;
    std::string msg;
  };

  explicit DovecotSessions(size_t capacity = 100000,
                           absl::Duration ttl = absl::Minutes(5))
      : capacity_(capacity), ttl_(ttl) {}

  // "" (no correlation) if session_id is empty.
  static std::string Key(const DovecotRequest& request);

  void Put(const std::string& key, Entry entry, absl::Time now);
  // The entry, left in place.
  std::optional<Entry> Find(const std::string& key, absl::Time now);
  // The entry, removed.
  std::optional<Entry> Take(const std::string& key, absl::Time now);
  size_t size() const;

 private:
  struct Stored {
    Entry entry;
    absl::Time added;
  };
  void ExpireLocked(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const size_t capacity_;
  const absl::Duration ttl_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Stored> entries_ ABSL_GUARDED_BY(mu_);
  // Keys in the order they were added (a key put again appears twice; the
  // older mention is skipped when its time does not match).
  std::deque<std::pair<absl::Time, std::string>> order_ ABSL_GUARDED_BY(mu_);
};

}  // namespace vigil::service

#endif  // VIGIL_SERVICE_DOVECOT_POLICY_H_
