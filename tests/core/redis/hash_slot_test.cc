// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "store/redis/hash_slot.h"

#include <random>
#include <string>

#include "core/redis/redis_test_cluster.h"
#include "gtest/gtest.h"

namespace vigil::redis_testing {
namespace {

using internal::RedisCrc16;
using internal::RedisHashSlot;
using internal::RedisHashTag;

TEST(RedisHashSlotTest, Crc16OfTheSpecsCheckValue) {
  EXPECT_EQ(RedisCrc16("123456789"), 0x31C3);
  EXPECT_EQ(RedisCrc16(""), 0);
}

TEST(RedisHashSlotTest, HashTagsAsInTheSpec) {
  EXPECT_EQ(RedisHashTag("{user1000}.following"), "user1000");
  EXPECT_EQ(RedisHashTag("{user1000}.followers"), "user1000");
  EXPECT_EQ(RedisHashTag("foo{}{bar}"), "foo{}{bar}");  // empty first tag
  EXPECT_EQ(RedisHashTag("foo{{bar}}zap"), "{bar");
  EXPECT_EQ(RedisHashTag("foo{bar}{zap}"), "bar");
  EXPECT_EQ(RedisHashTag("foo"), "foo");
  EXPECT_EQ(RedisHashTag("{foo"), "{foo");  // no closing brace
  EXPECT_EQ(RedisHashTag("}foo{"), "}foo{");
  EXPECT_EQ(RedisHashTag("a{b}"), "b");
  EXPECT_EQ(RedisHashTag(""), "");

  EXPECT_EQ(RedisHashSlot("{user1000}.following"),
            RedisHashSlot("{user1000}.followers"));
  EXPECT_EQ(RedisHashSlot("{user1000}.following"), RedisHashSlot("user1000"));
  EXPECT_EQ(RedisHashSlot("foo{{bar}}zap"), RedisHashSlot("{bar"));
  EXPECT_EQ(RedisHashSlot("foo{bar}{zap}"), RedisHashSlot("bar"));
  EXPECT_EQ(RedisHashSlot("123456789"), 0x31C3 % 16384);
  EXPECT_EQ(RedisHashSlot(""), 0);
}

// The server's own CLUSTER KEYSLOT agrees on random keys, with and without
// braces and with every byte value.
class RedisHashSlotServerTest : public RedisClusterTest {};

TEST_F(RedisHashSlotServerTest, MatchesClusterKeyslot) {
  auto cluster = NewClient(TestOptions());
  ASSERT_NE(cluster, nullptr);
  std::mt19937 rng(12345);
  const std::string alphabet("ab{}{}\0\xff:x", 10);
  int checked = 0;
  for (int i = 0; i < 1500; ++i) {
    std::string key;
    size_t length = rng() % 12;
    for (size_t j = 0; j < length; ++j) {
      key.push_back(i % 2 == 0 ? alphabet[rng() % alphabet.size()]
                               : static_cast<char>(rng() % 256));
    }
    auto reply = cluster->RunOnNode(NodeAddress(i % kNodeCount),
                                    {"CLUSTER", "KEYSLOT", key});
    ASSERT_TRUE(reply.ok()) << reply.status();
    ASSERT_TRUE(reply->is_integer()) << reply->str();
    ASSERT_EQ(reply->integer(), RedisHashSlot(key)) << "key #" << i;
    ++checked;
  }
  EXPECT_EQ(checked, 1500);
}

}  // namespace
}  // namespace vigil::redis_testing
