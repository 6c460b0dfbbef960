// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// vigil/sender.h: delivery of a message to a person (an e-mail, an SMS) or a
// system (a webhook). MFA codes and notifications use the same senders.
//
//   vigil::SmtpOptions smtp;
//   smtp.host = "mail.example.com";
//   smtp.port = 587;
//   smtp.tls = vigil::SmtpTls::kStartTls;
//   smtp.from = "security@example.com";
//   auto sender = vigil::CreateSmtpSender(smtp);
//   (*sender)->Send({.to = "a@example.com", .subject = "...", .text = "..."});

#ifndef VIGIL_SENDER_H_
#define VIGIL_SENDER_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "vigil/secret.h"

namespace vigil {

struct OutgoingMessage {
  std::string to;       // an e-mail address, a phone number, or empty (webhook)
  std::string subject;  // e-mail only
  std::string text;     // the plain-text body
  std::string html;     // optional HTML alternative (e-mail only)
  // Stable across retries of one message, so a receiver can drop duplicates.
  std::string idempotency_key;
  // Webhook only: a JSON object sent as the "data" member of the body
  // (event details for a SIEM). Empty: no "data" member.
  std::string data_json;
};

// Delivers messages. Implementations are thread-safe; Send blocks until the
// message is accepted by the next hop or fails. Errors: Unavailable when the
// next hop cannot be reached or refuses temporarily (retry later),
// FailedPrecondition when it refuses permanently, InvalidArgument for a
// message the transport cannot carry. No error message contains the body.
class Sender {
 public:
  virtual ~Sender() = default;
  virtual absl::Status Send(const OutgoingMessage& message) = 0;
};

enum class SmtpTls {
  kNone,      // plain SMTP (a local relay)
  kStartTls,  // STARTTLS, required: fail if the server does not offer it
};

struct SmtpOptions {
  std::string host;
  int port = 25;
  SmtpTls tls = SmtpTls::kNone;
  // Verify the server's certificate against the system trust store.
  bool verify_certificate = true;
  std::string ca_file;  // extra trust anchors (PEM); optional
  // AUTH PLAIN when `username` is set (only over TLS unless allow_plain_auth).
  std::string username;
  SecretBytes password;
  bool allow_plain_auth = false;
  std::string from;  // envelope and header sender, required
  std::string helo_name = "vigil.localhost";
  absl::Duration timeout = absl::Seconds(30);
};

// Checks `options` (host, port, from) and returns a sender that opens one
// SMTP connection per message.
absl::StatusOr<std::unique_ptr<Sender>> CreateSmtpSender(SmtpOptions options);

struct SignedPostOptions {
  // http://host[:port]/path (https://... is accepted and uses TLS).
  std::string url;
  // HMAC-SHA256 key of the signature header.
  SecretBytes key;
  // The header carries "sha256=<hex of HMAC-SHA256(key, body)>".
  std::string signature_header = "X-Vigil-Signature";
  bool verify_certificate = true;
  absl::Duration timeout = absl::Seconds(10);
};

// A sender that POSTs each message as JSON
//   {"to": ..., "subject": ..., "text": ..., "idempotency_key": ...
//    [, "data": <OutgoingMessage::data_json>]}
// with an HMAC-SHA256 signature header and an Idempotency-Key header; any 2xx
// answer is a success. For SMS gateways and webhooks.
absl::StatusOr<std::unique_ptr<Sender>> CreateSignedPostSender(
    SignedPostOptions options);

// The signature header value for `body` under `key`: "sha256=<64 hex>".
std::string SignBody(const SecretBytes& key, absl::string_view body);

}  // namespace vigil

#endif  // VIGIL_SENDER_H_
