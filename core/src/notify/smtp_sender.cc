// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// An SMTP client (RFC 5321) on Boost.Asio: EHLO, optional STARTTLS (RFC 3207),
// optional AUTH PLAIN (RFC 4616), one message per connection.

#include <openssl/crypto.h>

#include <algorithm>
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

constexpr size_t kMaxLine = 998;   // RFC 5322 2.1.1, without the CRLF
constexpr size_t kFoldAt = 78;     // RFC 5322 2.1.1: lines SHOULD be shorter
constexpr size_t kQpLine = 76;     // RFC 2045 6.7 (5)
constexpr size_t kWordBytes = 42;  // UTF-8 bytes per encoded-word: 56 base64

// "Subject: <value>" (no CRLF at the end) in lines of at most 78
// characters, as RFC 5322 2.2.3 folds them: plain ASCII at its spaces (a
// reader unfolds by removing the CRLFs); anything else, or a word too long to
// fold, as RFC 2047 UTF-8 "B" encoded-words of at most 75 characters, cut at
// character boundaries and separated by folding white space, which a reader
// drops between encoded-words.
std::string FoldedHeader(absl::string_view name, absl::string_view value) {
  std::string out = absl::StrCat(name, ": ");
  bool plain = true;
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x7f || (u < 0x20 && c != '\t')) plain = false;
  }
  if (plain) {
    // Fold before the last space that keeps each line within kFoldAt. Only
    // before a space that follows a word, so that no line is white space
    // alone.
    std::string folded = out;
    size_t line_start = 0;
    size_t last_space = std::string::npos;  // in `folded`
    bool fits = true;
    for (char c : value) {
      if (c == ' ' && folded.back() != ' ' && folded.back() != '\t') {
        last_space = folded.size();
      }
      folded.push_back(c);
      if (folded.size() - line_start > kFoldAt &&
          last_space != std::string::npos && last_space > line_start) {
        folded.insert(last_space, "\r\n");
        line_start = last_space + 2;
        last_space = std::string::npos;
      }
      if (folded.size() - line_start > kMaxLine) fits = false;
    }
    if (fits) return folded;
  }
  size_t i = 0;
  bool first = true;
  while (i < value.size()) {
    size_t n = std::min(kWordBytes, value.size() - i);
    // Not inside a UTF-8 sequence: back up over continuation bytes.
    while (n > 1 && i + n < value.size() &&
           (static_cast<unsigned char>(value[i + n]) & 0xc0) == 0x80) {
      --n;
    }
    absl::StrAppend(&out, first ? "" : "\r\n ", "=?UTF-8?B?",
                    absl::Base64Escape(value.substr(i, n)), "?=");
    first = false;
    i += n;
  }
  return out;
}

// Whether `body` can go as it is (7bit, RFC 2045 2.7): ASCII without NUL or
// other control characters than tab and line breaks, and no line longer than
// RFC 5322 allows.
bool Is7Bit(absl::string_view body) {
  size_t line = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    const auto u = static_cast<unsigned char>(body[i]);
    if (body[i] == '\n') {
      line = 0;
      continue;
    }
    if (body[i] == '\r' && i + 1 < body.size() && body[i + 1] == '\n') continue;
    if (u >= 0x7f || (u < 0x20 && body[i] != '\t')) return false;
    // Dot-stuffing may add one.
    if (++line > kMaxLine - 1) return false;
  }
  return true;
}

// Quoted-printable (RFC 2045 6.7) of `body`, lines separated by '\n' (CRLF
// and LF in `body` are its line breaks; a lone CR is data), encoded lines of
// at most 76 characters.
std::string QuotedPrintable(absl::string_view body) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  const std::string text = absl::StrReplaceAll(body, {{"\r\n", "\n"}});
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  bool first_line = true;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!first_line) out.push_back('\n');
    first_line = false;
    size_t column = 0;
    for (size_t i = 0; i < line.size(); ++i) {
      const auto u = static_cast<unsigned char>(line[i]);
      const bool last = i + 1 == line.size();
      // Literal: printable ASCII but '=', and space or tab not at the end of
      // the line (where transports may strip them).
      const bool literal = (u >= 33 && u <= 126 && u != '=') ||
                           ((u == ' ' || u == '\t') && !last);
      const size_t width = literal ? 1 : 3;
      // A soft line break ("=" at the end) keeps lines within kQpLine; the
      // last character of a line may use the column the "=" would take.
      if (column + width > (last ? kQpLine : kQpLine - 1)) {
        out.append("=\n");
        column = 0;
      }
      if (literal) {
        out.push_back(line[i]);
      } else {
        out.push_back('=');
        out.push_back(kHex[u >> 4]);
        out.push_back(kHex[u & 15]);
      }
      column += width;
    }
  }
  return out;
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

// One body part's headers and content: as it is if it can be, else
// quoted-printable.
std::string BodyPart(absl::string_view type, absl::string_view body) {
  const bool plain = Is7Bit(body);
  return absl::StrCat(
      "Content-Type: ", type, "; charset=utf-8\r\nContent-Transfer-Encoding: ",
      plain ? "7bit" : "quoted-printable", "\r\n\r\n",
      DotStuff(plain ? std::string(body) : QuotedPrintable(body)));
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
        "From: ", o_.from, "\r\nTo: ", m.to, "\r\n",
        FoldedHeader("Subject", m.subject), "\r\nDate: ",
        absl::FormatTime("%a, %d %b %Y %H:%M:%S +0000", absl::Now(),
                         absl::UTCTimeZone()),
        "\r\nMessage-ID: <", id, "@", o_.helo_name, ">\r\n",
        "X-Vigil-Idempotency-Key: ", id, "\r\nMIME-Version: 1.0\r\n");
    if (boundary.empty()) {
      absl::StrAppend(&data, BodyPart("text/plain", m.text));
    } else {
      absl::StrAppend(&data,
                      "Content-Type: multipart/alternative;\r\n boundary=\"",
                      boundary, "\"\r\n\r\n--", boundary, "\r\n",
                      BodyPart("text/plain", m.text), "--", boundary, "\r\n",
                      BodyPart("text/html", m.html), "--", boundary, "--\r\n");
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
