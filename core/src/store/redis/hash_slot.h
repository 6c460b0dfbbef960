// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// store/redis/hash_slot.h: Redis Cluster's key-to-slot function, as in the
// cluster specification: CRC16 (XMODEM: polynomial 0x1021, initial value 0,
// no reflection, no final xor) of the key, or of its hash tag, mod 16384.

#ifndef VIGIL_STORE_REDIS_HASH_SLOT_H_
#define VIGIL_STORE_REDIS_HASH_SLOT_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace vigil::internal {

inline constexpr int kRedisSlotCount = 16384;

// CRC16-XMODEM of `data` ("123456789" -> 0x31C3).
uint16_t RedisCrc16(absl::string_view data);

// The part of `key` that is hashed: if the key holds a '{', and a '}' after
// it, with at least one byte between the first '{' and the first '}' after
// it, only those bytes; else the whole key. ("{user1000}.following" ->
// "user1000", "foo{}{bar}" -> the whole key, "foo{{bar}}zap" -> "{bar",
// "foo{bar}{zap}" -> "bar".)
absl::string_view RedisHashTag(absl::string_view key);

// The slot, 0..16383, that serves `key`.
uint16_t RedisHashSlot(absl::string_view key);

}  // namespace vigil::internal

#endif  // VIGIL_STORE_REDIS_HASH_SLOT_H_
