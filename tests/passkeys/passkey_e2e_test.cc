// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Passkeys end to end (issue 18): Debian's Chromium, headless, driven through
// the DevTools protocol (tests/passkeys/cdp.py, over --remote-debugging-pipe)
// with a CTAP2 virtual authenticator (internal transport, resident keys,
// user verification), against a real vigild on loopback whose [passkeys]
// allow the origin http://localhost:<its port>. The browser opens vigild's
// demo page, registers a passkey with vigild's creation options; a risky
// sign-in (another country, another browser) is challenged with webauthn
// offered; the browser answers with the passkey and vigild says passed.
// The same assertion replayed against the next challenge is refused. The
// flow is tests/passkeys/passkey_flow.py; this test checks what it reports
// and what vigild kept.
//
// Skipped, with a message, only when no Chromium is installed
// (scripts/setup.sh installs it).

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "service/child_process.h"
#include "service/vigild_process.h"
#include "testing/test_util.h"

namespace vigil::testing {
namespace {

namespace json = boost::json;

std::string FindChromium() {
  for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
    if (access(p, X_OK) == 0) return p;
  }
  return "";
}

// A loopback port free right now (vigild binds it a moment later).
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  close(fd);
  return port;
}

std::string Str(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : json::serialize(v);
}

TEST(PasskeyE2eTest, ChromiumRegistersAPasskeyAndPassesARiskySignInsChallenge) {
  const std::string chromium = FindChromium();
  if (chromium.empty())
    GTEST_SKIP() << "no chromium (scripts/setup.sh installs it)";
  TempDir dir;
  const int port = FreePort();
  ASSERT_GT(port, 0);
  const std::string origin = absl::StrCat("http://localhost:", port);
  std::string config =
      TestConfigToml(dir.path() + "/data", SourcePath("models/default.toml"));
  config = absl::StrReplaceAll(
      config, {{"127.0.0.1:0", absl::StrCat("127.0.0.1:", port)}});
  absl::StrAppend(&config, "\n[passkeys]\nrp_id = \"localhost\"\n",
                  "rp_name = \"vigil test\"\norigins = [\"", origin, "\"]\n",
                  "user_verification = \"required\"\ndemo_page = true\n");
  auto vigild = VigildProcess::Start(dir.path(), config);
  ASSERT_TRUE(vigild.ok()) << vigild.status();

  int exit_code = -1;
  const std::string output = RunShell(
      absl::StrCat("/usr/bin/python3 ",
                   SourcePath("tests/passkeys/passkey_flow.py"), " ", chromium,
                   " ", origin, " ", kMfaKey, " ", kEvaluateKey, " alice 2>&1"),
      &exit_code);
  ASSERT_EQ(exit_code, 0) << output << "\nvigild:\n" << (*vigild)->Stderr();
  json::value v = json::parse(output);
  const json::object& r = v.as_object();
  SCOPED_TRACE(output);

  EXPECT_EQ(Str(r.at("home_decision")), "allow");
  EXPECT_EQ(Str(r.at("page_title")), "vigil: passkey demo");
  // Registered with vigild's options, listed, and webauthn enabled.
  const json::object& registered = r.at("registered").as_object();
  EXPECT_EQ(Str(registered.at("name")), "Test laptop");
  EXPECT_EQ(Str(registered.at("algorithm")), "-7");  // the virtual ES256 key
  ASSERT_EQ(r.at("passkeys").as_array().size(), 1u);
  const json::array& enabled = r.at("mfa_settings").at("enabled").as_array();
  EXPECT_NE(std::find(enabled.begin(), enabled.end(), json::value("webauthn")),
            enabled.end());

  // The risky sign-in is challenged, offering webauthn.
  const json::object& risky = r.at("risky").as_object();
  ASSERT_EQ(Str(risky.at("decision")), "challenge");
  const json::array& methods = risky.at("challenge").at("methods").as_array();
  EXPECT_NE(std::find(methods.begin(), methods.end(), json::value("webauthn")),
            methods.end());
  // Request options name the registered credential and this relying party.
  const json::object& options = r.at("request_options").as_object();
  EXPECT_EQ(Str(options.at("rpId")), "localhost");
  EXPECT_EQ(Str(options.at("userVerification")), "required");
  ASSERT_EQ(options.at("allowCredentials").as_array().size(), 1u);
  EXPECT_EQ(Str(options.at("allowCredentials").as_array()[0].at("id")),
            Str(registered.at("id")));

  // The browser's answer passes; the device is remembered.
  const json::object& answer = r.at("answer").as_object();
  EXPECT_EQ(Str(answer.at("result")), "passed");
  EXPECT_TRUE(answer.at("device_key").is_string());
  EXPECT_TRUE(answer.at("reason").is_null());

  // The replay against the next challenge is refused and changes nothing.
  ASSERT_EQ(Str(r.at("risky_again").at("decision")), "challenge");
  const json::object& replay = r.at("replay").as_object();
  EXPECT_EQ(Str(replay.at("result")), "failed");
  EXPECT_EQ(Str(replay.at("reason")), "challenge_mismatch");
  const json::object& after = r.at("passkeys_after").as_array()[0].as_object();
  EXPECT_TRUE(after.at("last_used_at").is_string());
  (*vigild)->Stop(SIGTERM);
}

}  // namespace
}  // namespace vigil::testing
