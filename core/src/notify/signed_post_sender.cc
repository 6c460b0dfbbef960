// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// A sender that POSTs a message as JSON, signed with HMAC-SHA256 (for SMS
// gateways and webhooks).

#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/crypto.h"
#include "common/json_escape.h"
#include "common/status_macros.h"
#include "notify/net_stream.h"
#include "vigil/sender.h"

namespace vigil {
namespace {

struct Url {
  bool https = false;
  std::string host;
  int port = 80;
  std::string target;
};

absl::StatusOr<Url> ParseUrl(absl::string_view text) {
  Url u;
  absl::string_view rest;
  if (absl::StartsWith(text, "http://")) {
    rest = text.substr(7);
  } else if (absl::StartsWith(text, "https://")) {
    rest = text.substr(8);
    u.https = true;
    u.port = 443;
  } else {
    return absl::InvalidArgumentError("url: must start with http:// or https://");
  }
  const size_t slash = rest.find('/');
  absl::string_view authority = rest.substr(0, slash);
  u.target = slash == absl::string_view::npos ? "/" : std::string(rest.substr(slash));
  const size_t colon = authority.rfind(':');
  if (colon != absl::string_view::npos && authority.find(']', colon) == absl::string_view::npos) {
    if (!absl::SimpleAtoi(authority.substr(colon + 1), &u.port) || u.port < 1 ||
        u.port > 65535) {
      return absl::InvalidArgumentError("url: bad port");
    }
    authority = authority.substr(0, colon);
  }
  if (authority.size() > 2 && authority.front() == '[' && authority.back() == ']') {
    authority = authority.substr(1, authority.size() - 2);
  }
  if (authority.empty()) return absl::InvalidArgumentError("url: no host");
  u.host = std::string(authority);
  if (u.target.find_first_of("\r\n ") != std::string::npos) {
    return absl::InvalidArgumentError("url: bad path");
  }
  return u;
}

using internal::AppendJsonString;

class SignedPostSender final : public Sender {
 public:
  SignedPostSender(SignedPostOptions o, Url url)
      : o_(std::move(o)), url_(std::move(url)) {}

  absl::Status Send(const OutgoingMessage& m) override {
    std::string body = "{\"to\":";
    AppendJsonString(&body, m.to);
    body.append(",\"subject\":");
    AppendJsonString(&body, m.subject);
    body.append(",\"text\":");
    AppendJsonString(&body, m.text);
    body.append(",\"idempotency_key\":");
    AppendJsonString(&body, m.idempotency_key);
    if (!m.data_json.empty()) {
      // Made by the notifier's JSON writer; a stray value would break the
      // receiver's parse, so only an object is accepted.
      if (m.data_json.front() != '{' || m.data_json.back() != '}') {
        return absl::InvalidArgumentError("message: data is not a JSON object");
      }
      body.append(",\"data\":");
      body.append(m.data_json);
    }
    body.append("}");
    if (m.idempotency_key.find_first_of("\r\n") != std::string::npos) {
      return absl::InvalidArgumentError("message: bad idempotency key");
    }
    std::string request = absl::StrCat(
        "POST ", url_.target, " HTTP/1.1\r\nHost: ", url_.host,
        (url_.port == (url_.https ? 443 : 80) ? "" : absl::StrCat(":", url_.port)),
        "\r\nUser-Agent: vigil\r\nContent-Type: application/json\r\n",
        o_.signature_header, ": ", SignBody(o_.key, body), "\r\n",
        m.idempotency_key.empty() ? ""
                                  : absl::StrCat("Idempotency-Key: ",
                                                 m.idempotency_key, "\r\n"),
        "Content-Length: ", body.size(), "\r\nConnection: close\r\n\r\n", body);
    internal::NetStream net;
    VIGIL_RETURN_IF_ERROR(net.Connect(url_.host, url_.port, o_.timeout));
    if (url_.https) {
      VIGIL_RETURN_IF_ERROR(net.StartTls(url_.host, o_.verify_certificate, ""));
    }
    VIGIL_RETURN_IF_ERROR(net.Write(request));
    std::string status_line;
    VIGIL_RETURN_IF_ERROR(net.ReadLine(&status_line));
    net.Close();
    // "HTTP/1.1 200 OK"
    int code = 0;
    if (status_line.size() < 12 || !absl::StartsWith(status_line, "HTTP/1.") ||
        !absl::SimpleAtoi(status_line.substr(9, 3), &code)) {
      return absl::UnavailableError("post: malformed HTTP response");
    }
    if (code >= 200 && code < 300) return absl::OkStatus();
    std::string msg = absl::StrCat("post: receiver answered ", code);
    if (code >= 500 || code == 429 || code == 408) return absl::UnavailableError(msg);
    return absl::FailedPreconditionError(msg);
  }

 private:
  const SignedPostOptions o_;
  const Url url_;
};

}  // namespace

std::string SignBody(const SecretBytes& key, absl::string_view body) {
  return absl::StrCat("sha256=",
                      internal::LowerHex(internal::HmacSha256(key.reveal(), body)));
}

absl::StatusOr<std::unique_ptr<Sender>> CreateSignedPostSender(
    SignedPostOptions options) {
  VIGIL_ASSIGN_OR_RETURN(Url url, ParseUrl(options.url));
  if (options.key.size() < 16) {
    return absl::InvalidArgumentError("key: at least 16 bytes");
  }
  if (options.signature_header.empty() ||
      options.signature_header.find_first_of(": \r\n") != std::string::npos) {
    return absl::InvalidArgumentError("signature_header: not a header name");
  }
  return std::unique_ptr<Sender>(
      new SignedPostSender(std::move(options), std::move(url)));
}

}  // namespace vigil
