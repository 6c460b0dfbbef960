// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/dovecot_policy.h"

#include <openssl/evp.h>

#include <boost/json/monotonic_resource.hpp>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "service/handlers.h"
#include "service/json_codec.h"
#include "service/json_writer.h"
#include "vigil/attempt.h"

namespace vigil::service {
namespace {

namespace json = boost::json;

absl::Status Invalid(absl::string_view field, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", reason));
}

absl::string_view View(json::string_view s) {
  return absl::string_view(s.data(), s.size());
}

absl::Status GetString(absl::string_view field, const json::value& v,
                       std::string* out) {
  if (!v.is_string()) return Invalid(field, "expected a string");
  *out = std::string(View(v.get_string()));
  return absl::OkStatus();
}

absl::Status GetBool(absl::string_view field, const json::value& v, bool* out) {
  if (!v.is_bool()) return Invalid(field, "expected true or false");
  *out = v.get_bool();
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<DovecotRequest> DovecotRequestFromJson(const json::value& json,
                                                      DovecotCommand command) {
  if (!json.is_object()) return Invalid("body", "expected a JSON object");
  DovecotRequest r;
  bool has_success = false;
  for (const auto& [key, value] : json.get_object()) {
    const absl::string_view k = View(key);
    absl::Status s;
    if (k == "login") {
      s = GetString(k, value, &r.login);
    } else if (k == "remote") {
      s = GetString(k, value, &r.remote);
    } else if (k == "pwhash") {
      // Never quoted back.
      s = GetString(k, value, &r.pwhash);
    } else if (k == "device_id") {
      s = GetString(k, value, &r.device_id);
    } else if (k == "protocol") {
      s = GetString(k, value, &r.protocol);
    } else if (k == "session_id") {
      s = GetString(k, value, &r.session_id);
    } else if (k == "tls") {
      // Not used; Dovecot sends a boolean, a template may send a string.
      if (!value.is_bool() && !value.is_string()) {
        s = Invalid(k, "expected true, false or a string");
      }
    } else if (k == "fail_type") {
      std::string ignored;
      s = GetString(k, value, &ignored);
    } else if (k == "success" && command == DovecotCommand::kReport) {
      has_success = true;
      s = GetBool(k, value, &r.success);
    } else if (k == "policy_reject" && command == DovecotCommand::kReport) {
      s = GetBool(k, value, &r.policy_reject);
    } else {
      s = Invalid(absl::StrCat(k.substr(0, 64)),
                  command == DovecotCommand::kReport
                      ? "unknown field (want login, remote, pwhash, device_id, "
                        "protocol, session_id, tls, fail_type, success, "
                        "policy_reject)"
                      : "unknown field (want login, remote, pwhash, device_id, "
                        "protocol, session_id, tls, fail_type)");
    }
    if (!s.ok()) return s;
  }
  if (r.login.empty()) {
    return Invalid("login", "required (Dovecot's %{requested_username})");
  }
  if (r.remote.empty()) {
    return Invalid("remote",
                   "required (Dovecot's %{rip}, the client's address)");
  }
  if (command == DovecotCommand::kReport && !has_success) {
    return Invalid("success", "required in a report");
  }
  return r;
}

std::string DovecotSessions::Key(const DovecotRequest& request) {
  if (request.session_id.empty()) return "";
  // Newlines cannot occur in Dovecot's session ids and hex hashes; a login
  // with one is refused by the engine before an entry is made.
  return absl::StrCat(request.session_id, "\n", request.pwhash, "\n",
                      request.login);
}

void DovecotSessions::ExpireLocked(absl::Time now) {
  // Mentions of taken or re-put keys stay in order_ until they reach its
  // front: bound them too.
  while (!order_.empty() &&
         (order_.front().first + ttl_ <= now || entries_.size() > capacity_ ||
          order_.size() > 2 * capacity_)) {
    auto it = entries_.find(order_.front().second);
    if (it != entries_.end() && it->second.added == order_.front().first) {
      entries_.erase(it);
    }
    order_.pop_front();
  }
}

void DovecotSessions::Put(const std::string& key, Entry entry, absl::Time now) {
  if (key.empty()) return;
  absl::MutexLock lock(&mu_);
  entries_[key] = Stored{std::move(entry), now};
  order_.emplace_back(now, key);
  ExpireLocked(now);
}

std::optional<DovecotSessions::Entry> DovecotSessions::Find(
    const std::string& key, absl::Time now) {
  if (key.empty()) return std::nullopt;
  absl::MutexLock lock(&mu_);
  ExpireLocked(now);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second.entry;
}

std::optional<DovecotSessions::Entry> DovecotSessions::Take(
    const std::string& key, absl::Time now) {
  if (key.empty()) return std::nullopt;
  absl::MutexLock lock(&mu_);
  ExpireLocked(now);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  Entry entry = std::move(it->second.entry);
  entries_.erase(it);
  return entry;
}

size_t DovecotSessions::size() const {
  absl::MutexLock lock(&mu_);
  return entries_.size();
}

namespace {

// The answer Dovecot reads: {"status":N,"msg":"..."}, and what vigil adds.
Reply PolicyReply(const DovecotSessions::Entry& e,
                  absl::string_view outcome = "") {
  Reply r;
  JsonWriter w(&r.body);
  w.BeginObject();
  w.Key("status");
  w.Int(e.status);
  w.Key("msg");
  w.String(e.msg);
  if (!e.event_id.empty()) {
    w.Key("event_id");
    w.String(e.event_id);
  }
  if (!e.verdict.empty()) {
    w.Key("verdict");
    w.String(e.verdict);
  }
  if (!outcome.empty()) {
    w.Key("outcome");
    w.String(outcome);
  }
  w.EndObject();
  return r;
}

// The device_id (Dovecot's %{client_id}, the IMAP ID) is the client's to
// choose. One the engine would refuse (over 256 bytes, control characters)
// becomes "sha256:<hex>" of itself: a client must not be able to turn its
// login into an error, which auth_policy_reject_on_fail = no lets through
// unchecked.
std::string DeviceFingerprint(absl::string_view device_id) {
  constexpr size_t kMaxDeviceBytes = 256;
  bool storable = device_id.size() <= kMaxDeviceBytes;
  for (unsigned char c : device_id) storable = storable && c >= 0x20 && c != 0x7f;
  if (storable) return std::string(device_id);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(device_id.data(), device_id.size(), digest, &len,
                 EVP_sha256(), nullptr) != 1) {
    return "sha256:unavailable";
  }
  return absl::StrCat(
      "sha256:", absl::BytesToHexString(absl::string_view(
                     reinterpret_cast<const char*>(digest), len)));
}

Attempt AttemptOf(const DovecotRequest& r) {
  Attempt a;
  a.event_type = EventType::kSignIn;
  a.user_id = r.login;
  a.ip = r.remote;
  a.user_agent = r.protocol;
  a.device_fingerprint = DeviceFingerprint(r.device_id);
  return a;
}

// The decision as Dovecot's status.
DovecotSessions::Entry EntryOf(const Decision& d, const DovecotOptions& o) {
  DovecotSessions::Entry e;
  e.event_id = d.event_id;
  e.verdict = std::string(VerdictName(d.verdict));
  switch (d.verdict) {
    case Verdict::kAllow:
      break;
    case Verdict::kBlock:
      e.status = -1;
      e.msg = o.block_message;
      break;
    case Verdict::kChallenge:
      if (o.challenge == "tarpit") {
        e.status = o.tarpit_seconds;
      } else {
        e.status = -1;
        e.msg = o.challenge_message;
      }
      break;
  }
  return e;
}

}  // namespace

Reply HandleDovecotPolicy(const Request& req, ServiceContext& ctx,
                          RequestNotes* notes) {
  std::vector<std::pair<std::string, std::string>> query;
  if (!ParseQuery(absl::string_view(req.target().data(), req.target().size()),
                  &query)) {
    return ErrorReply(400, "bad_request", "query: malformed %-escape");
  }
  std::optional<DovecotCommand> command;
  for (const auto& [name, value] : query) {
    if (name != "command") {
      return ErrorReply(422, "invalid_argument",
                        absl::StrCat(absl::string_view(name).substr(0, 64),
                                     ": unknown query parameter (want "
                                     "command)"));
    }
    if (command.has_value()) {
      return ErrorReply(422, "invalid_argument", "command: given twice");
    }
    if (value == "allow") {
      command = DovecotCommand::kAllow;
    } else if (value == "report") {
      command = DovecotCommand::kReport;
    } else {
      return ErrorReply(422, "invalid_argument",
                        "command: must be allow or report");
    }
  }
  if (!command.has_value()) {
    return ErrorReply(422, "invalid_argument",
                      "command: required (?command=allow or ?command=report)");
  }

  unsigned char buffer[2048];
  json::monotonic_resource arena(buffer, sizeof(buffer));
  absl::StatusOr<json::value> body =
      ParseJsonBody(absl::string_view(req.body().data(), req.body().size()),
                    ctx.config().max_json_depth, json::storage_ptr(&arena));
  if (!body.ok())
    return ErrorReply(400, "malformed_json", body.status().message());
  absl::StatusOr<DovecotRequest> request =
      DovecotRequestFromJson(*body, *command);
  if (!request.ok()) {
    return ErrorReply(422, "invalid_argument", request.status().message());
  }

  // A login name no user of vigil can have (ValidateUserId: over 256 bytes,
  // not UTF-8, control characters) is the client's doing, not a bad
  // request: refused, recorded nowhere, never an error that a fail-open
  // Dovecot would let through.
  if (!ValidateUserId(request->login).ok()) {
    DovecotSessions::Entry refused;
    if (*command == DovecotCommand::kAllow) {
      refused.status = -1;
      refused.msg = ctx.config().dovecot.block_message;
      refused.verdict = std::string(VerdictName(Verdict::kBlock));
      return PolicyReply(refused);
    }
    return PolicyReply(refused, "none");
  }

  DovecotSessions& sessions = ctx.dovecot_sessions();
  const std::string key = DovecotSessions::Key(*request);
  const absl::Time now = absl::Now();
  const DovecotOptions& options = ctx.config().dovecot;

  if (*command == DovecotCommand::kAllow) {
    // The after-auth check of a login already asked about.
    if (std::optional<DovecotSessions::Entry> seen = sessions.Find(key, now)) {
      notes->event_id = seen->event_id;
      return PolicyReply(*seen);
    }
    absl::StatusOr<Decision> decision =
        EvaluateAttempt(AttemptOf(*request), ctx, notes);
    if (!decision.ok()) return EngineErrorReply(decision.status());
    DovecotSessions::Entry entry = EntryOf(*decision, options);
    sessions.Put(key, entry, now);
    return PolicyReply(entry);
  }

  // report
  std::optional<DovecotSessions::Entry> asked = sessions.Take(key, now);
  if (request->policy_reject) {
    // Refused by policy: the password was not judged on its merits.
    DovecotSessions::Entry e;
    if (asked.has_value()) {
      e.event_id = asked->event_id;
      notes->event_id = e.event_id;
    }
    return PolicyReply(e, "none");
  }
  const Outcome outcome =
      request->success ? Outcome::kSuccess : Outcome::kFailure;
  if (asked.has_value()) {
    absl::Status s = RecordAttemptOutcome(asked->event_id, outcome, ctx, notes);
    // Gone by retention, or given an outcome by another caller: the report
    // still counts, as an attempt of its own.
    if (s.ok()) {
      DovecotSessions::Entry e;
      e.event_id = asked->event_id;
      return PolicyReply(e, OutcomeName(outcome));
    }
    if (!absl::IsNotFound(s) && !absl::IsFailedPrecondition(s)) {
      return EngineErrorReply(s);
    }
  }
  Attempt attempt = AttemptOf(*request);
  attempt.outcome = outcome;
  absl::StatusOr<Decision> decision = EvaluateAttempt(attempt, ctx, notes);
  if (!decision.ok()) return EngineErrorReply(decision.status());
  DovecotSessions::Entry e;
  e.event_id = decision->event_id;
  return PolicyReply(e, OutcomeName(outcome));
}

}  // namespace vigil::service
