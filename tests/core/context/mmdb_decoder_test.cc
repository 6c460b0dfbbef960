// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// MmdbDecoder on hand-assembled data sections (MaxMind DB format 2.0), and
// lookups in randomly corrupted copies of a real test database.

#include "context/mmdb_decoder.h"

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/context/geo_test_util.h"
#include "gtest/gtest.h"
#include "testing/test_util.h"
#include "vigil/geo.h"

namespace vigil {
namespace {

using ::vigil::testing::LoadJsonNetworks;
using ::vigil::testing::ReadFileOrDie;
using ::vigil::testing::TestDataPath;
using ::vigil::testing::WriteFileOrDie;

MmdbDecoder Over(const std::string& bytes) {
  return MmdbDecoder(reinterpret_cast<const uint8_t*>(bytes.data()),
                     static_cast<uint32_t>(bytes.size()));
}

TEST(MmdbDecoderTest, DecodesScalarsAndPointers) {
  // 0: "ab" (string, size 2)
  // 3: pointer (size bits 00, vvv 000) to offset 0
  // 5: double 1.5
  // 14: float 2.5 (extended type 15 -> byte 8)
  // 20: uint16 0x0102
  // 23: bool true (extended type 14 -> byte 7, size 1)
  // 25: uint32 with zero-length payload (= 0)
  const std::string data =
      std::string(
          "\x42"
          "ab",
          3) +
      std::string("\x20\x00", 2) +
      std::string("\x68\x3f\xf8\x00\x00\x00\x00\x00\x00", 9) +
      std::string("\x04\x08\x40\x20\x00\x00", 6) +
      std::string("\xa2\x01\x02", 3) + std::string("\x01\x07", 2) +
      std::string("\xc0", 1);
  const MmdbDecoder dec = Over(data);
  MmdbItem item;
  absl::string_view s;
  double d = 0;
  uint32_t u = 99;
  bool b = false;
  ASSERT_OK(dec.Resolve(0, &item));
  ASSERT_TRUE(dec.String(item, &s));
  EXPECT_EQ(s, "ab");
  ASSERT_OK(dec.Resolve(3, &item));  // follows the pointer
  ASSERT_TRUE(dec.String(item, &s));
  EXPECT_EQ(s, "ab");
  ASSERT_OK(dec.Resolve(5, &item));
  ASSERT_TRUE(dec.Number(item, &d));
  EXPECT_EQ(d, 1.5);
  EXPECT_FALSE(dec.String(item, &s));
  ASSERT_OK(dec.Resolve(14, &item));
  ASSERT_TRUE(dec.Number(item, &d));
  EXPECT_EQ(d, 2.5);
  ASSERT_OK(dec.Resolve(20, &item));
  ASSERT_TRUE(dec.Uint32(item, &u));
  EXPECT_EQ(u, 0x0102u);
  EXPECT_FALSE(dec.Number(item, &d));
  ASSERT_OK(dec.Resolve(23, &item));
  ASSERT_TRUE(dec.Bool(item, &b));
  EXPECT_TRUE(b);
  ASSERT_OK(dec.Resolve(25, &item));
  ASSERT_TRUE(dec.Uint32(item, &u));
  EXPECT_EQ(u, 0u);
}

TEST(MmdbDecoderTest, MapsFindAndIterate) {
  // 0: map of 2: "a" -> uint16 7, "bb" -> inline map of 1: "c" -> "x"
  const std::string data(
      "\xe2\x41"
      "a\xa1\x07\x42"
      "bb\xe1\x41"
      "c\x41x",
      14);
  const MmdbDecoder dec = Over(data);
  MmdbItem map, v;
  ASSERT_OK(dec.Resolve(0, &map));
  bool found = false;
  ASSERT_OK(dec.Find(map, "bb", &v, &found));
  ASSERT_TRUE(found);
  EXPECT_EQ(v.type, MmdbType::kMap);
  ASSERT_OK(dec.Find(v, "c", &v, &found));
  ASSERT_TRUE(found);
  absl::string_view s;
  ASSERT_TRUE(dec.String(v, &s));
  EXPECT_EQ(s, "x");
  ASSERT_OK(dec.Find(map, "zz", &v, &found));
  EXPECT_FALSE(found);
  std::vector<std::string> keys;
  ASSERT_OK(dec.ForEachEntry(map, [&](absl::string_view k, const MmdbItem&) {
    keys.emplace_back(k);
  }));
  EXPECT_EQ(keys, (std::vector<std::string>{"a", "bb"}));
}

TEST(MmdbDecoderTest, CorruptDataIsDataLossNeverACrash) {
  struct Case {
    const char* name;
    std::string data;
    const char* reason;
  };
  const Case kCases[] = {
      {"empty", "", "past the data section"},
      {"truncated string",
       std::string("\x45"
                   "ab",
                   3),
       "past the data section"},
      {"pointer past end", std::string("\x27\xff", 2), "pointer past"},
      {"pointer to pointer", std::string("\x20\x02\x20\x00", 4),
       "pointer to a pointer"},
      {"double of 4 bytes", std::string("\x64\x00\x00\x00\x00", 5),
       "invalid double size"},
      {"uint32 of 5 bytes", std::string("\xc5\x00\x00\x00\x00\x00", 6),
       "invalid integer size"},
      {"boolean 2", std::string("\x02\x07", 2), "invalid boolean"},
      {"extended type 0", std::string("\x00\x00", 2), "invalid extended type"},
      {"container type", std::string("\x00\x05", 2), "invalid data type"},
      {"huge map", std::string("\xfd\xff", 2), "map too large"},
      {"truncated size", std::string("\x5f\x00", 2), "truncated size"},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    MmdbItem item;
    absl::Status s = Over(c.data).Resolve(0, &item);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
    EXPECT_NE(s.message().find(c.reason), absl::string_view::npos) << s;
  }
  // Map keys must be strings.
  const std::string int_key("\xe1\xa1\x01\xa1\x02", 5);
  MmdbItem map, v;
  ASSERT_OK(Over(int_key).Resolve(0, &map));
  bool found;
  EXPECT_EQ(Over(int_key).Find(map, "a", &v, &found).code(),
            absl::StatusCode::kDataLoss);
  // Nesting deeper than any real database is refused, not recursed into.
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += std::string("\x01\x04", 2);  // array 1
  deep += std::string("\x41x", 2);
  const std::string outer = std::string(
                                "\xe2\x41"
                                "a",
                                3) +
                            deep +
                            std::string(
                                "\x41"
                                "b\x41y",
                                4);
  ASSERT_OK(Over(outer).Resolve(0, &map));
  absl::Status s = Over(outer).Find(map, "b", &v, &found);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
}

// Flips bytes of GeoIP2-City-Test.mmdb's data section at random (fixed
// seed) and looks up every listed network: each answer must be OK or a
// DataLoss naming the file.
TEST(MmdbDecoderTest, RandomlyCorruptedDatabaseNeverCrashes) {
  const std::string original =
      ReadFileOrDie(TestDataPath("maxmind/GeoIP2-City-Test.mmdb"));
  ASSERT_GT(original.size(), 20000u);
  const size_t metadata = original.rfind("\xab\xcd\xefMaxMind.com");
  ASSERT_NE(metadata, std::string::npos);
  // Node count 1547, 28-bit records: the tree is 1547 * 7 bytes.
  const size_t data_start = 1547 * 7 + 16;
  ASSERT_LT(data_start, metadata);
  std::vector<IpAddress> probes;
  for (const auto& n :
       LoadJsonNetworks(TestDataPath("maxmind/GeoIP2-City-Test.json"))) {
    probes.push_back(n.cidr.network);
  }
  testing::TempDir dir;
  const std::string path = dir.path() + "/corrupt.mmdb";
  std::mt19937 rng(20260605);
  int errors = 0, opened = 0;
  for (int round = 0; round < 60; ++round) {
    std::string bytes = original;
    std::uniform_int_distribution<size_t> where(data_start, metadata - 1);
    std::uniform_int_distribution<int> value(0, 255);
    for (int flips = 0; flips < 20; ++flips) {
      bytes[where(rng)] = static_cast<char>(value(rng));
    }
    WriteFileOrDie(path, bytes);
    absl::StatusOr<std::unique_ptr<GeoResolver>> resolver =
        CreateGeoResolver(testing::CityDbs({path}));
    if (!resolver.ok()) continue;
    ++opened;
    for (const IpAddress& ip : probes) {
      GeoInfo info;
      absl::Status s = (*resolver)->Lookup(ip, &info);
      if (s.ok()) continue;
      ++errors;
      ASSERT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
      ASSERT_NE(s.message().find(path), absl::string_view::npos) << s;
    }
  }
  EXPECT_GT(opened, 50);
  EXPECT_GT(errors, 0);
}

}  // namespace
}  // namespace vigil
