// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Outbox records in Table::kOutbox (versioned binary encoding):
//   "p" + 8-byte big-endian due time (unix nanos) + message id : pending
//   "d" + message id                                          : dead letter
// Pending keys sort by due time, so the worker reads only what is due. A
// retry moves a record to its new due time (delete + put in one batch).
// A message id is "<event id>.<channel>": stable across retries and
// restarts, and the message's idempotency key.

#ifndef VIGIL_CORE_SRC_NOTIFY_OUTBOX_RECORD_H_
#define VIGIL_CORE_SRC_NOTIFY_OUTBOX_RECORD_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "vigil/sender.h"

namespace vigil::internal {

enum class Channel : uint8_t { kEmail = 0, kWebhook = 1 };
inline constexpr int kChannelCount = 2;
// "email", "webhook".
absl::string_view ChannelName(Channel channel);

struct OutboxRecord {
  Channel channel = Channel::kEmail;
  OutgoingMessage message;  // message.idempotency_key is the message id
  int32_t attempts = 0;     // failed attempts so far
  absl::Time created;
  absl::Time due;          // next attempt
  std::string last_error;  // of the last failed attempt; never the body

  std::string Encode() const;
  // False if `data` is not an outbox record of a known version.
  bool Decode(absl::string_view data);
};

inline constexpr char kPendingPrefix = 'p';
inline constexpr char kDeadPrefix = 'd';

std::string MessageId(absl::string_view event_id, Channel channel);
std::string PendingKey(absl::Time due, absl::string_view message_id);
std::string DeadLetterKey(absl::string_view message_id);
// The first key after every pending key due at or before `t`.
std::string PendingLimit(absl::Time t);

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_NOTIFY_OUTBOX_RECORD_H_
