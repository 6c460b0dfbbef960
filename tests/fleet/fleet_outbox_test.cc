// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The outbox of a fleet: three real vigild processes on the real local Redis
// Cluster run delivery workers over one queue. A notification enqueued on
// one node is delivered once; it goes out again (same idempotency key and
// Message-ID) only when the vigild that took it died before acknowledging,
// and not before that vigild's claim lease ran out.

#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "fleet/fleet_testing.h"
#include "gtest/gtest.h"
#include "service/child_process.h"

namespace vigil::testing {
namespace {

namespace json = boost::json;

// The headers of a stored message, by lower-case name.
std::map<std::string, std::string> Headers(const std::string& raw) {
  std::map<std::string, std::string> headers;
  const size_t end = raw.find("\r\n\r\n");
  for (absl::string_view line :
       absl::StrSplit(absl::string_view(raw).substr(0, end), "\r\n")) {
    const size_t colon = line.find(':');
    if (colon == absl::string_view::npos) continue;
    headers[absl::AsciiStrToLower(line.substr(0, colon))] =
        std::string(absl::StripAsciiWhitespace(line.substr(colon + 1)));
  }
  return headers;
}

// When the file at `path` was last written.
absl::Time ModifiedAt(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    ADD_FAILURE() << "stat " << path;
    return absl::InfinitePast();
  }
  return absl::TimeFromTimespec(st.st_mtim);
}

class FleetOutboxTest : public FleetTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(FleetTest::SetUp());
    mail_dir_ = dir() + "/mail";
    stall_dir_ = dir() + "/stalled";
    std::filesystem::create_directories(mail_dir_);
    std::filesystem::create_directories(stall_dir_);
    smtp_ = std::make_unique<Peer>(std::vector<std::string>{
        "/usr/bin/python3", SourcePath("tests/service/mfa_peers.py"), "smtp",
        mail_dir_});
    ASSERT_GT(smtp_->port(), 0) << "aiosmtpd did not start";
  }

  NodeOptions Mailing(int port, int timeout_ms = 3000) {
    NodeOptions options;
    options.smtp_port = port;
    options.smtp_timeout_ms = timeout_ms;
    return options;
  }

  // The stalling server (tests/fleet/stalling_smtp.py) in `mode`.
  std::unique_ptr<Peer> StartStallingServer(const std::string& mode) {
    auto peer = std::make_unique<Peer>(std::vector<std::string>{
        "/usr/bin/python3", SourcePath("tests/fleet/stalling_smtp.py"), mode,
        stall_dir_});
    EXPECT_GT(peer->port(), 0) << "stalling_smtp.py did not start";
    return peer;
  }

  // Node 0 alone, sending mail to a stalling server in `mode`, enqueues a
  // notification and takes it (the stalling server saw it); then two nodes
  // that send to the real server join, and node 0 is killed (kill -9)
  // before it could acknowledge. Returns the event id of the notification;
  // *enqueued_at is a time before node 0 took it.
  std::string KillTheDeliverer(const std::string& mode,
                               absl::Time* enqueued_at) {
    std::unique_ptr<Peer> stalling = StartStallingServer(mode);
    if (stalling->port() <= 0) return "";
    // A timeout far beyond the test: node 0 waits for its server until it
    // is killed.
    if (StartNode(Mailing(stalling->port(), 600000)) != 0) return "";
    SetEmail(0, "fay");
    *enqueued_at = absl::Now();
    const json::value risky = RiskySignIn(0, "fay");
    if (!risky.is_object()) return "";
    // Node 0 took the message (its server has the message, or the
    // connection).
    EXPECT_EQ(WaitForFiles(stall_dir_, 1, absl::Seconds(10)).size(), 1u);
    for (int i = 0; i < 2; ++i) {
      EXPECT_GE(StartNode(Mailing(smtp_->port())), 1);
    }
    KillNode(0);
    return std::string(risky.at("event_id").as_string());
  }

  // The mail the other nodes send once the killed node's claim ran out (up
  // to 15 s), checked not to have gone out within its lease.
  std::vector<std::string> MailAfterTheLease(absl::Time enqueued_at) {
    std::vector<std::string> mails =
        WaitForFiles(mail_dir_, 1, absl::Seconds(15));
    if (mails.size() == 1) {
      EXPECT_GE(ModifiedAt(Files(mail_dir_)[0]) - enqueued_at,
                absl::Milliseconds(kClaimLeaseMs))
          << "sent within the dead node's lease";
    }
    return mails;
  }

  std::string mail_dir_, stall_dir_;
  std::unique_ptr<Peer> smtp_;
};

TEST_F(FleetOutboxTest, ANotificationEnqueuedOnOneNodeIsDeliveredOnce) {
  ASSERT_NO_FATAL_FAILURE(StartNodes(3, Mailing(smtp_->port())));
  SetEmail(0, "erin");
  const json::value risky = RiskySignIn(1, "erin");
  ASSERT_TRUE(risky.is_object());
  const std::string event_id(risky.at("event_id").as_string());
  const std::vector<std::string> mails = WaitForFiles(mail_dir_, 1);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(Headers(mails[0])["x-vigil-idempotency-key"], event_id + ".email");
  // Three workers polling every 100 ms, over more than two leases: nobody
  // sends it again.
  absl::SleepFor(absl::Milliseconds(2 * kClaimLeaseMs + 1000));
  EXPECT_EQ(Files(mail_dir_).size(), 1u) << "delivered more than once";
  for (int n = 0; n < 3; ++n) {
    HttpResponse metrics = SendRequest(*client(n), "GET", "/metrics", "", "");
    EXPECT_TRUE(absl::StrContains(metrics.body, "vigil_outbox_pending 0\n"))
        << "node " << n;
  }
}

TEST_F(FleetOutboxTest,
       ADelivererKilledAfterSendingBeforeAcknowledgingMeansOneMoreDelivery) {
  absl::Time enqueued_at;
  const std::string event_id = KillTheDeliverer("after-data", &enqueued_at);
  ASSERT_FALSE(event_id.empty());
  // The other nodes send it again, once node 0's claim ran out.
  const std::vector<std::string> mails = MailAfterTheLease(enqueued_at);
  ASSERT_EQ(mails.size(), 1u);
  absl::SleepFor(absl::Milliseconds(2 * kClaimLeaseMs + 1000));
  // Exactly twice in all: once to the server node 0 sent it to, once more.
  const std::vector<std::string> stalled = WaitForFiles(stall_dir_, 1);
  ASSERT_EQ(stalled.size(), 1u);
  ASSERT_EQ(Files(mail_dir_).size(), 1u);
  auto first = Headers(stalled[0]), second = Headers(mails[0]);
  EXPECT_EQ(first["x-vigil-idempotency-key"], event_id + ".email");
  EXPECT_EQ(second["x-vigil-idempotency-key"], event_id + ".email");
  EXPECT_FALSE(first["message-id"].empty());
  EXPECT_EQ(first["message-id"], second["message-id"]);
  EXPECT_EQ(first["subject"], second["subject"]);
}

TEST_F(FleetOutboxTest, ADelivererKilledBeforeSendingMeansOneDelivery) {
  absl::Time enqueued_at;
  const std::string event_id = KillTheDeliverer("greeting", &enqueued_at);
  ASSERT_FALSE(event_id.empty());
  const std::vector<std::string> mails = MailAfterTheLease(enqueued_at);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(Headers(mails[0])["x-vigil-idempotency-key"], event_id + ".email");
  absl::SleepFor(absl::Milliseconds(2 * kClaimLeaseMs + 1000));
  EXPECT_EQ(Files(mail_dir_).size(), 1u) << "delivered more than once";
  // The dead node never got past the greeting: the only copy.
  for (const std::string& f : Files(stall_dir_)) {
    EXPECT_TRUE(absl::EndsWith(f, ".conn")) << f;
  }
}

}  // namespace
}  // namespace vigil::testing
