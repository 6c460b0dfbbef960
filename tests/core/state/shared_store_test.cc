// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Two engines on one shared store (the in-memory store, which declares
// itself not exclusive, as a distributed backend would): each has its own
// per-user locks, so only the store's conditional writes keep them
// consistent. What several vigild processes on one store must get right:
// no lost profile update, one use per TOTP step and per one-click link, one
// delivery per notification (again only after its deliverer stalled).

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "store/profile_record.h"
#include "testing/engine_fixture.h"
#include "testing/mfa_testing.h"
#include "testing/test_util.h"
#include "vigil/store.h"

namespace vigil::testing {
namespace {

constexpr char kFeedbackKey[] = "feedback-key-for-tests-0123456789";

// A sender that can be made to stall inside Send until released, as a
// deliverer that stops answering (or dies) in the middle of a delivery.
class StallingSender final : public Sender {
 public:
  absl::Status Send(const OutgoingMessage& m) override {
    std::unique_lock<std::mutex> lock(mu_);
    messages_.push_back(m);
    if (stall_) {
      stalled_ = true;
      cv_.notify_all();
      cv_.wait(lock, [&] { return !stall_; });
    }
    return absl::OkStatus();
  }
  void Stall() {
    std::lock_guard<std::mutex> lock(mu_);
    stall_ = true;
  }
  void WaitUntilStalled() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return stalled_; });
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    stall_ = false;
    cv_.notify_all();
  }
  std::vector<OutgoingMessage> messages() {
    std::lock_guard<std::mutex> lock(mu_);
    return messages_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stall_ = false;
  bool stalled_ = false;
  std::vector<OutgoingMessage> messages_;
};

class SharedStoreTest : public ::testing::Test {
 protected:
  // Two engines ("nodes") on `store_`, each with its own clock, locks and
  // senders, the same MFA key file and feedback key.
  void Open(const std::string& model) {
    const std::string key_file = WriteKeyFile(keys_.path());
    for (int i = 0; i < 2; ++i) {
      MfaOptions mfa;
      mfa.key_file = key_file;
      mfa.issuer = "Example";
      NotifyOptions notify;
      email_[i] = std::make_shared<StallingSender>();
      notify.email_sender = email_[i];
      notify.feedback_key = std::make_shared<const SecretBytes>(kFeedbackKey);
      notify.link_base_url = "https://risk.example.com/";
      notify.outbox.deliver_in_background = false;
      notify.outbox.claim_lease = absl::Minutes(5);
      node_[i] = std::make_unique<EngineFixture>(
          model, false, mfa, notify,
          [this](EngineOptions* o) { o->store = store_; });
    }
  }
  EngineFixture& node(int i) { return *node_[i]; }
  void AdvanceBoth(absl::Duration d) {
    node(0).clock().Advance(d);
    node(1).clock().Advance(d);
  }
  internal::UserProfile StoredProfile(const std::string& user) {
    std::string value;
    internal::UserProfile p;
    EXPECT_OK(store_->Get(Table::kUsers, user, &value));
    EXPECT_TRUE(p.Decode(value));
    return p;
  }
  int EventCount(const std::string& user) {
    int n = 0;
    std::string cursor;
    do {
      absl::StatusOr<EventPage> page =
          node(0).engine().ListEvents(user, cursor, 1000);
      EXPECT_OK(page.status());
      if (!page.ok()) return -1;
      n += page->events.size();
      cursor = page->next_cursor;
    } while (!cursor.empty());
    return n;
  }

  std::shared_ptr<Store> store_ = OpenMemoryStore();
  TempDir keys_;
  std::shared_ptr<StallingSender> email_[2];
  std::unique_ptr<EngineFixture> node_[2];
};

TEST_F(SharedStoreTest, TheMemoryStoreIsNotExclusive) {
  EXPECT_FALSE(store_->exclusive());
}

TEST_F(SharedStoreTest, ConcurrentSignInsThroughTwoEnginesLoseNoUpdate) {
  Open("");
  // 60 successful sign-ins of one user, 30 through each engine, 3 threads
  // per engine, all at once.
  constexpr int kThreadsPerNode = 3, kPerThread = 10;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int n = 0; n < 2; ++n) {
    for (int t = 0; t < kThreadsPerNode; ++t) {
      threads.emplace_back([&, n] {
        for (int i = 0; i < kPerThread; ++i) {
          absl::StatusOr<Decision> d = node(n).engine().Evaluate(
              node(n).MakeAttempt("alice", kLondon, kChromeWindows, "fp-1",
                                  Outcome::kSuccess));
          if (!d.ok()) failures.fetch_add(1);
        }
      });
    }
  }
  for (std::thread& t : threads) t.join();
  ASSERT_EQ(failures.load(), 0);
  constexpr int kTotal = 2 * kThreadsPerNode * kPerThread;
  EXPECT_EQ(EventCount("alice"), kTotal);
  // The same 60 sign-ins one after another through one engine.
  for (int i = 0; i < kTotal; ++i) {
    node(0).Evaluate(node(0).MakeAttempt("bob", kLondon, kChromeWindows, "fp-1",
                                         Outcome::kSuccess));
  }
  const internal::UserProfile alice = StoredProfile("alice");
  const internal::UserProfile bob = StoredProfile("bob");
  EXPECT_EQ(alice.successful_sign_ins, bob.successful_sign_ins);
  EXPECT_EQ(alice.Encode(), bob.Encode()) << "the same baseline";
}

TEST_F(SharedStoreTest, OneTotpCodeThroughTwoEnginesPassesOnce) {
  Open(ChallengeAllModel());
  absl::StatusOr<TotpEnrollment> e =
      node(0).engine().mfa()->StartTotpEnrollment("carol", "");
  ASSERT_OK(e.status());
  const std::string secret(e->secret_base32.reveal());
  auto now = [&] { return absl::ToUnixSeconds(node(0).clock().Now()); };
  ASSERT_EQ(*node(1).engine().mfa()->ConfirmTotp(
                "carol", OathtoolCode(secret, now())),
            ChallengeResult::kPassed);
  for (int round = 0; round < 12; ++round) {
    AdvanceBoth(absl::Seconds(30));  // a fresh TOTP step each round
    Decision d = node(round % 2).Evaluate(node(round % 2).MakeAttempt(
        "carol", kLondon, kChromeWindows, "fp-1", Outcome::kUnknown));
    ASSERT_EQ(d.verdict, Verdict::kChallenge);
    const std::string code = OathtoolCode(secret, now());
    std::atomic<int> passed{0}, other{0};
    std::vector<std::thread> threads;
    for (int n = 0; n < 2; ++n) {
      threads.emplace_back([&, n] {
        absl::StatusOr<VerifyOutcome> r =
            node(n).engine().mfa()->VerifyChallenge(d.challenge->id, code, {});
        if (r.ok() && r->result == ChallengeResult::kPassed) {
          passed.fetch_add(1);
        } else {
          other.fetch_add(1);  // already passed, or the step was used
        }
      });
    }
    for (std::thread& t : threads) t.join();
    EXPECT_EQ(passed.load(), 1) << "round " << round;
    EXPECT_EQ(other.load(), 1) << "round " << round;
  }
}

// A risky sign-in (impossible travel) whose e-mail carries the links.
class SharedStoreNotifyTest : public SharedStoreTest {
 protected:
  void SetUp() override {
    Open("");
    MfaSettings s;
    s.email = "dave@example.com";
    ASSERT_OK(node(0).engine().mfa()->SetSettings("dave", s));
    node(0).BuildBaseline("dave", kLondon, kChromeWindows, "fp-1", 12,
                          absl::Hours(20));
    node(1).clock().Advance(node(0).clock().Now() - node(1).clock().Now());
    AdvanceBoth(absl::Minutes(30));
    risky_ = node(1).Evaluate(node(1).MakeAttempt(
        "dave", kMelbourne, kFirefoxLinux, "fp-2", Outcome::kUnknown));
    ASSERT_TRUE(risky_.notify) << absl::StrJoin(ReasonNames(risky_), ",");
  }
  Decision risky_;
};

std::string LinkToken(const std::string& text, const std::string& label) {
  std::smatch m;
  std::regex re(label + R"(\s+https://risk\.example\.com/v1/feedback\?token=([A-Za-z0-9_.-]+))");
  if (!std::regex_search(text, m, re)) return "";
  return m[1];
}

TEST_F(SharedStoreNotifyTest, OneNotificationIsDeliveredOnceByTwoDeliverers) {
  std::atomic<int> attempted{0};
  std::vector<std::thread> threads;
  for (int n = 0; n < 2; ++n) {
    threads.emplace_back([&, n] {
      absl::StatusOr<int> k = node(n).engine().outbox()->DeliverDue();
      ASSERT_OK(k.status());
      attempted.fetch_add(*k);
    });
  }
  for (std::thread& t : threads) t.join();
  const size_t delivered =
      email_[0]->messages().size() + email_[1]->messages().size();
  EXPECT_EQ(delivered, 1u);
  // Nothing is left to deliver, now or after any lease.
  AdvanceBoth(absl::Hours(1));
  EXPECT_EQ(*node(0).engine().outbox()->DeliverDue(), 0);
  EXPECT_EQ(*node(1).engine().outbox()->DeliverDue(), 0);
  EXPECT_EQ(email_[0]->messages().size() + email_[1]->messages().size(), 1u);
}

TEST_F(SharedStoreNotifyTest, AStalledDelivererIsReplacedAfterItsLease) {
  email_[0]->Stall();
  std::thread first([&] { ASSERT_OK(node(0).engine().outbox()->DeliverDue()); });
  email_[0]->WaitUntilStalled();
  // Claimed by the stalled node: the other does not deliver it within the
  // lease, and does after it, with the same idempotency key.
  EXPECT_EQ(*node(1).engine().outbox()->DeliverDue(), 0);
  EXPECT_TRUE(email_[1]->messages().empty());
  node(1).clock().Advance(absl::Minutes(6));
  EXPECT_EQ(*node(1).engine().outbox()->DeliverDue(), 1);
  ASSERT_EQ(email_[1]->messages().size(), 1u);
  EXPECT_EQ(email_[1]->messages()[0].idempotency_key,
            email_[0]->messages()[0].idempotency_key);
  // The stalled node comes back: its acknowledgement no longer holds and
  // changes nothing; the message is not delivered a third time.
  email_[0]->Release();
  first.join();
  AdvanceBoth(absl::Hours(1));
  EXPECT_EQ(*node(0).engine().outbox()->DeliverDue(), 0);
  EXPECT_EQ(*node(1).engine().outbox()->DeliverDue(), 0);
  EXPECT_EQ(email_[0]->messages().size() + email_[1]->messages().size(), 2u);
}

TEST_F(SharedStoreNotifyTest, OneClickLinkThroughTwoEnginesTakesEffectOnce) {
  ASSERT_EQ(*node(1).engine().outbox()->DeliverDue(), 1);
  const std::string token =
      LinkToken(email_[1]->messages().at(0).text, "This wasn't me:");
  ASSERT_FALSE(token.empty());
  std::atomic<int> ok{0}, used{0};
  std::vector<std::thread> threads;
  for (int n = 0; n < 2; ++n) {
    threads.emplace_back([&, n] {
      absl::StatusOr<FeedbackLinkResult> r =
          node(n).engine().RecordFeedbackFromLink(token);
      if (r.ok()) ok.fetch_add(1);
      if (absl::IsAlreadyExists(r.status())) used.fetch_add(1);
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(used.load(), 1);
  absl::StatusOr<Event> e = node(0).engine().GetEvent(risky_.event_id);
  ASSERT_OK(e.status());
  ASSERT_TRUE(e->feedback.has_value());
  EXPECT_EQ(e->feedback->value, FeedbackValue::kInvalid);
}

}  // namespace
}  // namespace vigil::testing
