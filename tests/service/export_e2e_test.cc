// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The history export round trip (issue 19): live traffic through the real
// vigild on loopback (the MaxMind test databases, the shipped default model,
// TOTP factors with oathtool codes), `vigil export` of its store while it
// runs and after it stopped, `vigil replay` of the export with the same
// model and GeoIP files: the same decision, level and score, event by event.
// And GET /v1/events: its pages are the export, line for line.

#include <signal.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "service/child_process.h"
#include "service/http_client.h"
#include "service/vigild_process.h"
#include "testing/engine_fixture.h"
#include "testing/mfa_testing.h"
#include "testing/test_util.h"

namespace vigil::testing {
namespace {

namespace json = boost::json;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  for (absl::string_view l : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    lines.emplace_back(l);
  }
  return lines;
}

// What the live service answered for one attempt.
struct Live {
  std::string user;
  std::string event_id;
  std::string decision;
  std::string level;
  double score = 0;
  bool known_device = false;  // a trusted device key lowered the score
};

// How the test answers a challenge.
enum class Answer { kTotp, kLock, kItWasMe, kNotMe, kNone };

class ExportE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model_ = SourcePath("models/default.toml");
    data_ = dir_.path() + "/data";
    const std::string config = absl::StrCat(
        TestConfigToml(data_, model_), "\n[mfa]\nkey_file = \"",
        WriteKeyFile(dir_.path()), "\"\nissuer = \"Vigil Test\"\n");
    ASSERT_NO_FATAL_FAILURE(
        StartVigildAndConnect(dir_.path(), config, &vigild_, &client_));
  }

  HttpResponse Send(absl::string_view method, const std::string& target,
                    const std::string& body, const std::string& key) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!key.empty()) {
      headers.emplace_back("Authorization", absl::StrCat("Bearer ", key));
    }
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    absl::StatusOr<HttpResponse> r =
        client_->Send(method, target, body, headers);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : HttpResponse();
  }

  json::value Call(absl::string_view method, const std::string& target,
                   const std::string& body, int want, const std::string& key) {
    HttpResponse r = Send(method, target, body, key);
    EXPECT_EQ(r.status, want) << method << " " << target << ": " << r.body;
    if (r.body.empty() || r.status != want) return nullptr;
    return json::parse(r.body);
  }

  // Enrols a TOTP factor for `user` (its code of the step before `t_`).
  void EnrolTotp(const std::string& user) {
    json::value e =
        Call("POST", absl::StrCat("/v1/users/", user, "/mfa/totp"),
             absl::StrCat(R"({"account_name":")", user, R"(@example.com"})"),
             200, kMfaKey);
    ASSERT_TRUE(e.is_object());
    secrets_[user] = std::string(e.at("secret").as_string());
    json::value v =
        Call("POST", absl::StrCat("/v1/users/", user, "/mfa/totp/verify"),
             absl::StrCat(R"({"code":")", OathtoolCode(secrets_[user], t_ - 30),
                          R"("})"),
             200, kMfaKey);
    ASSERT_TRUE(v.is_object());
    ASSERT_EQ(v.at("result"), "passed");
  }

  // One attempt; a challenge is answered as `answer` says. Returns the
  // event id.
  std::string Attempt(const std::string& user, const std::string& ip,
                      const std::string& user_agent,
                      const std::string& fingerprint,
                      const std::string& device_key, const std::string& outcome,
                      Answer answer = Answer::kItWasMe,
                      const std::string& event_type = "sign_in") {
    std::string body = absl::StrCat(R"({"event_type":")", event_type,
                                    R"(","user_id":")", user, R"(","ip":")", ip,
                                    R"(","user_agent":")", user_agent, "\"");
    if (!fingerprint.empty()) {
      absl::StrAppend(&body, R"(,"device_fingerprint":")", fingerprint, "\"");
    }
    if (!device_key.empty()) {
      absl::StrAppend(&body, R"(,"device_key":")", device_key, "\"");
    }
    if (!outcome.empty()) {
      absl::StrAppend(&body, R"(,"outcome":")", outcome, "\"");
    }
    body += "}";
    json::value d = Call("POST", "/v1/evaluate", body, 200, kEvaluateKey);
    if (!d.is_object()) return "";
    Live live;
    live.user = user;
    live.event_id = std::string(d.at("event_id").as_string());
    live.decision = std::string(d.at("decision").as_string());
    live.level = std::string(d.at("risk").at("level").as_string());
    live.score = d.at("risk").at("score").to_number<double>();
    for (const json::value& r : d.at("risk").at("reasons").as_array()) {
      live.known_device |= r.at("signal") == "known_device";
    }
    live_.push_back(live);
    if (live.decision == "challenge" && outcome == "success") {
      const std::string verify = absl::StrCat(
          "/v1/challenges/",
          std::string(d.at("challenge").at("id").as_string()), "/verify");
      switch (answer) {
        case Answer::kTotp:
          EXPECT_EQ(
              Call("POST", verify,
                   absl::StrCat(R"({"code":")",
                                OathtoolCode(secrets_[user], t_), R"("})"),
                   200, kMfaKey)
                  .at("result"),
              "passed");
          ++passed_;
          break;
        case Answer::kLock: {
          // Codes far from now: wrong, until the challenge locks.
          std::string result;
          for (int i = 0; i < 5; ++i) {
            json::value r = Call(
                "POST", verify,
                absl::StrCat(R"({"code":")",
                             OathtoolCode(secrets_[user], t_ + 3600 + 60 * i),
                             R"("})"),
                200, kMfaKey);
            if (r.is_object()) result = std::string(r.at("result").as_string());
          }
          EXPECT_EQ(result, "locked");
          ++locked_;
          break;
        }
        case Answer::kItWasMe:
        case Answer::kNotMe:
          Call("POST", absl::StrCat("/v1/events/", live.event_id, "/feedback"),
               answer == Answer::kItWasMe ? R"({"value":"valid"})"
                                          : R"({"value":"invalid"})",
               200, kAdminKey);
          ++feedback_;
          break;
        case Answer::kNone:
          break;
      }
    }
    return live.event_id;
  }

  // Live traffic: three users with TOTP, baselines, failures, challenges
  // passed, locked and confirmed by feedback, an outcome reported later,
  // "not me" on a user's last event, other event types.
  void Traffic() {
    // Stay clear of a TOTP step boundary: the codes of t_ - 30 (enrolment)
    // and t_ (one challenge per user) are each used once.
    t_ = time(nullptr);
    if (t_ % 30 > 15) {
      absl::SleepFor(absl::Seconds(31 - t_ % 30));
      t_ = time(nullptr);
    }
    for (const char* user : {"alice", "bob", "carol"}) {
      ASSERT_NO_FATAL_FAILURE(EnrolTotp(user));
    }
    for (int i = 0; i < 6; ++i) {
      Attempt("alice", kLondon, kChromeWindows, "fp-alice-laptop",
              "dk-alice-laptop", "success");
      Attempt("bob", kLinkoping, kFirefoxLinux, "fp-bob", "", "success");
      Attempt("carol", kMilton, kSafariIphone, "", "", "success");
    }
    Attempt("bob", kLinkoping, kFirefoxLinux, "fp-bob", "", "failure");
    Attempt("bob", kLinkoping, kFirefoxLinux, "fp-bob", "", "failure");
    Attempt("bob", kLinkoping, kFirefoxLinux, "fp-bob", "", "success");
    // The laptop's trusted key abroad (a device key, not a fingerprint, in
    // the export: the key's trust lowers the score).
    Attempt("alice", kLinkoping, kChromeWindows, "fp-alice-laptop",
            "dk-alice-laptop", "success");
    // A new device on a known network, then a far-away new device.
    Attempt("alice", kLondon2, kChromeWindows, "fp-alice-phone",
            "dk-alice-phone", "success");
    Attempt("alice", kMelbourne, kSafariIphone, "fp-alice-travel",
            "dk-alice-travel", "success", Answer::kTotp);
    Attempt("carol", kLinkoping, kFirefoxLinux, "", "", "success",
            Answer::kItWasMe);
    Attempt("bob", kChangchun, kChromeWindows, "fp-attacker", "", "success",
            Answer::kLock);
    // What was learned and distrusted shows in the next decisions.
    Attempt("alice", kMelbourne, kSafariIphone, "fp-alice-travel",
            "dk-alice-travel", "success");
    Attempt("bob", kChangchun, kChromeWindows, "fp-attacker", "", "failure");
    Attempt("carol", kLinkoping, kFirefoxLinux, "", "", "success");
    // A burst of failures from the address where a challenge passed: how
    // many successes the address had decides how soon they count (a replay
    // counts its passed challenges as live does; "it was me" feedback
    // counts none live, so none is on this address, docs/replay.md).
    // (Eight users, four wrong passwords each: no user streak, and the
    // address's failures stay below the medium level.)
    for (int round = 0; round < 4; ++round) {
      for (int u = 0; u < 8; ++u) {
        Attempt(absl::StrCat("guest-", u), kMelbourne, kFirefoxLinux, "", "",
                "failure");
      }
    }
    // The outcome reported after the decision.
    const std::string later =
        Attempt("carol", kMilton, kSafariIphone, "", "", "");
    Call("POST", absl::StrCat("/v1/events/", later, "/outcome"),
         R"({"outcome":"success"})", 200, kEvaluateKey);
    Attempt("bob", kLinkoping, kFirefoxLinux, "fp-bob", "", "success",
            Answer::kItWasMe, "password_change");
    Attempt("alice", kLondon, kChromeWindows, "fp-alice-laptop",
            "dk-alice-laptop", "success", Answer::kItWasMe, "forgot_password");
    // Carol's last event: "not me" (its effects on her profile come after
    // every event of hers, so a replay needs nothing more).
    const std::string last =
        Attempt("carol", kChangchun, kFirefoxLinux, "fp-carol-thief", "",
                "success", Answer::kNone);
    Call("POST", absl::StrCat("/v1/events/", last, "/feedback"),
         R"({"value":"invalid"})", 200, kAdminKey);
    ++feedback_;
  }

  // `vigil export` of the data folder with `flags`; its output file.
  std::string Export(const std::string& flags, int want_code = 0,
                     std::string* messages = nullptr) {
    const std::string out =
        absl::StrCat(dir_.path(), "/export-", ++exports_, ".jsonl");
    int code = -1;
    const std::string said =
        RunShell(absl::StrCat(VIGIL_CLI_PATH, " export --data-dir ", data_,
                              " --out ", out, " ", flags, " 2>&1"),
                 &code);
    EXPECT_EQ(code, want_code) << said;
    if (messages != nullptr) *messages = said;
    return code == 0 ? ReadFileOrDie(out) : "";
  }

  // Every page of GET /v1/events?`query`&limit=`limit`, concatenated.
  std::string PullEvents(const std::string& query, int limit, int* pages) {
    std::string all;
    std::string cursor;
    *pages = 0;
    for (int i = 0; i < 1000; ++i) {
      std::string target = absl::StrCat("/v1/events?limit=", limit);
      if (!query.empty()) absl::StrAppend(&target, "&", query);
      if (!cursor.empty()) absl::StrAppend(&target, "&cursor=", cursor);
      HttpResponse r = Send("GET", target, "", kAdminKey);
      EXPECT_EQ(r.status, 200) << target << ": " << r.body;
      if (r.status != 200) break;
      EXPECT_EQ(r.headers["content-type"], "application/x-ndjson");
      ++*pages;
      all += r.body;
      auto next = r.headers.find("vigil-next-cursor");
      if (next == r.headers.end()) break;
      EXPECT_EQ(Lines(r.body).size(), static_cast<size_t>(limit));
      cursor = next->second;
    }
    return all;
  }

  TempDir dir_;
  std::string model_, data_;
  std::unique_ptr<VigildProcess> vigild_;
  std::unique_ptr<HttpClient> client_;
  std::map<std::string, std::string> secrets_;
  int64_t t_ = 0;
  std::vector<Live> live_;
  int passed_ = 0, locked_ = 0, feedback_ = 0, exports_ = 0;
};

TEST_F(ExportE2eTest, AReplayOfTheExportMakesTheLiveDecisions) {
  ASSERT_NO_FATAL_FAILURE(Traffic());
  ASSERT_EQ(passed_, 1);
  ASSERT_EQ(locked_, 1);
  ASSERT_GE(feedback_, 2);
  int allowed = 0, challenged = 0;
  for (const Live& l : live_) {
    allowed += l.decision == "allow";
    challenged += l.decision == "challenge";
  }
  EXPECT_GE(allowed, 20);
  EXPECT_GE(challenged, 3);
  int known_device = 0;
  for (const Live& l : live_) known_device += l.known_device;
  EXPECT_GE(known_device, 1);

  // While vigild runs.
  const std::string exported = Export("");
  std::vector<std::string> lines = Lines(exported);
  ASSERT_EQ(lines.size(), live_.size());
  int labels = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    json::value l = json::parse(lines[i]);
    EXPECT_EQ(l.at("user_id"), live_[i].user.c_str()) << lines[i];
    // The device key is never in the export, only its token.
    EXPECT_FALSE(absl::StrContains(lines[i], "dk-alice")) << lines[i];
    EXPECT_FALSE(absl::StrContains(lines[i], "fp-")) << lines[i];
    if (l.as_object().contains("label")) ++labels;
  }
  EXPECT_TRUE(absl::StrContains(exported, R"("kind":"challenge_locked")"));
  EXPECT_TRUE(absl::StrContains(exported, R"("kind":"feedback_valid")"));
  EXPECT_TRUE(absl::StrContains(exported, R"("kind":"feedback_invalid")"));
  EXPECT_EQ(labels, locked_ + feedback_);

  // Replayed with the same model and GeoIP files.
  const std::string events = dir_.path() + "/events.jsonl";
  WriteFileOrDie(events, exported);
  const std::string decisions = dir_.path() + "/decisions.jsonl";
  int code = -1;
  const std::string said = RunShell(
      absl::StrCat(VIGIL_CLI_PATH, " replay --events ", events, " --model ",
                   model_, " --geoip ",
                   TestDataPath("maxmind/GeoIP2-City-Test.mmdb"), " --geoip ",
                   TestDataPath("maxmind/GeoLite2-ASN-Test.mmdb"), " --out ",
                   decisions, " 2>&1"),
      &code);
  ASSERT_EQ(code, 0) << said;
  std::vector<std::string> replayed = Lines(ReadFileOrDie(decisions));
  ASSERT_EQ(replayed.size(), live_.size());
  for (size_t i = 0; i < replayed.size(); ++i) {
    json::value r = json::parse(replayed[i]);
    SCOPED_TRACE(absl::StrCat("event ", i, " of ", live_[i].user, ": ",
                              lines[i], "\n", replayed[i]));
    EXPECT_EQ(r.at("i").to_number<int64_t>(), static_cast<int64_t>(i));
    EXPECT_EQ(r.at("decision"), live_[i].decision.c_str());
    EXPECT_EQ(r.at("level"), live_[i].level.c_str());
    // Both rounded to 4 decimals.
    EXPECT_NEAR(r.at("score").to_number<double>(), live_[i].score, 1e-9);
  }

  // The labels carry what the live challenges and feedback taught: the
  // label-blind protocol (no label reaches the engine) decides otherwise.
  const std::string blind = dir_.path() + "/blind.jsonl";
  RunShell(
      absl::StrCat(VIGIL_CLI_PATH, " replay --label-blind --events ", events,
                   " --model ", model_, " --geoip ",
                   TestDataPath("maxmind/GeoIP2-City-Test.mmdb"), " --geoip ",
                   TestDataPath("maxmind/GeoLite2-ASN-Test.mmdb"), " --out ",
                   blind, " 2>&1"),
      &code);
  ASSERT_EQ(code, 0);
  std::vector<std::string> blind_lines = Lines(ReadFileOrDie(blind));
  ASSERT_EQ(blind_lines.size(), live_.size());
  int differ = 0;
  for (size_t i = 0; i < blind_lines.size(); ++i) {
    json::value r = json::parse(blind_lines[i]);
    differ += r.at("score").to_number<double>() != live_[i].score;
  }
  EXPECT_GE(differ, 1);

  // After vigild stopped: the same export.
  ASSERT_EQ(vigild_->Stop(SIGTERM), 0);
  EXPECT_EQ(Export(""), exported);
}

TEST_F(ExportE2eTest, PagesOfGetEventsAreTheExportAndFiltersAgree) {
  ASSERT_NO_FATAL_FAILURE(Traffic());
  const std::string exported = Export("");
  const std::vector<std::string> lines = Lines(exported);
  ASSERT_EQ(lines.size(), live_.size());
  int pages = 0;
  for (int limit : {1, 7, 10000}) {
    SCOPED_TRACE(limit);
    EXPECT_EQ(PullEvents("", limit, &pages), exported);
    EXPECT_EQ(pages, static_cast<int>((lines.size() + limit - 1) / limit));
  }

  // A time window, [line 5, line 12), both ways.
  const std::string since(json::parse(lines[5]).at("timestamp").as_string());
  const std::string until(json::parse(lines[12]).at("timestamp").as_string());
  std::string window;
  for (int i = 5; i < 12; ++i) absl::StrAppend(&window, lines[i], "\n");
  EXPECT_EQ(
      PullEvents(absl::StrCat("since=", since, "&until=", until), 3, &pages),
      window);
  EXPECT_EQ(Export(absl::StrCat("--since ", since, " --until ", until)),
            window);
  // One user.
  std::string bob;
  for (const std::string& l : lines) {
    if (absl::StrContains(l, R"("user_id":"bob")"))
      absl::StrAppend(&bob, l, "\n");
  }
  EXPECT_EQ(Export("--user bob"), bob);
  EXPECT_EQ(Export("--user nobody"), "");
}

TEST_F(ExportE2eTest, BadParametersAreRefusedClearly) {
  Attempt("alice", kLondon, kChromeWindows, "", "", "success");
  struct Bad {
    std::string query;
    std::string message;
  };
  const std::vector<Bad> bad = {
      {"since=yesterday",
       "since: not an RFC 3339 time (e.g. 2026-01-02T03:04:05Z)"},
      {"until=2026-13-01T00:00:00Z",
       "until: not an RFC 3339 time (e.g. 2026-01-02T03:04:05Z)"},
      {"since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z",
       "since: later than until"},
      {"limit=0", "limit: must be an integer from 1 to 10000"},
      {"limit=10001", "limit: must be an integer from 1 to 10000"},
      {"limit=ten", "limit: must be an integer from 1 to 10000"},
      {"cursor=zz", "cursor: not a cursor (the id of an event)"},
      {"user=alice",
       "user: unknown query parameter (want since, until, cursor or limit)"},
      {"since=%zz", "query: malformed %-escape"},
  };
  for (const Bad& b : bad) {
    SCOPED_TRACE(b.query);
    HttpResponse r = Send("GET", "/v1/events?" + b.query, "", kAdminKey);
    EXPECT_EQ(r.status, 400) << r.body;
    json::value e = json::parse(r.body);
    EXPECT_EQ(e.at("error").at("code"), "bad_request");
    EXPECT_EQ(e.at("error").at("message"), b.message.c_str());
  }
  // Admin only.
  EXPECT_EQ(Send("GET", "/v1/events", "", kEvaluateKey).status, 403);
  EXPECT_EQ(Send("GET", "/v1/events", "", "").status, 401);
  EXPECT_EQ(Send("POST", "/v1/events", "{}", kAdminKey).status, 405);

  // The command line.
  std::string said;
  Export("--since yesterday", 2, &said);
  EXPECT_TRUE(absl::StrContains(said, "--since: not an RFC 3339 time")) << said;
  Export("--since 2026-02-01T00:00:00Z --until 2026-01-01T00:00:00Z", 2, &said);
  EXPECT_TRUE(absl::StrContains(said, "--since: later than --until")) << said;
  int code = -1;
  said = RunShell(absl::StrCat(VIGIL_CLI_PATH, " export --data-dir ",
                               dir_.path(), "/nothing-here 2>&1"),
                  &code);
  EXPECT_EQ(code, 1);
  EXPECT_TRUE(absl::StrContains(said, "no database here")) << said;
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/nothing-here"));
  // --store: the same folder as a URL; memory: holds no vigild's history.
  said = RunShell(absl::StrCat(VIGIL_CLI_PATH, " export --store rocksdb:",
                               dir_.path(), "/nothing-here 2>&1"),
                  &code);
  EXPECT_EQ(code, 1);
  EXPECT_TRUE(absl::StrContains(said, "no database here")) << said;
  said = RunShell(absl::StrCat(VIGIL_CLI_PATH, " export --store memory: 2>&1"),
                  &code);
  EXPECT_EQ(code, 2);
  EXPECT_TRUE(
      absl::StrContains(said, "--store memory: lives inside one vigild"))
      << said;
}

}  // namespace
}  // namespace vigil::testing
