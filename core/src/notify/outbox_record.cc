// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "notify/outbox_record.h"

#include "absl/strings/str_cat.h"
#include "common/encoding.h"

namespace vigil::internal {
namespace {

constexpr uint8_t kOutboxVersion = 1;

uint64_t DueBits(absl::Time t) {
  const int64_t n = absl::ToUnixNanos(t);
  return n < 0 ? 0 : static_cast<uint64_t>(n);
}

}  // namespace

absl::string_view ChannelName(Channel channel) {
  return channel == Channel::kEmail ? "email" : "webhook";
}

std::string OutboxRecord::Encode() const {
  std::string out;
  Encoder e(&out);
  e.PutU8(kOutboxVersion);
  e.PutU8(static_cast<uint8_t>(channel));
  e.PutString(message.to);
  e.PutString(message.subject);
  e.PutString(message.text);
  e.PutString(message.html);
  e.PutString(message.idempotency_key);
  e.PutString(message.data_json);
  e.PutVarint(static_cast<uint32_t>(attempts));
  e.PutSignedVarint(absl::ToUnixNanos(created));
  e.PutSignedVarint(absl::ToUnixNanos(due));
  e.PutString(last_error);
  return out;
}

bool OutboxRecord::Decode(absl::string_view data) {
  *this = OutboxRecord();
  Decoder d(data);
  uint8_t version, ch;
  uint64_t n;
  int64_t created_ns, due_ns;
  if (!d.GetU8(&version) || version != kOutboxVersion || !d.GetU8(&ch) ||
      ch >= kChannelCount || !d.GetString(&message.to) ||
      !d.GetString(&message.subject) || !d.GetString(&message.text) ||
      !d.GetString(&message.html) || !d.GetString(&message.idempotency_key) ||
      !d.GetString(&message.data_json) || !d.GetVarint(&n) || n > 1000000 ||
      !d.GetSignedVarint(&created_ns) || !d.GetSignedVarint(&due_ns) ||
      !d.GetString(&last_error)) {
    return false;
  }
  channel = static_cast<Channel>(ch);
  attempts = static_cast<int32_t>(n);
  created = absl::FromUnixNanos(created_ns);
  due = absl::FromUnixNanos(due_ns);
  return d.done();
}

std::string MessageId(absl::string_view event_id, Channel channel) {
  return absl::StrCat(event_id, ".", ChannelName(channel));
}

std::string PendingKey(absl::Time due, absl::string_view message_id) {
  std::string key(1, kPendingPrefix);
  PutBigEndian64(&key, DueBits(due));
  key.append(message_id.data(), message_id.size());
  return key;
}

std::string DeadLetterKey(absl::string_view message_id) {
  return absl::StrCat(std::string(1, kDeadPrefix), message_id);
}

std::string PendingLimit(absl::Time t) {
  std::string key(1, kPendingPrefix);
  PutBigEndian64(&key, DueBits(t) + 1);
  return key;
}

}  // namespace vigil::internal
