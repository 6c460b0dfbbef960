// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// PartitionOf: which records a backend must keep together, read off the
// repositories' key layouts. Every record of one user lives in the user's
// partition: "u" and four hex digits, the top 16 bits of UserHash(user id),
// shared by the 1/65536 of users with the same bits. The layouts:
//   users, totp     the user id itself
//   events          "v", UserHash (8 bytes big-endian), time, random
//   devices         the user id as an encoded string, then the device hash
//   passkeys        'c' or 'u', the user id as an encoded string, ...
//   challenges      32 hex digits, the first four the user's (new ids)
// Counters spread over 65,536 partitions by their key's hash ("k" and four
// hex digits); the outbox, the breach corpus and the metadata are one
// partition each.

#include "store/partitions.h"

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/encoding.h"
#include "common/hash.h"
#include "vigil/store.h"

namespace vigil {
namespace internal {
namespace {

constexpr uint64_t kUserSeed = 0x65766e74;
constexpr int kUserPartitionHexDigits = 4;

// One of 65,536 partitions, by the hash of `key`: a bounded number of
// partitions for keys that have no user.
std::string HashedPartition(char kind, absl::string_view key) {
  return absl::StrFormat("%c%04x", kind, StableHash(key, 0) >> 48);
}

bool IsLowerHex(absl::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// The length of an encoded string (varint length, bytes) at the start of
// `key`, and the string, or nullopt if `key` does not start with one.
std::optional<size_t> EncodedStringPrefix(absl::string_view key,
                                          absl::string_view* decoded) {
  Decoder d(key);
  if (!d.GetStringView(decoded)) return std::nullopt;
  return static_cast<size_t>(decoded->data() + decoded->size() - key.data());
}

// How `table` lays out its keys: the prefix of `key` that determines its
// partition (its length; nullopt: the partition depends on the whole key),
// and the partition.
struct Layout {
  std::optional<size_t> prefix;
  std::string partition;
};

Layout LayoutOf(Table table, absl::string_view key) {
  switch (table) {
    case Table::kUsers:
    case Table::kTotp:
      return {std::nullopt, UserPartition(key)};
    case Table::kEvents:
      if (key.size() >= 3 && key[0] == 'v') {
        return {3, absl::StrFormat("u%02x%02x", static_cast<uint8_t>(key[1]),
                                   static_cast<uint8_t>(key[2]))};
      }
      break;
    case Table::kDevices: {
      absl::string_view user;
      if (std::optional<size_t> n = EncodedStringPrefix(key, &user)) {
        return {n, UserPartition(user)};
      }
      break;
    }
    case Table::kPasskeys: {
      absl::string_view user;
      if (!key.empty()) {
        if (std::optional<size_t> n =
                EncodedStringPrefix(key.substr(1), &user)) {
          return {*n + 1, UserPartition(user)};
        }
      }
      break;
    }
    case Table::kChallenges:
      if (key.size() >= kUserPartitionHexDigits &&
          IsLowerHex(key.substr(0, kUserPartitionHexDigits))) {
        return {kUserPartitionHexDigits,
                absl::StrCat("u", key.substr(0, kUserPartitionHexDigits))};
      }
      break;
    case Table::kCounters:
      return {std::nullopt, HashedPartition('k', key)};
    case Table::kOutbox:
    case Table::kPwned:
    case Table::kMeta:
      return {0, std::string(TableName(table))};
  }
  // A key outside its table's layout: a partition of its own.
  return {std::nullopt, HashedPartition('x', key)};
}

}  // namespace

uint64_t UserHash(absl::string_view user_id) {
  return StableHash(user_id, kUserSeed);
}

std::string UserPartitionHex(absl::string_view user_id) {
  return absl::StrFormat("%04x", UserHash(user_id) >> 48);
}

std::string UserPartition(absl::string_view user_id) {
  return absl::StrCat("u", UserPartitionHex(user_id));
}

absl::Status CheckBatch(const WriteBatch& batch) {
  for (const WriteBatch::Op& op : batch.ops()) {
    if (op.type == WriteBatch::OpType::kAddCounter &&
        op.table != Table::kCounters) {
      return absl::InvalidArgumentError(
          absl::StrCat("counter in ", TableName(op.table),
                       ": only the counters table has counters"));
    }
  }
  if (!batch.conditional()) return absl::OkStatus();
  std::optional<std::string> first;
  Table first_table = Table::kUsers;
  for (const WriteBatch::Op& op : batch.ops()) {
    if (op.type != WriteBatch::OpType::kExpect) continue;
    std::string p = LayoutOf(op.table, op.key).partition;
    if (!first.has_value()) {
      first = std::move(p);
      first_table = op.table;
    } else if (p != *first) {
      return absl::InvalidArgumentError(
          absl::StrCat("store: a batch's conditions span partitions (",
                       TableName(first_table), " and ", TableName(op.table),
                       "); see PartitionOf"));
    }
  }
  return absl::OkStatus();
}

}  // namespace internal

std::string PartitionOf(Table table, absl::string_view key) {
  return internal::LayoutOf(table, key).partition;
}

std::optional<std::string> PartitionOfRange(Table table,
                                            absl::string_view start,
                                            absl::string_view limit) {
  internal::Layout layout = internal::LayoutOf(table, start);
  if (!layout.prefix.has_value()) return std::nullopt;
  if (*layout.prefix == 0) return std::move(layout.partition);
  // Every key in [start, limit) has start's prefix p exactly when limit is
  // at most the first key after all keys with prefix p.
  const std::string after = PrefixLimit(start.substr(0, *layout.prefix));
  if (after.empty() || limit.empty() || limit > after) return std::nullopt;
  return std::move(layout.partition);
}

std::string PrefixLimit(absl::string_view prefix) {
  std::string limit(prefix);
  while (!limit.empty() && static_cast<uint8_t>(limit.back()) == 0xff) {
    limit.pop_back();
  }
  if (!limit.empty()) {
    limit.back() = static_cast<char>(static_cast<uint8_t>(limit.back()) + 1);
  }
  return limit;
}

}  // namespace vigil
