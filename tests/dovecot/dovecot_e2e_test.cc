// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Dovecot end to end (issue 19): a real Dovecot (Debian's dovecot-imapd,
// `dovecot -F` with its own config, base dir, state and log in a temporary
// folder) asks a real vigild before and after every IMAP login through
// POST /v1/policy/dovecot, configured with the README's example block as it
// is written there. A real IMAP client (Python's imaplib,
// tests/dovecot/imap_login.py) logs in; the listener has haproxy = yes and
// trusts 127.0.0.1, so each login presents the client address the test
// chooses in a PROXY v1 header. The addresses are those of the MaxMind test
// database vigild is given: 81.2.69.160 London, 175.16.199.1 Changchun,
// 89.160.20.115 Linköping.
//
// Skipped, with a message, only when no dovecot binary is installed
// (scripts/setup.sh installs dovecot-imapd).

#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "service/child_process.h"
#include "service/http_client.h"
#include "service/vigild_process.h"
#include "testing/test_util.h"

namespace vigil::testing {
namespace {

namespace json = boost::json;

constexpr char kLondon[] = "81.2.69.160";
constexpr char kChangchun[] = "175.16.199.1";
constexpr char kLinkoping[] = "89.160.20.115";

// The dovecot binary, or "" if none is installed.
std::string FindDovecot() {
  std::vector<std::string> dirs = {"/usr/sbin", "/usr/local/sbin"};
  if (const char* path = getenv("PATH")) {
    for (absl::string_view d : absl::StrSplit(path, ':', absl::SkipEmpty())) {
      dirs.emplace_back(d);
    }
  }
  for (const std::string& d : dirs) {
    const std::string candidate = d + "/dovecot";
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof(a);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  close(fd);
  return port;
}

bool Accepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
  close(fd);
  return ok;
}

// The README's Dovecot example: the ```conf block after the marker line.
std::string ReadmeDovecotExample() {
  const std::string readme = ReadFileOrDie(SourcePath("README.md"));
  const size_t marker = readme.find("<!-- dovecot-example");
  if (marker == std::string::npos) return "";
  const size_t open = readme.find("```conf\n", marker);
  if (open == std::string::npos) return "";
  const size_t start = open + sizeof("```conf\n") - 1;
  const size_t close = readme.find("```", start);
  if (close == std::string::npos) return "";
  return readme.substr(start, close - start);
}

// dovecot -F -c <config>, stopped with SIGTERM (SIGKILL after 10 s).
class DovecotProcess {
 public:
  DovecotProcess(const std::string& binary, const std::string& config,
                 const std::string& output) {
    pid_ = fork();
    if (pid_ == 0) {
      FILE* out = freopen(output.c_str(), "w", stdout);
      if (out != nullptr) dup2(fileno(out), STDERR_FILENO);
      execl(binary.c_str(), binary.c_str(), "-F", "-c", config.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  ~DovecotProcess() { Stop(); }

  // Whether the master is still running.
  bool Running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    return true;
  }

  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (absl::Now() < deadline) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      absl::SleepFor(absl::Milliseconds(20));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
};

class DovecotE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dovecot_binary_ = FindDovecot();
    if (dovecot_binary_.empty()) {
      GTEST_SKIP() << "no dovecot binary (install Debian's dovecot-imapd, as "
                      "scripts/setup.sh does)";
    }
    example_ = ReadmeDovecotExample();
    ASSERT_FALSE(example_.empty())
        << "README.md: no ```conf block after <!-- dovecot-example";
    EXPECT_TRUE(absl::StrContains(ReadFileOrDie(SourcePath("docs/dovecot.md")),
                                  absl::StrCat("```conf\n", example_, "```")))
        << "docs/dovecot.md must show README.md's Dovecot example as is";
    // Dovecot's unprivileged processes walk into this folder.
    chmod(dir_.path().c_str(), 0755);
    ASSERT_NO_FATAL_FAILURE(StartVigild());
    ASSERT_NO_FATAL_FAILURE(StartDovecot());
  }

  void TearDown() override {
    if (HasFailure()) {
      std::cerr << "--- dovecot log ---\n"
                << ReadIfExists(dir_.path() + "/dovecot.log")
                << ReadIfExists(dir_.path() + "/dovecot.out");
      if (vigild_ != nullptr) {
        std::cerr << "--- vigild stderr ---\n" << vigild_->Stderr();
      }
    }
    dovecot_.reset();
    vigild_.reset();
  }

  static std::string ReadIfExists(const std::string& path) {
    return std::filesystem::exists(path) ? ReadFileOrDie(path) : "";
  }

  void StartVigild() {
    const std::string vdir = dir_.path() + "/vigild";
    std::filesystem::create_directories(vdir);
    auto v = VigildProcess::Start(
        vdir,
        TestConfigToml(vdir + "/data", SourcePath("models/default.toml")));
    ASSERT_TRUE(v.ok()) << v.status();
    vigild_ = *std::move(v);
    auto c = HttpClient::Connect(vigild_->address());
    ASSERT_TRUE(c.ok()) << c.status();
    client_ = *std::move(c);
  }

  void StartDovecot() {
    const std::string& d = dir_.path();
    for (const char* sub : {"/run", "/state", "/mail"}) {
      std::filesystem::create_directories(d + sub);
    }
    // Mail folders are made by the user the userdb names.
    chmod((d + "/mail").c_str(), 01777);
    WriteFileOrDie(d + "/users",
                   "alice:{PLAIN}alice-password::::::\n"
                   "bob:{PLAIN}bob-password::::::\n"
                   "carol:{PLAIN}carol-password::::::\n");
    chmod((d + "/users").c_str(), 0644);

    // Dovecot runs its login processes unprivileged: as root, as the users
    // Debian's package made (dovenull, dovecot); otherwise all as us.
    std::string internal_user, internal_group, login_user;
    uid_t mail_uid = getuid();
    gid_t mail_gid = getgid();
    if (geteuid() == 0) {
      const passwd* dovecot = getpwnam("dovecot");
      const passwd* dovenull = getpwnam("dovenull");
      ASSERT_TRUE(dovecot != nullptr && dovenull != nullptr)
          << "running as root needs the users dovecot and dovenull (made by "
             "Debian's dovecot-core)";
      internal_user = "dovecot";
      login_user = "dovenull";
      mail_uid = dovecot->pw_uid;
      mail_gid = dovecot->pw_gid;
      const group* g = getgrgid(mail_gid);
      ASSERT_NE(g, nullptr);
      internal_group = g->gr_name;
    } else {
      const passwd* me = getpwuid(getuid());
      const group* g = getgrgid(getgid());
      ASSERT_TRUE(me != nullptr && g != nullptr);
      internal_user = login_user = me->pw_name;
      internal_group = g->gr_name;
    }

    imap_port_ = FreePort();
    ASSERT_GT(imap_port_, 0);
    std::string example = absl::StrReplaceAll(
        example_,
        {{"http://127.0.0.1:8080", absl::StrCat("http://", vigild_->address())},
         {"<an evaluate key>", kEvaluateKey},
         {"<a long random string>", "e2e-test-nonce"}});
    const std::string config = absl::StrCat(
        "# Written by tests/dovecot/dovecot_e2e_test.cc.\n"
        "base_dir = ",
        d, "/run\n", "state_dir = ", d, "/state\n", "log_path = ", d,
        "/dovecot.log\n", "instance_name = vigil-e2e-", getpid(), "\n",
        "protocols = imap\n"
        "listen = 127.0.0.1\n"
        "ssl = no\n"
        "disable_plaintext_auth = no\n"
        "auth_mechanisms = plain login\n"
        "auth_verbose = yes\n"
        "auth_failure_delay = 0\n"
        "default_internal_user = ",
        internal_user, "\n", "default_internal_group = ", internal_group, "\n",
        "default_login_user = ", login_user, "\n",
        "first_valid_uid = 1\n"
        "passdb {\n  driver = passwd-file\n  args = ",
        d, "/users\n}\n",
        "userdb {\n  driver = static\n  args = uid=", mail_uid,
        " gid=", mail_gid, " home=", d, "/mail/%u\n}\n",
        "mail_location = maildir:", d, "/mail/%u\n",
        "haproxy_trusted_networks = 127.0.0.1/32\n"
        "service imap-login {\n"
        "  chroot =\n"
        "  inet_listener imap {\n"
        "    address = 127.0.0.1\n"
        "    port = ",
        imap_port_, "\n",
        "    haproxy = yes\n"
        "  }\n"
        "  inet_listener imaps {\n    port = 0\n  }\n"
        "}\n"
        // Dovecot's own penalty (an exponential delay for an address that
        // keeps failing) would slow the burst to minutes; vigil judges.
        "service anvil {\n"
        "  chroot =\n"
        "  unix_listener anvil-auth-penalty {\n    mode = 0\n  }\n"
        "}\n"
        "\n# README.md's example:\n",
        example);
    WriteFileOrDie(d + "/dovecot.conf", config);
    dovecot_ = std::make_unique<DovecotProcess>(
        dovecot_binary_, d + "/dovecot.conf", d + "/dovecot.out");
    const absl::Time deadline = absl::Now() + absl::Seconds(20);
    while (!Accepts(imap_port_)) {
      ASSERT_TRUE(dovecot_->Running()) << "dovecot exited";
      ASSERT_LT(absl::Now(), deadline) << "dovecot is not listening";
      absl::SleepFor(absl::Milliseconds(50));
    }
  }

  // Logs in from `ip` with each "user:password", in order; one line each:
  // "OK <user>" or "NO <user> <server text>".
  std::vector<std::string> Logins(const std::string& ip,
                                  const std::vector<std::string>& pairs) {
    int exit_code = -1;
    const std::string out = RunShell(
        absl::StrCat("timeout 120 /usr/bin/python3 ",
                     SourcePath("tests/dovecot/imap_login.py"), " ", imap_port_,
                     " ", ip, " ", absl::StrJoin(pairs, " "), " 2>&1"),
        &exit_code);
    EXPECT_EQ(exit_code, 0) << out;
    return absl::StrSplit(out, '\n', absl::SkipEmpty());
  }
  std::string Login(const std::string& ip, const std::string& pair) {
    std::vector<std::string> lines = Logins(ip, {pair});
    return lines.size() == 1 ? lines[0] : absl::StrJoin(lines, "|");
  }

  // The user's history, newest first.
  json::array Events(const std::string& user) {
    auto r =
        client_->Get(absl::StrCat("/v1/users/", user, "/events"), kEvaluateKey);
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return {};
    EXPECT_EQ(r->status, 200) << r->body;
    json::value v = json::parse(r->body);
    return v.at("events").as_array();
  }

  static bool HasReason(const json::value& event, const char* signal) {
    for (const json::value& r :
         event.at("decision").at("risk").at("reasons").as_array()) {
      if (r.at("signal").as_string() == signal) return true;
    }
    return false;
  }

  TempDir dir_;
  std::string dovecot_binary_;
  std::string example_;
  std::unique_ptr<VigildProcess> vigild_;
  std::unique_ptr<HttpClient> client_;
  std::unique_ptr<DovecotProcess> dovecot_;
  int imap_port_ = 0;
};

// (a) A login from London passes and is learned; (b) the same user from
// Changchun a moment later is refused with the right password.
TEST_F(DovecotE2eTest, LearnsALoginThenRefusesImpossibleTravel) {
  EXPECT_EQ(Login(kLondon, "alice:alice-password"), "OK alice");
  json::array events = Events("alice");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].at("ip"), kLondon);
  EXPECT_EQ(events[0].at("user_agent"), "imap");
  EXPECT_EQ(events[0].at("decision").at("decision"), "allow");
  // The report landed on the evaluated event: one event, learned.
  EXPECT_EQ(events[0].at("outcome"), "success");

  const std::string far = Login(kChangchun, "alice:alice-password");
  EXPECT_TRUE(absl::StartsWith(far, "NO alice")) << far;
  // Dovecot shows the policy's message to the client.
  EXPECT_TRUE(absl::StrContains(far, "Sign-in refused by the security policy"))
      << far;
  events = Events("alice");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].at("ip"), kChangchun);
  EXPECT_EQ(events[0].at("decision").at("decision"), "block");
  EXPECT_TRUE(HasReason(events[0], "geo_velocity")) << events[0];
  // Refused by policy: the password was never judged, no outcome.
  EXPECT_EQ(events[0].at("outcome"), "unknown");

  // London still works: the refusal taught nothing.
  EXPECT_EQ(Login(kLondon, "alice:alice-password"), "OK alice");
}

// (c) A burst of failed logins for many users from one address gets the
// address refused, even for a real user with the right password.
TEST_F(DovecotE2eTest, ABurstOfFailuresFromOneAddressGetsItRefused) {
  std::vector<std::string> burst;
  for (int i = 0; i < 24; ++i) {
    burst.push_back(absl::StrCat("user", i, ":guess", i));
  }
  std::vector<std::string> lines = Logins(kLinkoping, burst);
  ASSERT_EQ(lines.size(), burst.size()) << absl::StrJoin(lines, "\n");
  for (const std::string& line : lines) {
    EXPECT_TRUE(absl::StartsWith(line, "NO user")) << line;
  }
  // The failures were counted: the last ones were refused by policy.
  EXPECT_TRUE(absl::StrContains(lines.back(), "refused by the security policy"))
      << lines.back();
  json::array first = Events("user0");
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].at("outcome"), "failure");

  const std::string bob = Login(kLinkoping, "bob:bob-password");
  EXPECT_TRUE(absl::StartsWith(bob, "NO bob")) << bob;
  json::array events = Events("bob");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].at("decision").at("decision"), "block");
  EXPECT_TRUE(HasReason(events[0], "velocity")) << events[0];

  // Another address is not affected.
  EXPECT_EQ(Login(kLondon, "carol:carol-password"), "OK carol");
}

// (d) With vigild stopped, Dovecot fails open (auth_policy_reject_on_fail =
// no in the example), and a wrong password is still refused by Dovecot.
TEST_F(DovecotE2eTest, FailsOpenWhenVigildIsDown) {
  EXPECT_EQ(Login(kLondon, "carol:carol-password"), "OK carol");
  client_.reset();
  ASSERT_EQ(vigild_->Stop(SIGTERM), 0);
  EXPECT_EQ(Login(kChangchun, "carol:carol-password"), "OK carol");
  const std::string wrong = Login(kChangchun, "carol:wrong");
  EXPECT_TRUE(absl::StartsWith(wrong, "NO carol")) << wrong;
  // Dovecot did ask, and could not reach it.
  const std::string log = ReadFileOrDie(dir_.path() + "/dovecot.log");
  EXPECT_TRUE(absl::StrContains(log, "Policy server HTTP error")) << log;
}

}  // namespace
}  // namespace vigil::testing
