// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// An SMTP client (RFC 5321) on Boost.Asio: EHLO, optional STARTTLS (RFC 3207),
// optional AUTH PLAIN (RFC 4616), one message per connection.

#include <openssl/crypto.h>

#include <memory>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/random.h"
#include "common/status_macros.h"
#include "notify/net_stream.h"
#include "vigil/sender.h"

namespace vigil {
namespace {

using internal::NetStream;

bool HasLineBreak(absl::string_view s) {
  return s.find_first_of("\r\n") != absl::string_view::npos;
}

bool IsAscii(absl::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// RFC 2047 for a header value that is not plain ASCII.
std::string EncodeHeader(absl::string_view value) {
  if (IsAscii(value)) return std::string(value);
  return absl::StrCat("=?UTF-8?B?", absl::Base64Escape(value), "?=");
}

// Lines end in CRLF, and a leading '.' is doubled (RFC 5321 4.5.2).
std::string DotStuff(absl::string_view body) {
  std::string out;
  std::string normalized = absl::StrReplaceAll(body, {{"\r\n", "\n"}});
  for (absl::string_view line : absl::StrSplit(normalized, '\n')) {
    if (!line.empty() && line[0] == '.') out.push_back('.');
    absl::StrAppend(&out, line, "\r\n");
  }
  return out;
}

struct Reply {
  int code = 0;
  std::string text;  // all lines
};

class SmtpSession {
 public:
  explicit SmtpSession(const SmtpOptions& o) : o_(o) {}

  absl::Status Run(const OutgoingMessage& m, absl::string_view data) {
    VIGIL_RETURN_IF_ERROR(net_.Connect(o_.host, o_.port, o_.timeout));
    Reply r;
    VIGIL_RETURN_IF_ERROR(Expect(&r, 220, "greeting"));
    VIGIL_RETURN_IF_ERROR(Command(absl::StrCat("EHLO ", o_.helo_name), 250, &r));
    if (o_.tls == SmtpTls::kStartTls) {
      if (!absl::StrContains(absl::AsciiStrToUpper(r.text), "STARTTLS")) {
        return absl::FailedPreconditionError(
            "smtp: server does not offer STARTTLS, which is required");
      }
      VIGIL_RETURN_IF_ERROR(Command("STARTTLS", 220, &r));
      VIGIL_RETURN_IF_ERROR(net_.StartTls(o_.host, o_.verify_certificate, o_.ca_file));
      VIGIL_RETURN_IF_ERROR(Command(absl::StrCat("EHLO ", o_.helo_name), 250, &r));
    }
    if (!o_.username.empty()) {
      if (!net_.tls() && !o_.allow_plain_auth) {
        return absl::FailedPreconditionError(
            "smtp: refusing to send credentials without TLS");
      }
      std::string plain = absl::StrCat(std::string(1, '\0'), o_.username,
                                       std::string(1, '\0'), o_.password.reveal());
      std::string cmd = absl::StrCat("AUTH PLAIN ", absl::Base64Escape(plain));
      OPENSSL_cleanse(plain.data(), plain.size());
      absl::Status s = Command(cmd, 235, &r, /*secret=*/true);
      OPENSSL_cleanse(cmd.data(), cmd.size());
      VIGIL_RETURN_IF_ERROR(s);
    }
    VIGIL_RETURN_IF_ERROR(Command(absl::StrCat("MAIL FROM:<", o_.from, ">"), 250, &r));
    VIGIL_RETURN_IF_ERROR(Command(absl::StrCat("RCPT TO:<", m.to, ">"), 250, &r));
    VIGIL_RETURN_IF_ERROR(Command("DATA", 354, &r));
    VIGIL_RETURN_IF_ERROR(net_.Write(data));
    VIGIL_RETURN_IF_ERROR(net_.Write(".\r\n"));
    VIGIL_RETURN_IF_ERROR(Expect(&r, 250, "message"));
    (void)Command("QUIT", 221, &r);
    net_.Close();
    return absl::OkStatus();
  }

 private:
  absl::Status Read(Reply* r) {
    r->text.clear();
    std::string line;
    while (true) {
      VIGIL_RETURN_IF_ERROR(net_.ReadLine(&line));
      if (line.size() < 3 || !absl::SimpleAtoi(line.substr(0, 3), &r->code)) {
        return absl::UnavailableError("smtp: malformed reply");
      }
      absl::StrAppend(&r->text, line.size() > 4 ? line.substr(4) : "", "\n");
      if (line.size() == 3 || line[3] != '-') return absl::OkStatus();
    }
  }

  absl::Status Expect(Reply* r, int want, absl::string_view what,
                      bool secret = false) {
    VIGIL_RETURN_IF_ERROR(Read(r));
    if (r->code == want || (want == 250 && r->code == 251)) return absl::OkStatus();
    std::string msg = absl::StrCat("smtp: ", what, ": server answered ", r->code);
    if (!secret) absl::StrAppend(&msg, " ", absl::StripAsciiWhitespace(r->text));
    if (r->code >= 400 && r->code < 500) return absl::UnavailableError(msg);
    return absl::FailedPreconditionError(msg);
  }

  absl::Status Command(absl::string_view cmd, int want, Reply* r,
                       bool secret = false) {
    VIGIL_RETURN_IF_ERROR(net_.Write(absl::StrCat(cmd, "\r\n")));
    return Expect(r, want, secret ? "AUTH" : cmd.substr(0, cmd.find(' ')), secret);
  }

  const SmtpOptions& o_;
  NetStream net_;
};

class SmtpSender final : public Sender {
 public:
  explicit SmtpSender(SmtpOptions o) : o_(std::move(o)) {}

  absl::Status Send(const OutgoingMessage& m) override {
    if (m.to.empty() || HasLineBreak(m.to) || HasLineBreak(m.subject) ||
        m.to.find_first_of("<>") != std::string::npos ||
        HasLineBreak(m.idempotency_key)) {
      return absl::InvalidArgumentError("message: bad recipient or header");
    }
    std::string boundary;
    if (!m.html.empty()) {
      absl::StatusOr<std::string> b = internal::RandomHex(12);
      if (!b.ok()) return b.status();
      boundary = absl::StrCat("=_vigil_", *b);
    }
    std::string id = m.idempotency_key;
    if (id.empty()) {
      absl::StatusOr<std::string> r = internal::RandomHex(16);
      if (!r.ok()) return r.status();
      id = *r;
    }
    std::string data = absl::StrCat(
        "From: ", o_.from, "\r\nTo: ", m.to, "\r\nSubject: ", EncodeHeader(m.subject),
        "\r\nDate: ",
        absl::FormatTime("%a, %d %b %Y %H:%M:%S +0000", absl::Now(),
                         absl::UTCTimeZone()),
        "\r\nMessage-ID: <", id, "@", o_.helo_name, ">\r\n",
        "X-Vigil-Idempotency-Key: ", id, "\r\nMIME-Version: 1.0\r\n");
    if (boundary.empty()) {
      absl::StrAppend(&data,
                      "Content-Type: text/plain; charset=utf-8\r\n"
                      "Content-Transfer-Encoding: 8bit\r\n\r\n",
                      DotStuff(m.text));
    } else {
      absl::StrAppend(
          &data, "Content-Type: multipart/alternative; boundary=\"", boundary,
          "\"\r\n\r\n--", boundary,
          "\r\nContent-Type: text/plain; charset=utf-8\r\n"
          "Content-Transfer-Encoding: 8bit\r\n\r\n",
          DotStuff(m.text), "--", boundary,
          "\r\nContent-Type: text/html; charset=utf-8\r\n"
          "Content-Transfer-Encoding: 8bit\r\n\r\n",
          DotStuff(m.html), "--", boundary, "--\r\n");
    }
    SmtpSession session(o_);
    absl::Status s = session.Run(m, data);
    OPENSSL_cleanse(data.data(), data.size());
    return s;
  }

 private:
  const SmtpOptions o_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Sender>> CreateSmtpSender(SmtpOptions options) {
  if (options.host.empty()) return absl::InvalidArgumentError("smtp.host: required");
  if (options.port < 1 || options.port > 65535) {
    return absl::InvalidArgumentError("smtp.port: must be 1-65535");
  }
  if (options.from.empty() || HasLineBreak(options.from) ||
      options.from.find('@') == std::string::npos) {
    return absl::InvalidArgumentError("smtp.from: must be an e-mail address");
  }
  if (options.helo_name.empty() || HasLineBreak(options.helo_name)) {
    return absl::InvalidArgumentError("smtp.helo_name: required");
  }
  return std::unique_ptr<Sender>(new SmtpSender(std::move(options)));
}

}  // namespace vigil
