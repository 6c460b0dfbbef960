// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The senders against real peers: SMTP with STARTTLS and AUTH PLAIN on
// aiosmtpd (a certificate made by the openssl CLI), refusals, and the signed
// POST sender's handling of the receiver's answer.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "service/child_process.h"
#include "testing/test_util.h"
#include "vigil/sender.h"

namespace vigil::testing {
namespace {


std::string WaitForFile(const std::string& dir) {
  for (int i = 0; i < 100; ++i) {
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      if (e.path().extension() != ".tmp") return ReadFileOrDie(e.path().string());
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  return "";
}

class SmtpTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    out_ = dir_.path() + "/mail";
    std::filesystem::create_directories(out_);
    cert_ = dir_.path() + "/cert.pem";
    const std::string key = dir_.path() + "/key.pem";
    const std::string cmd = absl::StrCat(
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
        "-addext subjectAltName=DNS:localhost -keyout ", key, " -out ", cert_,
        " >/dev/null 2>&1");
    ASSERT_EQ(system(cmd.c_str()), 0);
    peer_ = std::make_unique<Peer>(std::vector<std::string>{
        "/usr/bin/python3", SourcePath("tests/service/mfa_peers.py"), "smtp-tls",
        out_, cert_, key, "vigil", "s3cret-password"});
    ASSERT_GT(peer_->port(), 0);
  }

  SmtpOptions Options() {
    SmtpOptions o;
    o.host = "localhost";
    o.port = peer_->port();
    o.tls = SmtpTls::kStartTls;
    o.ca_file = cert_;
    o.username = "vigil";
    o.password = SecretBytes("s3cret-password");
    o.from = "security@vigil.test";
    o.timeout = absl::Seconds(10);
    return o;
  }

  OutgoingMessage Message() {
    OutgoingMessage m;
    m.to = "alice@example.com";
    m.subject = "Grüße";
    m.text = "Your code is 123456.\n.a line starting with a dot\n";
    m.html = "<p>Your code is <b>123456</b></p>";
    m.idempotency_key = "msg-1";
    return m;
  }

  TempDir dir_;
  std::string out_, cert_;
  std::unique_ptr<Peer> peer_;
};

TEST_F(SmtpTlsTest, StartTlsAndAuthPlainDeliver) {
  absl::StatusOr<std::unique_ptr<Sender>> sender = CreateSmtpSender(Options());
  ASSERT_TRUE(sender.ok()) << sender.status();
  absl::Status s = (*sender)->Send(Message());
  ASSERT_TRUE(s.ok()) << s;
  const std::string mail = WaitForFile(out_);
  EXPECT_TRUE(absl::StrContains(mail, "X-Test-Auth: vigil")) << mail;
  EXPECT_TRUE(absl::StrContains(mail, "X-Test-TLS: yes")) << mail;
  EXPECT_TRUE(absl::StrContains(mail, "Subject: =?UTF-8?B?R3LDvMOfZQ==?=")) << mail;
  EXPECT_TRUE(absl::StrContains(mail, "X-Vigil-Idempotency-Key: msg-1"));
  EXPECT_TRUE(absl::StrContains(mail, "Message-ID: <msg-1@vigil.localhost>"));
  EXPECT_TRUE(absl::StrContains(mail, "multipart/alternative"));
  EXPECT_TRUE(absl::StrContains(mail, "\r\n.a line starting with a dot\r\n"));
  EXPECT_TRUE(absl::StrContains(mail, "<b>123456</b>"));
}

TEST_F(SmtpTlsTest, WrongPasswordIsRefusedWithoutEchoingIt) {
  SmtpOptions o = Options();
  o.password = SecretBytes("wrong-password");
  absl::Status s = (*CreateSmtpSender(std::move(o)))->Send(Message());
  EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
  EXPECT_FALSE(absl::StrContains(s.message(), "wrong-password"));
}

TEST_F(SmtpTlsTest, UntrustedCertificateFails) {
  SmtpOptions o = Options();
  o.ca_file = "";
  absl::Status s = (*CreateSmtpSender(std::move(o)))->Send(Message());
  EXPECT_TRUE(absl::IsUnavailable(s)) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "TLS handshake")) << s;
}

TEST(SmtpSenderTest, StartTlsRequiredButNotOfferedAndNoCredentialsInClear) {
  TempDir dir;
  Peer plain({"/usr/bin/python3", SourcePath("tests/service/mfa_peers.py"), "smtp",
              dir.path()});
  ASSERT_GT(plain.port(), 0);
  SmtpOptions o;
  o.host = "127.0.0.1";
  o.port = plain.port();
  o.from = "security@vigil.test";
  o.tls = SmtpTls::kStartTls;
  OutgoingMessage m;
  m.to = "a@example.com";
  m.text = "hi";
  SmtpOptions o2;
  o2.host = o.host;
  o2.port = o.port;
  o2.from = o.from;
  absl::Status s = (*CreateSmtpSender(std::move(o)))->Send(m);
  EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "STARTTLS")) << s;
  o2.username = "u";
  o2.password = SecretBytes("p");
  s = (*CreateSmtpSender(std::move(o2)))->Send(m);
  EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "without TLS")) << s;
}

// The path of the first message in `dir` (waits up to 10 s); "" if none.
std::string WaitForMailPath(const std::string& dir) {
  for (int i = 0; i < 100; ++i) {
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      if (e.path().extension() != ".tmp") return e.path().string();
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  return "";
}

// Issue 17: a body line over RFC 5322's 998 bytes (an HTML template's) and a
// long non-ASCII subject reach a real SMTP server (aiosmtpd refuses lines
// over 1,000 bytes) and decode, with Python's email package, back to exactly
// what was sent: bodies quoted-printable where they must be, headers folded.
TEST(SmtpSenderTest, LongLinesAndNonAsciiSubjectsArriveIntact) {
  TempDir dir;
  const std::string out = dir.path() + "/mail";
  std::filesystem::create_directories(out);
  Peer smtp({"/usr/bin/python3", SourcePath("tests/service/mfa_peers.py"),
             "smtp", out});
  ASSERT_GT(smtp.port(), 0);
  SmtpOptions o;
  o.host = "127.0.0.1";
  o.port = smtp.port();
  o.from = "security@vigil.test";
  o.timeout = absl::Seconds(10);
  absl::StatusOr<std::unique_ptr<Sender>> sender =
      CreateSmtpSender(std::move(o));
  ASSERT_TRUE(sender.ok()) << sender.status();

  std::string line = "<p>";
  while (line.size() < 5000)
    line +=
        "Gr\xc3\xb6\xc3\x9f"
        "e = 5 \xe2\x82\xac, a=b; ";
  line += "</p>";
  OutgoingMessage m;
  m.to = "alice@example.com";
  m.subject =
      "Anmeldung blockiert \xe2\x80\x93 bitte pr\xc3\xbc"
      "fen Sie Ihr Konto, "
      "Gr\xc3\xbc\xc3\x9f"
      "e aus M\xc3\xbc"
      "nchen \xf0\x9f\x94\x92 und noch "
      "ein paar W\xc3\xb6rter, damit es l\xc3\xa4nger als eine Zeile wird";
  m.text = absl::StrCat("Hello,\n\n", std::string(1200, 'a'),
                        "\n.a dot line \n\ttrailing tab\t\nend = ok");
  m.html =
      absl::StrCat("<html><body>\n", line, "\n.<p>dot</p>  \n</body></html>\n");
  m.idempotency_key = "long-1";
  absl::Status s = (*sender)->Send(m);
  ASSERT_TRUE(s.ok()) << s;
  const std::string path = WaitForMailPath(out);
  ASSERT_FALSE(path.empty());
  const std::string decoded = DecodeMailJson(path);
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(decoded, ec);
  ASSERT_FALSE(ec) << decoded;
  EXPECT_EQ(v.at("subject").as_string(), m.subject);
  EXPECT_TRUE(v.at("defects").as_array().empty()) << decoded;
  const boost::json::array& parts = v.at("parts").as_array();
  ASSERT_EQ(parts.size(), 2u) << decoded;
  EXPECT_EQ(parts[0].at("type").as_string(), "text/plain");
  EXPECT_EQ(parts[0].at("content").as_string(), m.text);
  EXPECT_EQ(parts[0].at("transfer_encoding").as_string(), "quoted-printable");
  EXPECT_EQ(parts[1].at("type").as_string(), "text/html");
  EXPECT_EQ(parts[1].at("content").as_string(), m.html);
  EXPECT_EQ(parts[1].at("transfer_encoding").as_string(), "quoted-printable");
  // Every line of the message within RFC 5322's limits: headers 78, bodies
  // (quoted-printable) 76.
  EXPECT_LE(v.at("longest_header_line").to_number<int>(), 78)
      << ReadFileOrDie(path);
  EXPECT_LE(v.at("longest_line").to_number<int>(), 78);
  // A long ASCII subject is folded at its spaces and unfolds to itself; a
  // short ASCII body goes as it is.
  std::filesystem::remove(path);
  m.subject = "A long plain subject: " + std::string(60, 'x') + " and some " +
              std::string(30, 'y') + " words";
  m.text = "Your code is 123456.";
  m.html.clear();
  ASSERT_TRUE((*sender)->Send(m).ok());
  const std::string path2 = WaitForMailPath(out);
  v = boost::json::parse(DecodeMailJson(path2), ec);
  ASSERT_FALSE(ec);
  EXPECT_EQ(v.at("subject").as_string(), m.subject);
  EXPECT_LE(v.at("longest_header_line").to_number<int>(), 78);
  ASSERT_EQ(v.at("parts").as_array().size(), 1u);
  EXPECT_EQ(v.at("parts").at(0).at("transfer_encoding").as_string(), "7bit");
  EXPECT_TRUE(absl::StrContains(ReadFileOrDie(path2),
                                "\r\n\r\nYour code is 123456.\r\n"));
}

TEST(SmtpSenderTest, BadOptionsAndHeaderInjection) {
  SmtpOptions o;
  EXPECT_FALSE(CreateSmtpSender(SmtpOptions()).ok());
  o.host = "h";
  o.from = "not-an-address";
  EXPECT_FALSE(CreateSmtpSender(std::move(o)).ok());
  SmtpOptions ok;
  ok.host = "127.0.0.1";
  ok.port = 9;  // discard: never reached
  ok.from = "a@b.c";
  auto sender = CreateSmtpSender(std::move(ok));
  ASSERT_TRUE(sender.ok());
  OutgoingMessage m;
  m.to = "a@example.com\r\nBcc: victim@example.com";
  EXPECT_TRUE(absl::IsInvalidArgument((*sender)->Send(m)));
  m.to = "a@example.com";
  m.subject = "x\nBcc: y";
  EXPECT_TRUE(absl::IsInvalidArgument((*sender)->Send(m)));
}

TEST(SmtpSenderTest, ASilentServerTimesOut) {
  // Listens (the kernel completes the handshake) but never says anything.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 4), 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  SmtpOptions o;
  o.host = "127.0.0.1";
  o.port = ntohs(addr.sin_port);
  o.from = "a@b.c";
  o.timeout = absl::Milliseconds(300);
  OutgoingMessage m;
  m.to = "x@example.com";
  const absl::Time start = absl::Now();
  absl::Status s = (*CreateSmtpSender(std::move(o)))->Send(m);
  EXPECT_TRUE(absl::IsUnavailable(s)) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "timed out")) << s;
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  close(fd);
}

TEST(SignedPostSenderTest, BadSignatureAnswerIsAnErrorAndUrlsAreChecked) {
  TempDir dir;
  const std::string key_file = dir.path() + "/key";
  WriteFileOrDie(key_file, "the-receivers-key-0123456789");
  Peer receiver({"/usr/bin/python3", SourcePath("tests/service/mfa_peers.py"), "http",
                 dir.path(), key_file});
  ASSERT_GT(receiver.port(), 0);
  SignedPostOptions o;
  o.url = absl::StrCat("http://127.0.0.1:", receiver.port(), "/hook");
  o.key = SecretBytes("not-the-receivers-key");
  OutgoingMessage m;
  m.text = "hello";
  absl::Status s = (*CreateSignedPostSender(std::move(o)))->Send(m);
  EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;  // 401
  EXPECT_TRUE(absl::StrContains(s.message(), "401")) << s;
  SignedPostOptions good;
  good.url = absl::StrCat("http://127.0.0.1:", receiver.port(), "/hook");
  good.key = SecretBytes("the-receivers-key-0123456789");
  EXPECT_TRUE((*CreateSignedPostSender(std::move(good)))->Send(m).ok());
  for (const char* url : {"ftp://x/", "http://", "http://h:99999/", "http://h/a b"}) {
    SignedPostOptions bad;
    bad.url = url;
    bad.key = SecretBytes("0123456789abcdef");
    EXPECT_FALSE(CreateSignedPostSender(std::move(bad)).ok()) << url;
  }
  SignedPostOptions short_key;
  short_key.url = "http://h/";
  short_key.key = SecretBytes("short");
  EXPECT_FALSE(CreateSignedPostSender(std::move(short_key)).ok());
  SignedPostOptions down;
  down.url = "http://127.0.0.1:9/";  // nothing listens
  down.key = SecretBytes("0123456789abcdef");
  EXPECT_TRUE(absl::IsUnavailable((*CreateSignedPostSender(std::move(down)))->Send(m)));
}

}  // namespace
}  // namespace vigil::testing
