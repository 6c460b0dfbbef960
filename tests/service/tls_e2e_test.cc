// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// vigild with a certificate and key configured serves HTTPS only. The client
// is curl, an independent TLS implementation; the certificate is made by the
// openssl command line for each run.

#include <sys/wait.h>

#include <csignal>
#include <cstdio>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "service/child_process.h"
#include "service/vigild_process.h"
#include "testing/test_util.h"

namespace vigil::testing {
namespace {

TEST(TlsTest, ServesHttpsWithTheConfiguredCertificateAndNothingElse) {
  TempDir dir;
  const std::string cert = dir.path() + "/cert.pem";
  const std::string key = dir.path() + "/key.pem";
  int rc = 0;
  RunShell(absl::StrCat("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "
                   "/CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout ",
                   key, " -out ", cert, " 2>/dev/null"),
      &rc);
  ASSERT_EQ(rc, 0) << "openssl could not make a certificate";

  const std::string config =
      TestConfigToml(dir.path() + "/data", SourcePath("models/default.toml")) +
      absl::StrCat("\n[tls]\ncert_file = \"", cert, "\"\nkey_file = \"", key,
                   "\"\n");
  absl::StatusOr<std::unique_ptr<VigildProcess>> vigild =
      VigildProcess::Start(dir.path(), config);
  ASSERT_TRUE(vigild.ok()) << vigild.status();
  const std::string address = (*vigild)->address();

  // HTTPS, verifying the certificate against itself as the CA.
  std::string body =
      RunShell(absl::StrCat("curl -s --max-time 10 --cacert ", cert, " https://",
                       address, "/healthz"),
          &rc);
  EXPECT_EQ(rc, 0);
  EXPECT_TRUE(absl::StrContains(body, "ok")) << body;

  // An evaluation over TLS with a key.
  body = RunShell(absl::StrCat(
                 "curl -s --max-time 10 --cacert ", cert, " https://", address,
                 "/v1/evaluate -H 'Authorization: Bearer ", kEvaluateKey,
                 "' -H 'Content-Type: application/json' -d "
                 "'{\"user_id\":\"tls-user\",\"ip\":\"81.2.69.160\"}'"),
             &rc);
  EXPECT_EQ(rc, 0);
  EXPECT_TRUE(absl::StrContains(body, "\"decision\":\"allow\"")) << body;

  // Plain HTTP to the TLS port gets no HTTP answer.
  body = RunShell(absl::StrCat("curl -s --max-time 5 -o /dev/null -w '%{http_code}' http://",
                          address, "/healthz"),
             &rc);
  EXPECT_NE(body, "200");
  // A client that does not trust the certificate refuses it (exit 60).
  RunShell(absl::StrCat("curl -s --max-time 10 https://", address, "/healthz"), &rc);
  EXPECT_EQ(rc, 60);
  EXPECT_EQ((*vigild)->Stop(SIGTERM), 0);
}

}  // namespace
}  // namespace vigil::testing
