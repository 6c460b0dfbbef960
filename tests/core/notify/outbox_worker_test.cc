// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The outbox delivery worker on a real RocksDB store in a temporary folder,
// with a simulated clock and a scripted transport.

#include "notify/outbox_worker.h"

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "testing/test_util.h"

namespace vigil::internal {
namespace {

using ::vigil::testing::TempDir;

// Answers each Send with the next scripted status (OK once the script is
// used up) and keeps every message it was given.
class ScriptedSender final : public Sender {
 public:
  absl::Status Send(const OutgoingMessage& m) override {
    std::lock_guard<std::mutex> lock(mu_);
    attempts_.push_back(m);
    if (script_.empty()) return absl::OkStatus();
    absl::Status s = script_.front();
    script_.pop_front();
    return s;
  }
  void Then(absl::Status s, int times = 1) {
    std::lock_guard<std::mutex> lock(mu_);
    for (int i = 0; i < times; ++i) script_.push_back(s);
  }
  std::vector<OutgoingMessage> attempts() {
    std::lock_guard<std::mutex> lock(mu_);
    return attempts_;
  }

 private:
  std::mutex mu_;
  std::deque<absl::Status> script_;
  std::vector<OutgoingMessage> attempts_;
};

// A log sink that keeps every event, its level and its fields as text.
class RecordingLogger final : public Logger {
 public:
  struct Event {
    LogLevel level;
    std::string name;
    std::map<std::string, std::string> fields;
  };
  void Write(LogLevel level, absl::string_view event, absl::string_view,
             std::initializer_list<LogField> fields) override {
    Event e{level, std::string(event), {}};
    for (const LogField& f : fields) {
      e.fields[std::string(f.key)] = f.type == LogField::Type::kString
                                         ? std::string(f.string_value)
                                         : absl::StrCat(f.int_value);
    }
    std::lock_guard<std::mutex> lock(mu_);
    events_.push_back(std::move(e));
  }
  std::vector<Event> Named(absl::string_view name) {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<Event> out;
    for (const Event& e : events_) {
      if (e.name == name) out.push_back(e);
    }
    return out;
  }

 private:
  std::mutex mu_;
  std::vector<Event> events_;
};

class OutboxWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    RocksDbOptions o;
    o.path = dir_.path() + "/db";
    absl::StatusOr<std::unique_ptr<Store>> s = OpenRocksDbStore(o);
    ASSERT_OK(s);
    store_ = std::shared_ptr<Store>(std::move(*s));
  }

  std::unique_ptr<OutboxWorker> Worker(OutboxOptions o = Options()) {
    absl::StatusOr<std::unique_ptr<OutboxWorker>> w =
        OutboxWorker::Create(store_, &clock_, {email_, webhook_}, o);
    EXPECT_TRUE(w.ok()) << w.status();
    return w.ok() ? std::move(*w) : nullptr;
  }

  static OutboxOptions Options() {
    OutboxOptions o;
    o.max_attempts = 4;
    o.initial_backoff = absl::Seconds(30);
    o.max_backoff = absl::Minutes(10);
    o.deliver_in_background = false;
    return o;
  }

  // Writes a pending e-mail for event `n`, due now, as the engine does.
  std::string Enqueue(int n, Channel channel = Channel::kEmail) {
    OutboxRecord r;
    r.channel = channel;
    r.message.to = "user@example.com";
    r.message.subject = absl::StrCat("subject ", n);
    r.message.text = "text";
    r.message.idempotency_key = MessageId(absl::StrCat("event", n), channel);
    r.created = r.due = clock_.Now();
    WriteBatch b;
    b.Put(Table::kOutbox, PendingKey(r.due, r.message.idempotency_key),
          r.Encode());
    EXPECT_OK(store_->Write(b));
    return r.message.idempotency_key;
  }

  // Keys of the outbox table.
  std::vector<std::string> Keys() {
    std::vector<std::string> keys;
    auto it = store_->Scan(Table::kOutbox, "", "");
    for (; it->Valid(); it->Next()) keys.emplace_back(it->key());
    return keys;
  }

  TempDir dir_;
  SimulatedClock clock_{absl::FromUnixSeconds(1767225600)};
  std::shared_ptr<Store> store_;
  std::shared_ptr<ScriptedSender> email_ = std::make_shared<ScriptedSender>();
  std::shared_ptr<ScriptedSender> webhook_ = std::make_shared<ScriptedSender>();
};

TEST(OutboxBackoffTest, DoublesFromInitialUpToMax) {
  OutboxOptions o;
  o.initial_backoff = absl::Seconds(30);
  o.max_backoff = absl::Minutes(10);
  const absl::Duration want[] = {absl::Seconds(30),  absl::Seconds(60),
                                 absl::Seconds(120), absl::Seconds(240),
                                 absl::Seconds(480), absl::Minutes(10),
                                 absl::Minutes(10)};
  for (int i = 0; i < 7; ++i) EXPECT_EQ(OutboxBackoff(o, i + 1), want[i]) << i;
  EXPECT_EQ(OutboxBackoff(o, 1000), absl::Minutes(10));  // no overflow
}

TEST(OutboxBackoffTest, BadOptionsAreRefused) {
  OutboxOptions o;
  o.max_attempts = 0;
  EXPECT_EQ(ValidateOutboxOptions(o).message(),
            "outbox.max_attempts: must be 1..100");
  o = OutboxOptions();
  o.max_backoff = absl::Seconds(1);
  EXPECT_FALSE(ValidateOutboxOptions(o).ok());
  o = OutboxOptions();
  o.initial_backoff = absl::ZeroDuration();
  EXPECT_FALSE(ValidateOutboxOptions(o).ok());
  o = OutboxOptions();
  o.poll_interval = absl::ZeroDuration();
  EXPECT_FALSE(ValidateOutboxOptions(o).ok());
}

TEST_F(OutboxWorkerTest, DeliversDueMessagesAndDeletesThem) {
  auto w = Worker();
  const std::string id = Enqueue(1);
  Enqueue(2, Channel::kWebhook);
  w->NoteEnqueued(2, 0);
  absl::StatusOr<int> n = w->DeliverDue();
  ASSERT_OK(n);
  EXPECT_EQ(*n, 2);
  ASSERT_EQ(email_->attempts().size(), 1u);
  EXPECT_EQ(email_->attempts()[0].idempotency_key, id);
  EXPECT_EQ(webhook_->attempts().size(), 1u);
  EXPECT_TRUE(Keys().empty());
  OutboxStats s = w->stats();
  EXPECT_EQ(s.delivered, 2);
  EXPECT_EQ(s.pending, 0);
  EXPECT_EQ(s.enqueued, 2);
  // Nothing left: a second pass sends nothing.
  EXPECT_EQ(*w->DeliverDue(), 0);
}

TEST_F(OutboxWorkerTest, RetriesOnTheBackoffScheduleThenDelivers) {
  auto w = Worker();
  const std::string id = Enqueue(1);
  w->NoteEnqueued(1, 0);
  email_->Then(absl::UnavailableError("smtp: connection refused"), 2);

  ASSERT_OK(w->DeliverDue());  // attempt 1 fails: next in 30 s
  EXPECT_EQ(email_->attempts().size(), 1u);
  clock_.Advance(absl::Seconds(29));
  ASSERT_OK(w->DeliverDue());
  EXPECT_EQ(email_->attempts().size(), 1u) << "attempted before it was due";
  clock_.Advance(absl::Seconds(1));
  ASSERT_OK(w->DeliverDue());  // attempt 2 fails: next in 60 s
  EXPECT_EQ(email_->attempts().size(), 2u);
  clock_.Advance(absl::Seconds(59));
  ASSERT_OK(w->DeliverDue());
  EXPECT_EQ(email_->attempts().size(), 2u);
  clock_.Advance(absl::Seconds(1));
  ASSERT_OK(w->DeliverDue());  // attempt 3 succeeds
  ASSERT_EQ(email_->attempts().size(), 3u);
  // Every attempt is the same message with the same idempotency key.
  for (const OutgoingMessage& m : email_->attempts()) {
    EXPECT_EQ(m.idempotency_key, id);
    EXPECT_EQ(m.subject, "subject 1");
  }
  EXPECT_TRUE(Keys().empty());
  const OutboxStats s = w->stats();
  EXPECT_EQ(s.retries, 2);
  EXPECT_EQ(s.delivered, 1);
  EXPECT_EQ(s.pending, 0);
  EXPECT_EQ(s.dead_lettered, 0);
}

TEST_F(OutboxWorkerTest, DeadLettersAfterMaxAttempts) {
  auto w = Worker();  // max_attempts 4
  const std::string id = Enqueue(1);
  w->NoteEnqueued(1, 0);
  email_->Then(absl::UnavailableError("smtp: connection refused"), 10);
  for (int i = 0; i < 10; ++i) {
    ASSERT_OK(w->DeliverDue());
    clock_.Advance(absl::Minutes(10));
  }
  EXPECT_EQ(email_->attempts().size(), 4u);
  const std::vector<std::string> keys = Keys();
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0], DeadLetterKey(id));
  std::string value;
  ASSERT_OK(store_->Get(Table::kOutbox, keys[0], &value));
  OutboxRecord r;
  ASSERT_TRUE(r.Decode(value));
  EXPECT_EQ(r.attempts, 4);
  EXPECT_EQ(r.last_error, "UNAVAILABLE: smtp: connection refused");
  const OutboxStats s = w->stats();
  EXPECT_EQ(s.dead_lettered, 1);
  EXPECT_EQ(s.dead_letters, 1);
  EXPECT_EQ(s.retries, 3);
  EXPECT_EQ(s.pending, 0);
}

TEST_F(OutboxWorkerTest, PermanentRefusalDeadLettersAtOnce) {
  auto w = Worker();
  Enqueue(1);
  email_->Then(
      absl::FailedPreconditionError("smtp: RCPT: server answered 550"));
  ASSERT_OK(w->DeliverDue());
  clock_.Advance(absl::Hours(1));
  ASSERT_OK(w->DeliverDue());
  EXPECT_EQ(email_->attempts().size(), 1u);
  EXPECT_EQ(w->stats().dead_lettered, 1);
}

TEST_F(OutboxWorkerTest, ChannelWithoutSenderIsDeadLettered) {
  absl::StatusOr<std::unique_ptr<OutboxWorker>> w =
      OutboxWorker::Create(store_, &clock_, {email_, nullptr}, Options());
  ASSERT_OK(w);
  Enqueue(1, Channel::kWebhook);
  ASSERT_OK((*w)->DeliverDue());
  EXPECT_EQ((*w)->stats().dead_lettered, 1);
}

TEST_F(OutboxWorkerTest, PendingMessagesSurviveARestart) {
  const std::string id = Enqueue(1);
  {
    auto w = Worker();
    email_->Then(absl::UnavailableError("down"));
    ASSERT_OK(w->DeliverDue());  // fails once, rescheduled
  }
  Enqueue(2);
  store_.reset();  // closes the database
  Open();
  auto w = Worker();
  EXPECT_EQ(w->stats().pending, 2) << "counted from the store at start";
  clock_.Advance(absl::Seconds(30));
  absl::StatusOr<int> n = w->DeliverDue();
  ASSERT_OK(n);
  EXPECT_EQ(*n, 2);
  ASSERT_EQ(email_->attempts().size(), 3u);
  int copies = 0;  // the first message went out twice, with one key
  for (const OutgoingMessage& m : email_->attempts())
    copies += m.idempotency_key == id;
  EXPECT_EQ(copies, 2);
  EXPECT_TRUE(Keys().empty());
}

TEST_F(OutboxWorkerTest, UnreadableRecordIsSetAside) {
  auto w = Worker();
  WriteBatch b;
  b.Put(Table::kOutbox, PendingKey(clock_.Now(), "garbage.email"), "\x07junk");
  ASSERT_OK(store_->Write(b));
  Enqueue(1);
  ASSERT_OK(w->DeliverDue());
  EXPECT_EQ(email_->attempts().size(), 1u);  // the good one still went out
  EXPECT_EQ(Keys(), std::vector<std::string>{DeadLetterKey("garbage.email")});
}

TEST_F(OutboxWorkerTest, BackgroundThreadDeliversWhenWoken) {
  OutboxOptions o = Options();
  o.deliver_in_background = true;
  o.poll_interval = absl::Hours(1);  // only a wake-up can trigger it
  auto w = Worker(o);
  Enqueue(1);
  w->NoteEnqueued(1, 0);
  for (int i = 0; i < 500 && w->stats().delivered == 0; ++i) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(w->stats().delivered, 1);
  EXPECT_EQ(email_->attempts().size(), 1u);
}

TEST_F(OutboxWorkerTest, CreateRefusesBadArguments) {
  EXPECT_FALSE(OutboxWorker::Create(nullptr, &clock_, {}, Options()).ok());
  EXPECT_FALSE(OutboxWorker::Create(store_, nullptr, {}, Options()).ok());
  OutboxOptions o = Options();
  o.max_attempts = 101;
  EXPECT_EQ(OutboxWorker::Create(store_, &clock_, {}, o).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(OutboxRecordTest, RoundTripsAndRefusesGarbage) {
  OutboxRecord r;
  r.channel = Channel::kWebhook;
  r.message = {"to",          "subject",    "text",
               "<p>html</p>", "id.webhook", "{\"a\":1}"};
  r.attempts = 3;
  r.created = absl::FromUnixSeconds(10);
  r.due = absl::FromUnixSeconds(20);
  r.last_error = "UNAVAILABLE: x";
  OutboxRecord back;
  ASSERT_TRUE(back.Decode(r.Encode()));
  EXPECT_EQ(back.Encode(), r.Encode());
  EXPECT_EQ(back.message.data_json, "{\"a\":1}");
  const std::string enc = r.Encode();
  for (size_t n = 0; n < enc.size(); ++n) {
    EXPECT_FALSE(back.Decode(enc.substr(0, n))) << n;
  }
  EXPECT_FALSE(back.Decode(enc + "x"));
}

TEST(OutboxRecordTest, PendingKeysSortByDueTime) {
  EXPECT_LT(PendingKey(absl::FromUnixSeconds(5), "z"),
            PendingKey(absl::FromUnixSeconds(6), "a"));
  EXPECT_LT(PendingKey(absl::FromUnixSeconds(6), "a"),
            PendingLimit(absl::FromUnixSeconds(6)));
  EXPECT_GT(PendingKey(absl::FromUnixSeconds(7), "a"),
            PendingLimit(absl::FromUnixSeconds(6)));
}

TEST_F(OutboxWorkerTest, FailuresAndDeadLettersAreLoggedMasked) {
  auto log = std::make_shared<RecordingLogger>();
  OutboxOptions o = Options();
  o.logger = log;
  auto w = Worker(o);
  const std::string id = Enqueue(1);
  email_->Then(absl::UnavailableError("smtp: greeting: server answered 421"));
  email_->Then(absl::FailedPreconditionError(
      "smtp: RCPT: server answered 550 <user@example.com>: no such user"));
  ASSERT_OK(w->DeliverDue());
  clock_.Advance(absl::Seconds(30));
  ASSERT_OK(w->DeliverDue());

  std::vector<RecordingLogger::Event> failed = log->Named("delivery_failed");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].level, LogLevel::kWarn);
  EXPECT_EQ(failed[0].fields["message_id"], id);
  EXPECT_EQ(failed[0].fields["recipient"], "u***@example.com");
  EXPECT_EQ(failed[0].fields["attempt"], "1");
  EXPECT_EQ(failed[0].fields["error_class"], "unavailable");
  EXPECT_EQ(failed[0].fields["next_retry"], "2026-01-01T00:00:30.000Z");
  std::vector<RecordingLogger::Event> dead = log->Named("dead_letter");
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].level, LogLevel::kError);
  EXPECT_EQ(dead[0].fields["reason"], "permanent_refusal");
  EXPECT_EQ(dead[0].fields["attempts"], "2");
  EXPECT_EQ(dead[0].fields["error"],
            "FAILED_PRECONDITION: smtp: RCPT: server answered 550 "
            "<u***@example.com>: no such user");
  for (const auto& e : {failed[0], dead[0]}) {
    for (const auto& [key, value] : e.fields) {
      EXPECT_FALSE(absl::StrContains(value, "user@")) << key << ": " << value;
    }
  }
}

TEST_F(OutboxWorkerTest, DeadLetterIsListedAndRequeuedWithAFreshAttemptCount) {
  auto log = std::make_shared<RecordingLogger>();
  OutboxOptions o = Options();
  o.logger = log;
  const std::string id = Enqueue(1);  // before the worker counts the store
  auto w = Worker(o);
  email_->Then(absl::FailedPreconditionError("refused <user@example.com>"));
  ASSERT_OK(w->DeliverDue());

  absl::StatusOr<std::vector<DeadLetter>> list = ListDeadLetters(*store_);
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 1u);
  const DeadLetter& d = (*list)[0];
  EXPECT_EQ(d.id, id);
  EXPECT_EQ(d.channel, "email");
  EXPECT_EQ(d.recipient, "u***@example.com");
  EXPECT_EQ(d.created, clock_.Now());
  EXPECT_EQ(d.dead_since, clock_.Now());
  EXPECT_EQ(d.attempts, 1);
  EXPECT_EQ(d.last_error, "FAILED_PRECONDITION: refused <u***@example.com>");

  // An unknown id: NotFound, nothing changes.
  const std::vector<std::string> before = Keys();
  EXPECT_TRUE(absl::IsNotFound(w->RetryDeadLetter("event9.email")));
  EXPECT_TRUE(absl::IsNotFound(w->RetryDeadLetter("")));
  EXPECT_EQ(Keys(), before);
  EXPECT_EQ(w->stats().dead_letters, 1);
  EXPECT_EQ(w->stats().requeued, 0);

  clock_.Advance(absl::Minutes(5));
  ASSERT_OK(w->RetryDeadLetter(id));
  EXPECT_TRUE(absl::IsNotFound(w->RetryDeadLetter(id))) << "once";
  EXPECT_EQ(w->stats().dead_letters, 0);
  EXPECT_EQ(w->stats().pending, 1);
  EXPECT_EQ(w->stats().requeued, 1);
  ASSERT_EQ(log->Named("dead_letter_requeued").size(), 1u);
  ASSERT_OK_AND_ASSIGN(list, ListDeadLetters(*store_));
  EXPECT_TRUE(list->empty());

  // Refused again: dead after one attempt of its new life, not two.
  email_->Then(absl::FailedPreconditionError("refused again"));
  ASSERT_OK(w->DeliverDue());
  ASSERT_OK_AND_ASSIGN(list, ListDeadLetters(*store_));
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].attempts, 1);
  EXPECT_EQ((*list)[0].dead_since, clock_.Now());

  // Offline (no worker on the store): put back, then delivered by a worker.
  w.reset();
  ASSERT_OK(RequeueDeadLetter(*store_, id, clock_.Now()));
  EXPECT_TRUE(absl::IsNotFound(RequeueDeadLetter(*store_, id, clock_.Now())));
  w = Worker(o);
  EXPECT_EQ(w->stats().pending, 1);
  ASSERT_OK(w->DeliverDue());
  EXPECT_EQ(email_->attempts().back().idempotency_key, id);
  EXPECT_TRUE(Keys().empty());
}

TEST_F(OutboxWorkerTest, ListDeadLettersStopsAtTheLimit) {
  auto w = Worker();
  for (int i = 0; i < 3; ++i) {
    Enqueue(i);
    email_->Then(absl::FailedPreconditionError("refused"));
  }
  ASSERT_OK(w->DeliverDue());
  bool more = false;
  absl::StatusOr<std::vector<DeadLetter>> list = w->ListDeadLetters(2, &more);
  ASSERT_OK(list);
  EXPECT_EQ(list->size(), 2u);
  EXPECT_TRUE(more);
  ASSERT_OK_AND_ASSIGN(list, w->ListDeadLetters(0, &more));
  EXPECT_EQ(list->size(), 3u);
  EXPECT_FALSE(more);
}

TEST(MaskEmailTest, HidesTheLocalPart) {
  EXPECT_EQ(MaskEmail("alice@example.com"), "a***@example.com");
  EXPECT_EQ(MaskEmail(""), "");
  EXPECT_EQ(MaskEmail("+15551234567"), "***");
  EXPECT_EQ(MaskEmail("@example.com"), "***");
  EXPECT_EQ(MaskEmailsIn("550 <bob.smith+x@mail.example.org>: no; also "
                         "c@d.e and a lone @ sign"),
            "550 <b***@mail.example.org>: no; also c***@d.e and a lone @ "
            "sign");
  EXPECT_EQ(MaskEmailsIn("no address"), "no address");
}

}  // namespace
}  // namespace vigil::internal
