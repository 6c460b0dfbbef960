// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// End-to-end tests of the breach corpus: the range API and the password check
// of a real vigild, a vigild in remote mode against a second vigild, what a
// remote is sent, and `vigil pwned import` killed mid-way.

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "service/http_client.h"
#include "service/vigild_process.h"
#include "testing/recording_server.h"
#include "testing/test_util.h"
#include "tools/pwned_import.h"
#include "vigil/pwned.h"
#include "vigil/store.h"

namespace vigil::testing {
namespace {

namespace json = boost::json;

constexpr char kPassword[] = "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8";
constexpr char kPasswordSuffix[] = "1E4C9B93F3F0682250B6CF8331B7EE68FD8";
constexpr char kUnbreached[] = "C0B3B8C9A1CB3A4E9A5B5E4C1F1B0E6C1D2E3F40";
constexpr char kNtlmPassword[] = "8846F7EAEE8FB117AD06BDD830B7586C";

constexpr char kFixtureDump[] =
    "5BAA6003A6C1BC4B9A1E2AB2E9CDBF4C5B3E2A11:3\n"
    "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8:10434004\n"
    "5BAA6FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF:1\n"
    "7C4A8D09CA3762AF61E59520943DC26494F8941B:37359195\n";

// Imports `text` (written to `dir`/`name`) with `vigil pwned import`.
void Import(const std::string& dir, const std::string& data_dir,
            const std::string& name, const std::string& text,
            std::vector<std::string> flags = {}) {
  std::string path = dir + "/" + name;
  WriteFileOrDie(path, text);
  flags.insert(flags.begin(), {"--data-dir", data_dir});
  flags.push_back(path);
  std::ostringstream out, err;
  ASSERT_EQ(tools::RunPwnedImport(flags, out, err), 0) << err.str();
}

std::string PwnedToml(const std::string& body) {
  return absl::StrCat("\n[pwned]\nseed_file = \"\"\n", body);
}

class PwnedE2eTest : public ::testing::Test {
 protected:
  std::unique_ptr<VigildProcess> StartVigild(const std::string& name,
                                             const std::string& pwned_toml,
                                             bool with_corpus) {
    std::string dir = dir_.path() + "/" + name;
    std::filesystem::create_directories(dir);
    if (with_corpus) {
      Import(dir, dir + "/data", "dump.txt", kFixtureDump);
      Import(dir, dir + "/data", "ntlm.txt", absl::StrCat(kNtlmPassword, ":5\n"),
             {"--ntlm"});
    }
    auto p = VigildProcess::Start(
        dir, TestConfigToml(dir + "/data", SourcePath("models/default.toml")) +
                 PwnedToml(pwned_toml));
    EXPECT_TRUE(p.ok()) << p.status();
    return p.ok() ? *std::move(p) : nullptr;
  }

  static HttpResponse Send(const VigildProcess& v, absl::string_view method,
                           absl::string_view target, absl::string_view body = "",
                           std::vector<std::pair<std::string, std::string>> headers = {}) {
    auto c = HttpClient::Connect(v.address());
    EXPECT_TRUE(c.ok()) << c.status();
    if (!c.ok()) return {};
    auto r = (*c)->Send(method, target, body, headers);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : HttpResponse{};
  }

  static HttpResponse PostJson(const VigildProcess& v, absl::string_view target,
                               absl::string_view body,
                               absl::string_view key = kEvaluateKey) {
    auto c = HttpClient::Connect(v.address());
    EXPECT_TRUE(c.ok()) << c.status();
    if (!c.ok()) return {};
    auto r = (*c)->PostJson(target, body, key);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : HttpResponse{};
  }

  static json::value SignUp(const VigildProcess& v, const std::string& user,
                            const std::string& sha1) {
    HttpResponse r = PostJson(
        v, "/v1/evaluate",
        absl::StrCat(R"({"event_type":"sign_up","user_id":")", user,
                     R"(","ip":"81.2.69.160","password_sha1":")", sha1, R"("})"));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? json::parse(r.body) : json::value();
  }

  TempDir dir_;
};

TEST_F(PwnedE2eTest, RangeResponseByteForByte) {
  auto v = StartVigild("a", "", true);
  ASSERT_NE(v, nullptr);
  const std::string expected =
      "003A6C1BC4B9A1E2AB2E9CDBF4C5B3E2A11:3\r\n"
      "1E4C9B93F3F0682250B6CF8331B7EE68FD8:10434004\r\n"
      "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF:1";
  for (const char* prefix : {"5BAA6", "5baa6", "5bAa6"}) {
    HttpResponse r = Send(*v, "GET", absl::StrCat("/range/", prefix));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, expected);
    EXPECT_EQ(r.headers["content-type"], "text/plain");
    EXPECT_EQ(r.headers["cache-control"], "public, max-age=86400");
    EXPECT_EQ(r.headers["content-length"], std::to_string(expected.size()));
  }
  // A valid prefix with nothing in it: 200, empty.
  HttpResponse r = Send(*v, "GET", "/range/00000");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "");
  // NTLM from its own corpus.
  r = Send(*v, "GET", "/range/8846f?mode=ntlm");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "7EAEE8FB117AD06BDD830B7586C:5");
  EXPECT_EQ(Send(*v, "GET", "/range/8846F").body, "");
  // No key needed by default; bad prefixes and modes are 400.
  for (const char* bad : {"/range/5BAA", "/range/5BAA61", "/range/5BAAG",
                          "/range/5BA%20A", "/range/%35BAA6x",
                          "/range/5BAA6?mode=md5"}) {
    r = Send(*v, "GET", bad);
    EXPECT_EQ(r.status, 400) << bad << " " << r.body;
    EXPECT_TRUE(absl::StrContains(r.body, "\"error\"")) << r.body;
  }
  EXPECT_EQ(Send(*v, "POST", "/range/5BAA6").status, 405);
}

TEST_F(PwnedE2eTest, PaddedRangeHasAtLeast800LinesAndOnlyZeroCountPadding) {
  auto v = StartVigild("a", "", true);
  ASSERT_NE(v, nullptr);
  std::set<size_t> sizes;
  for (int round = 0; round < 3; ++round) {
    HttpResponse r = Send(*v, "GET", "/range/5BAA6", "", {{"Add-Padding", "true"}});
    ASSERT_EQ(r.status, 200);
    ASSERT_FALSE(absl::EndsWith(r.body, "\r\n"));
    std::vector<std::string> lines = absl::StrSplit(r.body, "\r\n");
    sizes.insert(lines.size());
    EXPECT_GE(lines.size(), 800u);
    EXPECT_LE(lines.size(), 1000u);
    std::set<std::string> suffixes;
    int real = 0;
    std::string previous;
    for (const std::string& line : lines) {
      ASSERT_EQ(line.size() > 36 ? line[35] : '?', ':') << line;
      std::string suffix = line.substr(0, 35);
      EXPECT_EQ(suffix, absl::AsciiStrToUpper(suffix));
      EXPECT_GT(suffix, previous);  // sorted, no duplicates
      previous = suffix;
      int64_t count;
      ASSERT_TRUE(absl::SimpleAtoi(line.substr(36), &count)) << line;
      if (suffix == kPasswordSuffix) {
        EXPECT_EQ(count, 10434004);
        ++real;
      } else if (suffix == "003A6C1BC4B9A1E2AB2E9CDBF4C5B3E2A11") {
        EXPECT_EQ(count, 3);
        ++real;
      } else if (suffix == "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF") {
        EXPECT_EQ(count, 1);
        ++real;
      } else {
        EXPECT_EQ(count, 0) << line;  // every added line
      }
    }
    EXPECT_EQ(real, 3);
  }
  // Padding of the NTLM range too, with 27-digit suffixes.
  HttpResponse r = Send(*v, "GET", "/range/8846F?mode=ntlm", "", {{"Add-Padding", "true"}});
  std::vector<std::string> lines = absl::StrSplit(r.body, "\r\n");
  EXPECT_GE(lines.size(), 800u);
  for (const std::string& line : lines) EXPECT_EQ(line.find(':'), 27u) << line;
}

TEST_F(PwnedE2eTest, RangeNeedsAKeyWhenConfigured) {
  auto v = StartVigild("a", "range_requires_key = true\n", true);
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(Send(*v, "GET", "/range/5BAA6").status, 401);
  HttpResponse r = Send(*v, "GET", "/range/5BAA6", "",
                        {{"Authorization", absl::StrCat("Bearer ", kMfaKey)}});
  EXPECT_EQ(r.status, 200);
}

TEST_F(PwnedE2eTest, PasswordCheckOverHttp) {
  auto v = StartVigild("a", "", true);
  ASSERT_NE(v, nullptr);
  HttpResponse r = PostJson(*v, "/v1/passwords/check",
                            absl::StrCat(R"({"sha1":")", kPassword, R"("})"));
  ASSERT_EQ(r.status, 200) << r.body;
  json::value body = json::parse(r.body);
  EXPECT_TRUE(body.at("compromised").as_bool());
  EXPECT_EQ(body.at("count").as_int64(), 10434004);
  r = PostJson(*v, "/v1/passwords/check",
               absl::StrCat(R"({"sha1":")", absl::AsciiStrToLower(kUnbreached), R"("})"));
  ASSERT_EQ(r.status, 200) << r.body;
  body = json::parse(r.body);
  EXPECT_FALSE(body.at("compromised").as_bool());
  EXPECT_EQ(body.at("count").as_int64(), 0);
  r = PostJson(*v, "/v1/passwords/check",
               absl::StrCat(R"({"ntlm":")", kNtlmPassword, R"("})"));
  EXPECT_EQ(json::parse(r.body).at("count").as_int64(), 5);

  EXPECT_EQ(PostJson(*v, "/v1/passwords/check", R"({"sha1":"5BAA6"})").status, 422);
  EXPECT_EQ(PostJson(*v, "/v1/passwords/check", R"({"md5":"x"})").status, 422);
  EXPECT_EQ(PostJson(*v, "/v1/passwords/check", R"({"sha1":)").status, 400);
  EXPECT_EQ(PostJson(*v, "/v1/passwords/check", R"({"sha1":"x"})", "").status, 401);
  EXPECT_EQ(PostJson(*v, "/v1/passwords/check", R"({"sha1":"x"})", kAdminKey).status,
            403);
  // The hash is in no access-log line (once the last request's line is in).
  const std::string log = v->WaitForStderr(R"("status":403)");
  EXPECT_TRUE(absl::StrContains(log, R"("status":403)"));
  EXPECT_FALSE(absl::StrContains(absl::AsciiStrToUpper(log), "1E4C9B93F3F"));

  // And the engine: a breached sign-up is blocked, a clean one is not.
  json::value d = SignUp(*v, "bob", kPassword);
  EXPECT_EQ(d.at("decision").as_string(), "block");
  EXPECT_TRUE(d.at("risk").at("compromised_credentials").as_bool());
  EXPECT_TRUE(d.at("risk").at("password_reset_required").as_bool());
  d = SignUp(*v, "carol", kUnbreached);
  EXPECT_EQ(d.at("decision").as_string(), "allow");
  EXPECT_FALSE(d.at("risk").at("compromised_credentials").as_bool());
}

// vigild B checks passwords against vigild A over loopback.
TEST_F(PwnedE2eTest, RemoteModeAgainstASecondVigild) {
  auto a = StartVigild("a", "", true);
  ASSERT_NE(a, nullptr);
  const std::string remote = absl::StrCat("remote_url = \"http://", a->address(),
                                          "\"\ntimeout_ms = 500\ncache_ttl_s = 0\n");
  auto open = StartVigild("open", absl::StrCat("local = false\n", remote), false);
  auto closed = StartVigild("closed",
                            absl::StrCat("local = false\nfail_open = false\n", remote),
                            false);
  ASSERT_NE(open, nullptr);
  ASSERT_NE(closed, nullptr);

  for (VigildProcess* b : {open.get(), closed.get()}) {
    json::value d = SignUp(*b, "dave", kPassword);
    EXPECT_EQ(d.at("decision").as_string(), "block") << d;
    EXPECT_TRUE(d.at("risk").at("compromised_credentials").as_bool());
    d = SignUp(*b, "erin", kUnbreached);
    EXPECT_EQ(d.at("decision").as_string(), "allow") << d;
  }
  // Metrics: A's corpus size, B's remote lookups.
  EXPECT_TRUE(absl::StrContains(Send(*a, "GET", "/metrics").body,
                                "vigil_pwned_corpus_hashes{kind=\"sha1\"} 4\n"));
  EXPECT_TRUE(absl::StrContains(Send(*open, "GET", "/metrics").body,
                                "vigil_pwned_remote_total{result=\"fetched\"} 2\n"));
  // B's local corpus is off: it has no range endpoint of its own.
  EXPECT_EQ(Send(*open, "GET", "/range/5BAA6").status, 404);
  // A served the ranges, under their route template.
  EXPECT_TRUE(absl::StrContains(a->WaitForStderr("/range/{prefix}"), "/range/{prefix}"));

  // The remote goes away: fail open lets an unknown password through, fail
  // closed blocks it.
  EXPECT_EQ(a->Stop(SIGTERM), 0);
  json::value d = SignUp(*open, "frank", kUnbreached);
  EXPECT_EQ(d.at("decision").as_string(), "allow") << d;
  EXPECT_FALSE(d.at("risk").at("compromised_credentials").as_bool());
  d = SignUp(*closed, "grace", kUnbreached);
  EXPECT_EQ(d.at("decision").as_string(), "block") << d;
  EXPECT_TRUE(d.at("risk").at("compromised_credentials").as_bool());
  // Each says so once in its log, with the mode it degraded to.
  for (VigildProcess* b : {open.get(), closed.get()}) {
    const std::vector<json::object> down =
        LogEvents(ParseLogLines(b->WaitForStderr("pwned_remote_unavailable")),
                  "pwned_remote_unavailable");
    ASSERT_EQ(down.size(), 1u) << b->Stderr();
    EXPECT_EQ(LogString(down[0], "level"), "warn");
    EXPECT_EQ(down[0].at("fail_open"), b == open.get());
  }
}

// The same over HTTPS: the remote vigild's certificate is verified against
// the configured CA file, and an untrusted one is a failure.
TEST_F(PwnedE2eTest, RemoteOverHttpsVerifiesTheCertificate) {
  const std::string cert = dir_.path() + "/cert.pem";
  const std::string key = dir_.path() + "/key.pem";
  const std::string cmd = absl::StrCat(
      "openssl req -x509 -newkey rsa:2048 -nodes -keyout ", key, " -out ", cert,
      " -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 "
      ">/dev/null 2>&1");
  if (std::system(cmd.c_str()) != 0) GTEST_SKIP() << "no openssl command";
  auto a = StartVigild("a", absl::StrCat("\n[tls]\ncert_file = \"", cert,
                                         "\"\nkey_file = \"", key, "\"\n"),
                       true);
  ASSERT_NE(a, nullptr);
  const std::string url = absl::StrCat("https://", a->address());
  auto trusted = StartVigild(
      "trusted",
      absl::StrCat("local = false\nremote_url = \"", url, "\"\nca_file = \"", cert,
                   "\"\ncache_ttl_s = 0\n"),
      false);
  auto untrusted = StartVigild(
      "untrusted",
      absl::StrCat("local = false\nremote_url = \"", url,
                   "\"\nfail_open = true\ncache_ttl_s = 0\n"),
      false);
  ASSERT_NE(trusted, nullptr);
  ASSERT_NE(untrusted, nullptr);
  const std::string body = absl::StrCat(R"({"sha1":")", kPassword, R"("})");
  json::value r = json::parse(PostJson(*trusted, "/v1/passwords/check", body).body);
  EXPECT_TRUE(r.at("compromised").as_bool()) << r;
  EXPECT_EQ(r.at("count").as_int64(), 10434004);
  EXPECT_FALSE(r.at("degraded").as_bool());
  EXPECT_EQ(SignUp(*trusted, "mallory", kPassword).at("decision").as_string(), "block");
  // The system's CAs do not know the self-signed certificate.
  r = json::parse(PostJson(*untrusted, "/v1/passwords/check", body).body);
  EXPECT_TRUE(r.at("degraded").as_bool()) << r;
  EXPECT_FALSE(r.at("compromised").as_bool()) << r;
}

// What a vigild in remote mode sends: recorded by a plain server.
TEST_F(PwnedE2eTest, RemoteIsSentOnlyFiveHexDigits) {
  RecordingServer server(HttpOk(absl::StrCat(
      "0000000000000000000000000000000000A:0\r\n", kPasswordSuffix, ":12\r\n")));
  auto b = StartVigild("b",
                       absl::StrCat("local = false\nremote_url = \"", server.url(),
                                    "\"\ncache_ttl_s = 0\n"),
                       false);
  ASSERT_NE(b, nullptr);
  json::value d = SignUp(*b, "heidi", kPassword);
  EXPECT_EQ(d.at("decision").as_string(), "block") << d;
  HttpResponse r = PostJson(*b, "/v1/passwords/check",
                            absl::StrCat(R"({"sha1":")", kPassword, R"("})"));
  EXPECT_EQ(json::parse(r.body).at("count").as_int64(), 12);

  std::vector<std::string> requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  for (const std::string& req : requests) {
    EXPECT_TRUE(absl::StartsWith(req, "GET /range/5BAA6 HTTP/1.1\r\n")) << req;
    EXPECT_TRUE(absl::StrContains(req, "Add-Padding: true\r\n")) << req;
    // Of the 40 hex digits, only the first 5 were sent.
    std::string upper = absl::AsciiStrToUpper(req);
    for (size_t i = 1; i + 6 <= 40; ++i) {
      EXPECT_FALSE(absl::StrContains(upper, std::string(kPassword).substr(i, 6)))
          << "digits " << i << ".." << i + 5 << " leaked: " << req;
    }
  }
}

// The seed list is imported at startup, re-imported when it changes, and
// never replaces a corpus imported with `vigil pwned import`.
TEST_F(PwnedE2eTest, SeedFileIsImportedAtStartup) {
  const std::string seed = dir_.path() + "/seed.txt";
  WriteFileOrDie(seed, "123456\npassword\n");
  const std::string data = dir_.path() + "/data";
  const std::string config = TestConfigToml(data, SourcePath("models/default.toml")) +
                             absl::StrCat("\n[pwned]\nseed_file = \"", seed, "\"\n");
  {
    auto v = VigildProcess::Start(dir_.path(), config);
    ASSERT_TRUE(v.ok()) << v.status();
    EXPECT_EQ(SignUp(**v, "ivan", kPassword).at("decision").as_string(), "block");
    EXPECT_EQ(Send(**v, "GET", "/range/5BAA6").body, absl::StrCat(kPasswordSuffix, ":1"));
    EXPECT_TRUE(absl::StrContains(
        (*v)->WaitForStderr("imported 2 passwords", absl::Seconds(10)),
        "imported 2 passwords"));
  }
  // A changed seed replaces the seeded corpus.
  WriteFileOrDie(seed, "123456\n");
  {
    auto v = VigildProcess::Start(dir_.path(), config);
    ASSERT_TRUE(v.ok()) << v.status();
    EXPECT_EQ(SignUp(**v, "judy", kPassword).at("decision").as_string(), "allow");
    EXPECT_EQ(Send(**v, "GET", "/range/7C4A8").body,
              "D09CA3762AF61E59520943DC26494F8941B:1");
  }
  // An imported corpus stays, whatever the seed.
  Import(dir_.path(), data, "dump.txt", kFixtureDump);
  WriteFileOrDie(seed, "something else\n");
  {
    auto v = VigildProcess::Start(dir_.path(), config);
    ASSERT_TRUE(v.ok()) << v.status();
    EXPECT_EQ(Send(**v, "GET", "/range/7C4A8").body,
              "D09CA3762AF61E59520943DC26494F8941B:37359195");
  }
  // A missing seed file is a warning, not an error.
  auto v = VigildProcess::Start(
      dir_.path(), TestConfigToml(dir_.path() + "/data2", SourcePath("models/default.toml")) +
                       "\n[pwned]\nseed_file = \"/nonexistent/seed.txt\"\n");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_TRUE(absl::StrContains(
      (*v)->WaitForStderr("not found", absl::Seconds(10)), "not found"));
}

// With the default corpus built by data/fetch-passwords.sh (when present),
// vigild refuses the most common passwords.
TEST_F(PwnedE2eTest, DefaultCorpusRefusesCommonPasswords) {
  const std::string seed = SourcePath("data/pwned/zxcvbn-common.txt");
  if (!std::filesystem::exists(seed)) {
    GTEST_SKIP() << seed << " not present; run data/fetch.sh";
  }
  auto v = VigildProcess::Start(
      dir_.path(), TestConfigToml(dir_.path() + "/data", SourcePath("models/default.toml")) +
                       absl::StrCat("\n[pwned]\nseed_file = \"", seed, "\"\n"));
  ASSERT_TRUE(v.ok()) << v.status();
  // SHA-1 of "123456" and "password".
  for (const char* hash : {"7C4A8D09CA3762AF61E59520943DC26494F8941B", kPassword}) {
    json::value d = SignUp(**v, "kim", hash);
    EXPECT_EQ(d.at("decision").as_string(), "block") << d;
    EXPECT_TRUE(d.at("risk").at("compromised_credentials").as_bool());
  }
  EXPECT_EQ(SignUp(**v, "kim", kUnbreached).at("decision").as_string(), "allow");
}

// `vigil pwned import` killed mid-way leaves the previous corpus, whole.
TEST_F(PwnedE2eTest, ImportKilledMidWayLeavesThePreviousCorpus) {
  const std::string data = dir_.path() + "/data";
  Import(dir_.path(), data, "dump.txt", kFixtureDump);

  const std::string fifo = dir_.path() + "/feed";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, STDOUT_FILENO);
    execl(VIGIL_CLI_PATH, VIGIL_CLI_PATH, "pwned", "import", "--data-dir",
          data.c_str(), fifo.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  // Feed a sorted dump of 1.5 million hashes (~70 MB: many bulk batches)
  // through the FIFO, and never close it: the importer has read it all and
  // is waiting for more when it is killed.
  int fd = open(fifo.c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  std::string chunk;
  const int kLines = 1500000;
  for (int i = 0; i < kLines; ++i) {
    // Sorted whole hashes over ~256k prefixes; the first is all zeros.
    absl::StrAppend(&chunk, absl::Hex(static_cast<uint64_t>(i) * 699, absl::kZeroPad8),
                    "00000000000000000000000000000000:", 1 + i % 1000, "\n");
    if (chunk.size() > (1 << 20)) {
      ASSERT_EQ(write(fd, chunk.data(), chunk.size()),
                static_cast<ssize_t>(chunk.size()));
      chunk.clear();
    }
  }
  ASSERT_EQ(write(fd, chunk.data(), chunk.size()), static_cast<ssize_t>(chunk.size()));
  usleep(200 * 1000);
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  close(fd);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the import finished before it was killed";
  EXPECT_EQ(WTERMSIG(status), SIGKILL);

  {
    auto store = OpenStore(RocksDbStoreUrl(data), StoreOptions());
    ASSERT_TRUE(store.ok()) << store.status();
    auto corpus = OpenBreachCorpus(std::shared_ptr<Store>(std::move(*store)));
    ASSERT_TRUE(corpus.ok()) << corpus.status();
    auto r = (*corpus)->Check(HashKind::kSha1, kPassword);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->compromised);
    EXPECT_EQ(r->count, 10434004);
    r = (*corpus)->Check(HashKind::kSha1, "0000000000000000000000000000000000000000");
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->compromised);  // the first line fed to the killed import
    auto info = (*corpus)->Info(HashKind::kSha1);
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info->hashes, 4);
  }
  // The next import works and cleans up what the killed one left.
  Import(dir_.path(), data, "dump2.txt", absl::StrCat(kPassword, ":1\n"));
  auto v = VigildProcess::Start(
      dir_.path(), TestConfigToml(data, SourcePath("models/default.toml")) +
                       PwnedToml(""));
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(Send(**v, "GET", "/range/5BAA6").body, absl::StrCat(kPasswordSuffix, ":1"));
  EXPECT_EQ(Send(**v, "GET", "/range/00000").body, "");
}

}  // namespace
}  // namespace vigil::testing
