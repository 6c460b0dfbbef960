// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// A minimal MaxMind DB writer for tests: builds real .mmdb files (search
// tree, data section, metadata, per the MaxMind DB format 2.0 spec) with
// the record shapes that MaxMind's own test databases do not have, such as
// DB-IP's flat layout with FLOAT coordinates, or an IPv6-only tree.

#ifndef VIGIL_TESTS_CORE_CONTEXT_MMDB_TEST_WRITER_H_
#define VIGIL_TESTS_CORE_CONTEXT_MMDB_TEST_WRITER_H_

#include <array>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "vigil/ip_address.h"

namespace vigil::testing {

// A value of the MaxMind DB data section.
struct MmdbValue {
  struct Float {
    float value;
  };
  struct Uint16 {
    uint16_t value;
  };
  struct Uint64 {
    uint64_t value;
  };
  using Map = std::vector<std::pair<std::string, MmdbValue>>;
  using Array = std::vector<MmdbValue>;
  std::variant<std::string, double, Float, Uint16, uint32_t, Uint64, bool, Map,
               Array>
      v;

  MmdbValue(const char* s) : v(std::string(s)) {}  // NOLINT
  MmdbValue(std::string s) : v(std::move(s)) {}    // NOLINT
  MmdbValue(double d) : v(d) {}                    // NOLINT
  MmdbValue(Float f) : v(f) {}                     // NOLINT
  MmdbValue(Uint16 u) : v(u) {}                    // NOLINT
  MmdbValue(uint32_t u) : v(u) {}                  // NOLINT
  MmdbValue(Uint64 u) : v(u) {}                    // NOLINT
  MmdbValue(bool b) : v(b) {}                      // NOLINT
  MmdbValue(Map m) : v(std::move(m)) {}            // NOLINT
  MmdbValue(Array a) : v(std::move(a)) {}          // NOLINT
};

class MmdbTestWriter {
 public:
  // ip_version 4 or 6; the tree depth is 32 or 128 bits.
  MmdbTestWriter(int ip_version, std::string database_type)
      : ip_version_(ip_version), database_type_(std::move(database_type)) {
    nodes_.push_back({kEmpty, kEmpty});
  }

  // Inserts a network. For an IPv6 tree, an IPv4 network goes to ::a.b.c.d,
  // where readers look IPv4 addresses up.
  void Insert(const Cidr& cidr, const MmdbValue& record) {
    const int data = static_cast<int>(records_.size());
    records_.push_back(Encode(record));
    int bits = cidr.prefix_len;
    int offset = 0;  // first bit of the address within the 16 bytes
    if (ip_version_ == 6 && cidr.network.is_v4()) bits += 96;
    if (ip_version_ == 4) offset = 96;
    std::array<uint8_t, 16> bytes = cidr.network.bytes();
    if (ip_version_ == 6 && cidr.network.is_v4()) {
      bytes[10] = bytes[11] = 0;  // ::a.b.c.d, not ::ffff:a.b.c.d
    }
    int node = 0;
    for (int i = 0; i < bits; ++i) {
      const int bit_index = offset + i;
      const int bit = (bytes[bit_index / 8] >> (7 - bit_index % 8)) & 1;
      if (i == bits - 1) {
        nodes_[node][bit] = kDataBase + data;
        break;
      }
      int next = nodes_[node][bit];
      if (next == kEmpty || next >= kDataBase) {
        next = static_cast<int>(nodes_.size());
        nodes_.push_back({kEmpty, kEmpty});
        nodes_[node][bit] = next;
      }
      node = next;
    }
  }

  // The whole file.
  std::string Build() const {
    const uint32_t node_count = static_cast<uint32_t>(nodes_.size());
    std::string data;
    std::vector<uint32_t> record_offsets;
    for (const std::string& r : records_) {
      record_offsets.push_back(static_cast<uint32_t>(data.size()));
      data += r;
    }
    std::string out;
    auto put32 = [&](uint32_t v) {
      for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<char>(v >> s));
    };
    for (const auto& node : nodes_) {
      for (int side = 0; side < 2; ++side) {
        const int r = node[side];
        if (r == kEmpty) {
          put32(node_count);
        } else if (r >= kDataBase) {
          put32(node_count + 16 + record_offsets[r - kDataBase]);
        } else {
          put32(static_cast<uint32_t>(r));
        }
      }
    }
    out.append(16, '\0');
    out += data;
    out += std::string("\xab\xcd\xefMaxMind.com");
    MmdbValue::Map meta = {
        {"binary_format_major_version", MmdbValue::Uint16{2}},
        {"binary_format_minor_version", MmdbValue::Uint16{0}},
        {"build_epoch", MmdbValue::Uint64{1700000000}},
        {"database_type", database_type_},
        {"description", MmdbValue::Map{{"en", "vigil test database"}}},
        {"ip_version", MmdbValue::Uint16{static_cast<uint16_t>(ip_version_)}},
        {"languages", MmdbValue::Array{MmdbValue("en")}},
        {"node_count", node_count},
        {"record_size", MmdbValue::Uint16{32}},
    };
    out += Encode(meta);
    return out;
  }

 private:
  static constexpr int kEmpty = -1;
  static constexpr int kDataBase = 1 << 30;

  static void Control(std::string* out, int type, size_t size) {
    const int type_bits = type <= 7 ? type : 0;
    std::string size_bytes;
    int size_code;
    if (size < 29) {
      size_code = static_cast<int>(size);
    } else if (size < 285) {
      size_code = 29;
      size_bytes.push_back(static_cast<char>(size - 29));
    } else {
      size_code = 30;
      const size_t s = size - 285;
      size_bytes.push_back(static_cast<char>(s >> 8));
      size_bytes.push_back(static_cast<char>(s));
    }
    out->push_back(static_cast<char>((type_bits << 5) | size_code));
    if (type > 7) out->push_back(static_cast<char>(type - 7));
    *out += size_bytes;
  }

  static std::string Encode(const MmdbValue& value) {
    std::string out;
    if (const auto* s = std::get_if<std::string>(&value.v)) {
      Control(&out, 2, s->size());
      out += *s;
    } else if (const auto* d = std::get_if<double>(&value.v)) {
      Control(&out, 3, 8);
      uint64_t bits;
      std::memcpy(&bits, d, 8);
      for (int s = 56; s >= 0; s -= 8)
        out.push_back(static_cast<char>(bits >> s));
    } else if (const auto* f = std::get_if<MmdbValue::Float>(&value.v)) {
      Control(&out, 15, 4);
      uint32_t bits;
      std::memcpy(&bits, &f->value, 4);
      for (int s = 24; s >= 0; s -= 8)
        out.push_back(static_cast<char>(bits >> s));
    } else if (const auto* u16 = std::get_if<MmdbValue::Uint16>(&value.v)) {
      Control(&out, 5, 2);
      out.push_back(static_cast<char>(u16->value >> 8));
      out.push_back(static_cast<char>(u16->value));
    } else if (const auto* u32 = std::get_if<uint32_t>(&value.v)) {
      Control(&out, 6, 4);
      for (int s = 24; s >= 0; s -= 8)
        out.push_back(static_cast<char>(*u32 >> s));
    } else if (const auto* u64 = std::get_if<MmdbValue::Uint64>(&value.v)) {
      Control(&out, 9, 8);
      for (int s = 56; s >= 0; s -= 8) {
        out.push_back(static_cast<char>(u64->value >> s));
      }
    } else if (const auto* b = std::get_if<bool>(&value.v)) {
      Control(&out, 14, *b ? 1 : 0);
    } else if (const auto* m = std::get_if<MmdbValue::Map>(&value.v)) {
      Control(&out, 7, m->size());
      for (const auto& [key, v] : *m) {
        out += Encode(MmdbValue(key));
        out += Encode(v);
      }
    } else if (const auto* a = std::get_if<MmdbValue::Array>(&value.v)) {
      Control(&out, 11, a->size());
      for (const auto& v : *a) out += Encode(v);
    }
    return out;
  }

  int ip_version_;
  std::string database_type_;
  std::vector<std::array<int, 2>> nodes_;
  std::vector<std::string> records_;
};

}  // namespace vigil::testing

#endif  // VIGIL_TESTS_CORE_CONTEXT_MMDB_TEST_WRITER_H_
