// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// PartitionOf and PartitionOfRange over the repositories' real key layouts:
// every record of one user shares the user's partition, and the scans the
// repositories make of one user's records stay within it.

#include "store/partitions.h"

#include <set>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "devices/device_record.h"
#include "gtest/gtest.h"
#include "mfa/passkey_records.h"
#include "store/event_record.h"
#include "vigil/store.h"

namespace vigil {
namespace {

using internal::UserPartition;
using internal::UserPartitionHex;

bool IsTagSafe(const std::string& p) {
  if (p.empty()) return false;
  for (char c : p) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

TEST(PartitionsTest, EveryRecordOfAUserIsInTheUsersPartition) {
  for (const std::string& user :
       {std::string("alice"), std::string("bob@example.com"), std::string(),
        std::string("\0\xff", 2), std::string(300, 'x')}) {
    const std::string p = UserPartition(user);
    ASSERT_TRUE(IsTagSafe(p)) << p;
    EXPECT_EQ(p, "u" + UserPartitionHex(user));
    EXPECT_EQ(PartitionOf(Table::kUsers, user), p);
    EXPECT_EQ(PartitionOf(Table::kTotp, user), p);
    absl::StatusOr<std::string> id = internal::NewEventId(user, 1234567890);
    ASSERT_TRUE(id.ok());
    std::string event_key;
    ASSERT_TRUE(internal::EventKey(*id, &event_key));
    EXPECT_EQ(PartitionOf(Table::kEvents, event_key), p);
    EXPECT_EQ(PartitionOf(Table::kEvents, internal::UserEventPrefix(user)), p);
    EXPECT_EQ(PartitionOf(Table::kDevices,
                          internal::DeviceStoreKey(
                              user, internal::HashDeviceKey("device-key"))),
              p);
    EXPECT_EQ(PartitionOf(Table::kPasskeys, internal::PasskeyKey(user, "cred")),
              p);
    EXPECT_EQ(PartitionOf(Table::kPasskeys, internal::PasskeyUserKey(user)), p);
    // A challenge id: the user's four digits, then random ones.
    EXPECT_EQ(
        PartitionOf(Table::kChallenges,
                    UserPartitionHex(user) + "0123456789abcdef0123456789ab"),
        p);
  }
}

TEST(PartitionsTest, UsersSpreadOverPartitions) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    seen.insert(UserPartition(absl::StrCat("user", i)));
  }
  EXPECT_GT(seen.size(), 950u);  // 1000 users in 65536 partitions
}

TEST(PartitionsTest, OtherTablesAndForeignKeys) {
  EXPECT_EQ(PartitionOf(Table::kOutbox, "anything"),
            PartitionOf(Table::kOutbox, ""));
  EXPECT_EQ(PartitionOf(Table::kPwned, "a"), PartitionOf(Table::kPwned, "z"));
  EXPECT_NE(PartitionOf(Table::kPwned, "a"), PartitionOf(Table::kOutbox, "a"));
  std::set<std::string> counters;
  for (int i = 0; i < 1000; ++i) {
    counters.insert(PartitionOf(Table::kCounters, absl::StrCat("ip", i)));
  }
  EXPECT_GT(counters.size(), 950u);
  EXPECT_EQ(PartitionOf(Table::kCounters, "ip1"),
            PartitionOf(Table::kCounters, "ip1"));
  // Keys outside a layout (an old random challenge id, a short event key,
  // an undecodable device key) still get a partition, always the same.
  for (Table t : {Table::kChallenges, Table::kEvents, Table::kDevices,
                  Table::kPasskeys, Table::kCounters}) {
    for (const std::string& key :
         {std::string(), std::string("zz"), std::string("\xff\xff\xff", 3)}) {
      const std::string p = PartitionOf(t, key);
      EXPECT_TRUE(IsTagSafe(p)) << TableName(t) << " " << p;
      EXPECT_EQ(p, PartitionOf(t, key));
    }
  }
}

TEST(PartitionsTest, RangesOfOneUserStayInTheUsersPartition) {
  const std::string user = "carol";
  const std::string events = internal::UserEventPrefix(user);
  EXPECT_EQ(PartitionOfRange(Table::kEvents, events, PrefixLimit(events)),
            UserPartition(user));
  const std::string devices = internal::DeviceStoreKey(user, "");
  EXPECT_EQ(PartitionOfRange(Table::kDevices, devices, PrefixLimit(devices)),
            UserPartition(user));
  const std::string passkeys = internal::PasskeyPrefix(user);
  EXPECT_EQ(PartitionOfRange(Table::kPasskeys, passkeys, PrefixLimit(passkeys)),
            UserPartition(user));
  // Open-ended or wider ranges may span partitions.
  EXPECT_EQ(PartitionOfRange(Table::kEvents, events, ""), std::nullopt);
  EXPECT_EQ(PartitionOfRange(Table::kEvents, "v", "w"), std::nullopt);
  EXPECT_EQ(PartitionOfRange(Table::kDevices, devices, "\xff"), std::nullopt);
  EXPECT_EQ(PartitionOfRange(Table::kUsers, "a", "b"), std::nullopt);
  EXPECT_EQ(PartitionOfRange(Table::kTotp, "", ""), std::nullopt);
  // A one-partition table: any range.
  EXPECT_EQ(PartitionOfRange(Table::kOutbox, "", ""),
            PartitionOf(Table::kOutbox, ""));
  EXPECT_EQ(PartitionOfRange(Table::kPwned, "a", "b"),
            PartitionOf(Table::kPwned, ""));
}

TEST(PartitionsTest, PrefixLimit) {
  EXPECT_EQ(PrefixLimit("abc"), "abd");
  EXPECT_EQ(PrefixLimit(std::string("a\xff", 2)), "b");
  EXPECT_EQ(PrefixLimit(std::string("a\xff\xff", 3)), "b");
  EXPECT_EQ(PrefixLimit(std::string("\xff\xff", 2)), "");
  EXPECT_EQ(PrefixLimit(""), "");
  EXPECT_EQ(PrefixLimit(std::string("\x01\x00", 2)),
            std::string("\x01\x01", 2));
}

}  // namespace
}  // namespace vigil
