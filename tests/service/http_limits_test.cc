// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The limits of one connection and of all of them, against the real vigild
// over loopback (issue 13, defects 1, 2, 4 and 8): chunk extensions, trailers
// and transfer codings are refused with a response and a close, vigild's
// memory stays bounded and it keeps answering; silent connections are closed
// after the first-byte timeout, one address cannot take every connection,
// and at the cap the longest idle connection makes room, never a busy one.
// Plus the pieces under that: ConnectionRegistry, PeerKey, RunConnections.

#include <signal.h>
#include <sys/resource.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "service/connections.h"
#include "service/http_client.h"
#include "service/metrics.h"
#include "service/session.h"
#include "service/vigild_process.h"
#include "testing/test_util.h"

namespace vigil::testing {
namespace {

// Lets this process open the connections the tests need.
void RaiseOwnFileLimit() {
  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  limit.rlim_cur = limit.rlim_max;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &limit), 0);
}

// The value of an unlabelled metric line "name value", or -1.
int64_t Metric(const std::string& text, absl::string_view name) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::ConsumePrefix(&line, name) && absl::ConsumePrefix(&line, " ")) {
      int64_t v = 0;
      if (absl::SimpleAtoi(line, &v)) return v;
    }
  }
  return -1;
}

class HttpLimitsTest : public ::testing::Test {
 protected:
  void Start(const std::string& extra_server = "read_timeout_ms = 3000\n") {
    absl::StatusOr<std::unique_ptr<VigildProcess>> p = VigildProcess::Start(
        dir_.path(),
        TestConfigToml(dir_.path() + "/data", SourcePath("models/default.toml"),
                       extra_server));
    ASSERT_TRUE(p.ok()) << p.status();
    vigild_ = *std::move(p);
  }

  std::unique_ptr<RawConnection> Connect(const std::string& from = "") {
    absl::StatusOr<std::unique_ptr<RawConnection>> c =
        RawConnection::Connect(vigild_->address(), from);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? *std::move(c) : nullptr;
  }

  // Sends `request` on a new connection; what comes back until vigild
  // closes it (or 5 s pass, then *closed is false).
  std::string Exchange(absl::string_view request, bool* closed,
                       const std::string& from = "") {
    *closed = false;
    std::unique_ptr<RawConnection> c = Connect(from);
    if (c == nullptr) return "";
    c->Write(request).IgnoreError();
    return c->ReadUntilClose(absl::Seconds(5), closed);
  }

  // GET /healthz on a new connection answers 200.
  bool Healthy(const std::string& from = "") {
    bool closed = false;
    std::string r = Exchange(
        "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        &closed, from);
    return absl::StartsWith(r, "HTTP/1.1 200");
  }

  std::string Metrics() {
    bool closed = false;
    return Exchange(
        "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        &closed);
  }

  // Sends `head`, then `filler` over and over until `total` bytes or until
  // vigild stops reading; returns the response. vigild's peak RSS must not
  // grow by more than 20 MB meanwhile.
  std::string FloodAndCheckMemory(const std::string& head,
                                  const std::string& filler, size_t total) {
    const int64_t peak_before = vigild_->PeakRssKb();
    EXPECT_GT(peak_before, 0);
    std::unique_ptr<RawConnection> c = Connect();
    if (c == nullptr) return "";
    EXPECT_TRUE(c->Write(head).ok());
    size_t sent = 0;
    while (sent < total && c->Write(filler).ok()) sent += filler.size();
    bool closed = false;
    std::string response = c->ReadUntilClose(absl::Seconds(5), &closed);
    EXPECT_TRUE(closed);
    const int64_t peak_after = vigild_->PeakRssKb();
    EXPECT_LT(peak_after - peak_before, 20 * 1024)
        << "peak RSS grew from " << peak_before << " kB to " << peak_after
        << " kB after " << sent << " bytes";
    return response;
  }

  TempDir dir_;
  std::unique_ptr<VigildProcess> vigild_;
};

// Defect 1: Beast 1.81 throws std::length_error for a field value of 65534
// bytes or more; in a trailer no header limit stopped it and vigild aborted.
TEST_F(HttpLimitsTest, TrailerFieldOf65534BytesIsRefusedAndVigildStaysUp) {
  ASSERT_NO_FATAL_FAILURE(Start());
  bool closed = false;
  std::string r =
      Exchange(absl::StrCat("GET /healthz HTTP/1.1\r\nHost: x\r\n"
                            "Transfer-Encoding: chunked\r\n\r\n0\r\nX: ",
                            std::string(65534, 'a'), "\r\n\r\n"),
               &closed);
  EXPECT_TRUE(absl::StartsWith(r, "HTTP/1.1 400")) << r.substr(0, 300);
  EXPECT_TRUE(absl::StrContains(r, "bad_request")) << r;
  EXPECT_TRUE(closed);
  EXPECT_TRUE(Healthy());
  EXPECT_EQ(kill(vigild_->pid(), 0), 0);
  EXPECT_EQ(Metric(Metrics(), "vigil_http_connection_errors_total"), 0);
}

// The same field where the buffer could hold it: a header limit of 1 MiB.
// In the headers that is 431; in a trailer, trailers are refused.
TEST_F(HttpLimitsTest, FieldsOver65533BytesAreRefusedUnderALargeHeaderLimit) {
  ASSERT_NO_FATAL_FAILURE(
      Start("read_timeout_ms = 3000\nmax_header_bytes = 1048576\n"));
  bool closed = false;
  std::string r = Exchange(absl::StrCat("GET /healthz HTTP/1.1\r\nHost: x\r\n"
                                        "X-Big: ",
                                        std::string(70000, 'a'), "\r\n\r\n"),
                           &closed);
  EXPECT_TRUE(absl::StartsWith(r, "HTTP/1.1 431")) << r.substr(0, 300);
  EXPECT_TRUE(closed);
  r = Exchange(absl::StrCat("GET /healthz HTTP/1.1\r\nHost: x\r\n"
                            "Transfer-Encoding: chunked\r\n\r\n0\r\nX: ",
                            std::string(70000, 'a'), "\r\n\r\n"),
               &closed);
  EXPECT_TRUE(absl::StartsWith(r, "HTTP/1.1 400")) << r.substr(0, 300);
  EXPECT_TRUE(absl::StrContains(r, "trailer fields are not accepted")) << r;
  EXPECT_TRUE(closed);
  EXPECT_TRUE(Healthy());
}

// Defect 2: a chunk extension grew the read buffer without bound.
TEST_F(HttpLimitsTest, HugeChunkExtensionIsRefusedWithBoundedMemory) {
  ASSERT_NO_FATAL_FAILURE(Start());
  std::string r = FloodAndCheckMemory(
      "GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "1;ext=",
      std::string(64 << 10, 'e'), size_t{64} << 20);
  EXPECT_TRUE(absl::StartsWith(r, "HTTP/1.1 400")) << r.substr(0, 300);
  EXPECT_TRUE(Healthy());
}

// Defect 2: so did trailer fields, each of them small.
TEST_F(HttpLimitsTest, HugeTrailerSectionIsRefusedWithBoundedMemory) {
  ASSERT_NO_FATAL_FAILURE(Start());
  std::string line = absl::StrCat("X-Pad: ", std::string(1000, 't'), "\r\n");
  std::string filler;
  while (filler.size() < (64 << 10)) filler += line;
  std::string r = FloodAndCheckMemory(
      "GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "0\r\n",
      filler, size_t{64} << 20);
  EXPECT_TRUE(absl::StartsWith(r, "HTTP/1.1 400")) << r.substr(0, 300);
  EXPECT_TRUE(Healthy());
}

// Small extensions are ignored (RFC 9112 7.1.1); a few kB of them in all,
// or any trailer field, are refused.
TEST_F(HttpLimitsTest, SmallChunkExtensionsPassTooManyAndTrailersDoNot) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string head =
      "GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
      "Connection: close\r\n\r\n";
  bool closed = false;
  std::string r = Exchange(
      absl::StrCat(head, "5;name=value;x\r\nhello\r\n0;last\r\n\r\n"), &closed);
  EXPECT_TRUE(absl::StartsWith(r, "HTTP/1.1 200")) << r;
  std::string chunks;
  for (int i = 0; i < 20; ++i) {
    absl::StrAppend(&chunks, "1;e=", std::string(100, 'x'), "\r\na\r\n");
  }
  r = Exchange(absl::StrCat(head, chunks, "0\r\n\r\n"), &closed);
  EXPECT_TRUE(absl::StartsWith(r, "HTTP/1.1 400")) << r;
  EXPECT_TRUE(absl::StrContains(r, "chunk extensions")) << r;
  EXPECT_TRUE(closed);
  r = Exchange(
      absl::StrCat(head, "5\r\nhello\r\n0\r\nAuthorization: x\r\n\r\n"),
      &closed);
  EXPECT_TRUE(absl::StartsWith(r, "HTTP/1.1 400")) << r;
  EXPECT_TRUE(absl::StrContains(r, "trailer fields are not accepted")) << r;
  EXPECT_TRUE(closed);
}

// Defect 8: a transfer coding vigild does not implement, or chunked not
// last, must not leave the body to be read as the next request.
TEST_F(HttpLimitsTest, UnknownTransferCodingsAreRefusedAndClose) {
  ASSERT_NO_FATAL_FAILURE(Start());
  struct Case {
    std::string version;
    std::string coding;
    int status;
  };
  const std::vector<Case> cases = {
      {"1.1", "xchunked", 400},          {"1.1", "gzip", 400},
      {"1.1", "chunked, identity", 400}, {"1.1", "identity", 400},
      {"1.1", "gzip, chunked", 501},     {"1.1", "chunked, chunked", 400},
      {"1.0", "chunked", 400},
  };
  // What would be the "body": a whole second request.
  const std::string smuggled =
      "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n";
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::StrCat("HTTP/", c.version, " ", c.coding));
    bool closed = false;
    std::string r = Exchange(
        absl::StrCat("POST /healthz HTTP/", c.version, "\r\nHost: x\r\n",
                     "Transfer-Encoding: ", c.coding, "\r\n\r\n", smuggled),
        &closed);
    EXPECT_TRUE(absl::StartsWith(r, absl::StrCat("HTTP/1.1 ", c.status))) << r;
    EXPECT_TRUE(absl::StrContains(r, "Connection: close")) << r;
    EXPECT_EQ(std::vector<std::string>(absl::StrSplit(r, "HTTP/1.1 ")).size(),
              2u)
        << "not exactly one response: " << r;
    EXPECT_TRUE(closed);
  }
  // Plain chunked still works.
  bool closed = false;
  std::string r = Exchange(
      "GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
      "Connection: close\r\n\r\n0\r\n\r\n",
      &closed);
  EXPECT_TRUE(absl::StartsWith(r, "HTTP/1.1 200")) << r;
}

// Defect 4: a connection that sends nothing is closed after the first-byte
// timeout, not the idle timeout; a kept-alive one keeps the idle timeout.
TEST_F(HttpLimitsTest, SilentConnectionIsClosedAfterTheFirstByteTimeout) {
  ASSERT_NO_FATAL_FAILURE(Start("first_byte_timeout_ms = 500\n"));
  std::unique_ptr<RawConnection> silent = Connect();
  ASSERT_NE(silent, nullptr);
  const absl::Time start = absl::Now();
  bool closed = false;
  std::string got = silent->ReadUntilClose(absl::Seconds(10), &closed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(got, "");
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));

  absl::StatusOr<std::unique_ptr<HttpClient>> client =
      HttpClient::Connect(vigild_->address());
  ASSERT_TRUE(client.ok());
  ASSERT_EQ((*client)->Get("/healthz")->status, 200);
  absl::SleepFor(absl::Milliseconds(1200));
  absl::StatusOr<HttpResponse> again = (*client)->Get("/healthz");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->status, 200);
}

// Defect 4: one address gets max_connections_per_ip; the next is closed at
// once, while another address is served.
TEST_F(HttpLimitsTest, PerAddressCapClosesConnectionsBeyondIt) {
  ASSERT_NO_FATAL_FAILURE(
      Start("max_connections_per_ip = 4\nfirst_byte_timeout_ms = 60000\n"));
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 4; ++i) held.push_back(Connect("127.0.0.1"));
  std::unique_ptr<RawConnection> fifth = Connect("127.0.0.1");
  ASSERT_NE(fifth, nullptr);
  bool closed = false;
  EXPECT_EQ(fifth->ReadUntilClose(absl::Seconds(3), &closed), "");
  EXPECT_TRUE(closed) << "the fifth connection from 127.0.0.1 stayed open";
  EXPECT_TRUE(Healthy("127.0.0.2"));
  // The four held ones are served.
  for (auto& c : held) {
    ASSERT_NE(c, nullptr);
    ASSERT_TRUE(c->Write("GET /healthz HTTP/1.1\r\nHost: x\r\n"
                         "Connection: close\r\n\r\n")
                    .ok());
    EXPECT_TRUE(absl::StartsWith(c->ReadUntilClose(absl::Seconds(5), &closed),
                                 "HTTP/1.1 200"));
  }
  held.clear();
  // Their slots are free again.
  bool served = false;
  for (int i = 0; i < 50 && !served; ++i) {
    served = Healthy("127.0.0.1");
    if (!served) absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_TRUE(served);
  EXPECT_GE(Metric(Metrics(), "vigil_http_connections_rejected_per_ip_total"),
            1);
}

// Behind a trusted proxy every connection comes from the proxy: its
// connections are not held to max_connections_per_ip.
TEST_F(HttpLimitsTest, ATrustedProxyIsNotCappedPerAddress) {
  ASSERT_NO_FATAL_FAILURE(
      Start("max_connections_per_ip = 2\nfirst_byte_timeout_ms = 60000\n"
            "trusted_proxies = [\"127.0.0.1\"]\n"));
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 4; ++i) held.push_back(Connect("127.0.0.1"));
  for (auto& c : held) {
    ASSERT_NE(c, nullptr);
    ASSERT_TRUE(c->Write("GET /healthz HTTP/1.1\r\nHost: x\r\n"
                         "Connection: close\r\n\r\n")
                    .ok());
    bool closed = false;
    EXPECT_TRUE(absl::StartsWith(c->ReadUntilClose(absl::Seconds(5), &closed),
                                 "HTTP/1.1 200"));
  }
  // Another address is still capped.
  std::vector<std::unique_ptr<RawConnection>> other;
  for (int i = 0; i < 2; ++i) other.push_back(Connect("127.0.0.2"));
  std::unique_ptr<RawConnection> third = Connect("127.0.0.2");
  ASSERT_NE(third, nullptr);
  bool closed = false;
  EXPECT_EQ(third->ReadUntilClose(absl::Seconds(3), &closed), "");
  EXPECT_TRUE(closed) << "the third connection from 127.0.0.2 stayed open";
}

// The case with the defaults: 1,100 connections from 127.0.0.1 that
// never send a byte; a probe from 127.0.0.2 is answered at once.
TEST_F(HttpLimitsTest, ThousandIdleConnectionsFromOneAddressLockNobodyOut) {
  ASSERT_NO_FATAL_FAILURE(RaiseOwnFileLimit());
  ASSERT_NO_FATAL_FAILURE(Start(""));
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 1100; ++i) {
    idle.push_back(Connect("127.0.0.1"));
    ASSERT_NE(idle.back(), nullptr) << i;
  }
  // Admitted, not merely served once the idle ones reached the 5 s
  // first-byte timeout: a liveness bound, not a speed target.
  const absl::Time start = absl::Now();
  EXPECT_TRUE(Healthy("127.0.0.2"));
  EXPECT_LT(absl::Now() - start, absl::Seconds(4));
}

// At max_connections, the longest idle connection is closed to admit a new
// one; a connection in the middle of a request never is.
TEST_F(HttpLimitsTest, AtTheCapTheLongestIdleIsEvictedNeverABusyOne) {
  ASSERT_NO_FATAL_FAILURE(RaiseOwnFileLimit());
  ASSERT_NO_FATAL_FAILURE(
      Start("max_connections_per_ip = 100000\nfirst_byte_timeout_ms = 60000\n"
            "read_timeout_ms = 60000\n"));
  // The oldest connection of all is busy: half of its request is in.
  std::unique_ptr<RawConnection> busy = Connect("127.0.0.1");
  ASSERT_NE(busy, nullptr);
  ASSERT_TRUE(busy->Write("GET /healthz HTTP/1.1\r\nHost: x\r\n").ok());
  absl::SleepFor(absl::Milliseconds(500));  // vigild reads the first bytes
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 1100; ++i) {
    idle.push_back(Connect("127.0.0.1"));
    ASSERT_NE(idle.back(), nullptr) << i;
  }
  // Admitted, not merely served once the idle ones reached the 5 s
  // first-byte timeout: a liveness bound, not a speed target.
  const absl::Time start = absl::Now();
  EXPECT_TRUE(Healthy("127.0.0.2"));
  EXPECT_LT(absl::Now() - start, absl::Seconds(4));

  // The busy one finishes its request.
  ASSERT_TRUE(busy->Write("Connection: close\r\n\r\n").ok());
  bool closed = false;
  EXPECT_TRUE(absl::StartsWith(busy->ReadUntilClose(absl::Seconds(5), &closed),
                               "HTTP/1.1 200"));
  // The first idle ones made room (1,024 = the busy one + 1,023 idle, then
  // 77 more idle and the probe); the last ones are still open.
  EXPECT_EQ(idle.front()->ReadUntilClose(absl::Seconds(2), &closed), "");
  EXPECT_TRUE(closed) << "the longest idle connection is still open";
  idle.back()->ReadUntilClose(absl::Milliseconds(300), &closed);
  EXPECT_FALSE(closed) << "the newest idle connection was closed";
  EXPECT_GE(Metric(Metrics(), "vigil_http_connections_evicted_total"), 78);
}

// vigild raises its soft open-file limit to the hard one, and warns when
// max_connections does not fit in it.
TEST_F(HttpLimitsTest, VigildRaisesItsOpenFileLimitAndWarnsWhenTooLow) {
  rlimit own{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &own), 0);
  if (own.rlim_max == RLIM_INFINITY || own.rlim_max <= 512) {
    GTEST_SKIP() << "needs a finite hard open-file limit above 512";
  }
  rlimit low = own;
  low.rlim_cur = 512;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);  // vigild inherits it
  Start(absl::StrCat("max_connections = ", own.rlim_max, "\n"));
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &own), 0);
  ASSERT_NE(vigild_, nullptr);
  std::ifstream limits(absl::StrCat("/proc/", vigild_->pid(), "/limits"));
  std::string line;
  std::vector<std::string> fields;
  while (std::getline(limits, line)) {
    if (absl::StartsWith(line, "Max open files")) {
      fields = absl::StrSplit(line.substr(14), ' ', absl::SkipWhitespace());
    }
  }
  ASSERT_GE(fields.size(), 2u);
  EXPECT_EQ(fields[0], absl::StrCat(own.rlim_max));
  EXPECT_EQ(fields[1], absl::StrCat(own.rlim_max));
  // (Its log is written a little behind; a memory: store opens fast.)
  const std::string log =
      vigild_->WaitForStderr("warning: the open-file limit is");
  EXPECT_TRUE(absl::StrContains(log, "warning: the open-file limit is"))
      << log;
}

// --- The pieces under the above.

class RecordingConnection : public service::Connection {
 public:
  void Shutdown() override { ++shutdowns; }
  void Evict() override { ++evictions; }
  int shutdowns = 0;
  int evictions = 0;
};

TEST(ConnectionRegistryTest, EvictsTheLongestIdleAndNeverABusyOne) {
  using Admission = service::ConnectionRegistry::Admission;
  service::ConnectionRegistry registry(3, 10);
  std::vector<std::shared_ptr<RecordingConnection>> c;
  std::vector<uint64_t> id(6);
  for (int i = 0; i < 6; ++i)
    c.push_back(std::make_shared<RecordingConnection>());
  ASSERT_EQ(registry.Add(c[0], "a", &id[0]), Admission::kAdmitted);
  ASSERT_EQ(registry.Add(c[1], "a", &id[1]), Admission::kAdmitted);
  ASSERT_EQ(registry.Add(c[2], "b", &id[2]), Admission::kAdmitted);
  // 0 is busy; 1 went idle again after 2 was added: 2 is the longest idle.
  ASSERT_TRUE(registry.SetIdle(id[0], false));
  ASSERT_TRUE(registry.SetIdle(id[1], false));
  ASSERT_TRUE(registry.SetIdle(id[1], true));
  EXPECT_EQ(registry.Add(c[3], "c", &id[3]), Admission::kAdmittedByEvicting);
  EXPECT_EQ(c[2]->evictions, 1);
  EXPECT_FALSE(registry.SetIdle(id[2], false)) << "evicted, must close";
  EXPECT_EQ(registry.Add(c[4], "c", &id[4]), Admission::kAdmittedByEvicting);
  EXPECT_EQ(c[1]->evictions, 1);
  ASSERT_TRUE(registry.SetIdle(id[3], false));
  ASSERT_TRUE(registry.SetIdle(id[4], false));
  // Everything busy: refused.
  EXPECT_EQ(registry.Add(c[5], "d", &id[5]), Admission::kRefusedFull);
  EXPECT_EQ(c[0]->evictions, 0);
  EXPECT_EQ(registry.size(), 3);
  registry.Remove(id[2]);  // evicted already: no-op
  EXPECT_EQ(registry.size(), 3);
  registry.ShutdownAll();
  EXPECT_EQ(c[0]->shutdowns + c[3]->shutdowns + c[4]->shutdowns, 3);
  EXPECT_EQ(c[1]->shutdowns + c[2]->shutdowns, 0);
}

TEST(ConnectionRegistryTest, PerPeerCap) {
  using Admission = service::ConnectionRegistry::Admission;
  service::ConnectionRegistry registry(100, 2);
  auto c = std::make_shared<RecordingConnection>();
  uint64_t a1, a2, a3, b1;
  ASSERT_EQ(registry.Add(c, "a", &a1), Admission::kAdmitted);
  ASSERT_EQ(registry.Add(c, "a", &a2), Admission::kAdmitted);
  EXPECT_EQ(registry.Add(c, "a", &a3), Admission::kRefusedPeerFull);
  EXPECT_EQ(registry.Add(c, "b", &b1), Admission::kAdmitted);
  registry.Remove(a1);
  EXPECT_EQ(registry.Add(c, "a", &a3), Admission::kAdmitted);
}

// A trusted proxy (per_peer_cap false) is not held to its peer's cap.
TEST(ConnectionRegistryTest, TrustedProxiesAreNotCappedPerPeer) {
  using Admission = service::ConnectionRegistry::Admission;
  service::ConnectionRegistry registry(3, 1);
  auto c = std::make_shared<RecordingConnection>();
  uint64_t a1, a2, p1, p2, p3;
  ASSERT_EQ(registry.Add(c, "a", &a1), Admission::kAdmitted);
  EXPECT_EQ(registry.Add(c, "a", &a2), Admission::kRefusedPeerFull);
  EXPECT_EQ(registry.Add(c, "p", &p1, false), Admission::kAdmitted);
  EXPECT_EQ(registry.Add(c, "p", &p2, false), Admission::kAdmitted);
  // The global cap still holds.
  ASSERT_TRUE(registry.SetIdle(a1, false));
  ASSERT_TRUE(registry.SetIdle(p1, false));
  ASSERT_TRUE(registry.SetIdle(p2, false));
  EXPECT_EQ(registry.Add(c, "p", &p3, false), Admission::kRefusedFull);
}

TEST(PeerKeyTest, IPv4AndMappedAlikeIPv6ByItsSlash64) {
  auto key = [](const char* text) {
    return service::PeerKey(boost::asio::ip::make_address(text));
  };
  EXPECT_EQ(key("192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(key("::ffff:192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(key("2001:db8:1:2:aaaa::1"), key("2001:db8:1:2:bbbb::2"));
  EXPECT_NE(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
}

// An exception from a handler leaves run() and is counted; the loop goes on.
TEST(RunConnectionsTest, AnExceptionFromAHandlerIsCountedAndRunGoesOn) {
  boost::asio::io_context ioc;
  service::Metrics metrics;
  bool later_ran = false;
  boost::asio::post(ioc,
                    [] { throw std::length_error("field value too large"); });
  boost::asio::post(ioc, [&] { later_ran = true; });
  service::RunConnections(ioc, metrics);
  EXPECT_TRUE(later_ran);
  EXPECT_EQ(metrics.connection_errors(), 1);
}

}  // namespace
}  // namespace vigil::testing
