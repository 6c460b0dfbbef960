// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Fuzz target: the MaxMind DB data-section decoder (core/src/context/
// mmdb_decoder.cc) and the record readers on top of it (maxmind_geo.cc
// ReadCityRecord, ReadAsnRecord, ReadAnonymousIpRecord), with malformed
// records in an otherwise valid database.
//
// Input: byte 0 picks the database (bits 0-1: GeoIP2 City, GeoLite2 ASN,
// GeoIP2 Anonymous IP test database), bit 7 whether the original data after
// the record is kept; byte 1 picks one of the addresses the database has a
// record for; the rest is the record. The record's bytes replace the data
// section at the offset the search tree gives for that address (the tree and
// the metadata stay as they are), so the fuzzed record may point into the
// real data before it (and after it, with bit 7).
//
// Invariants:
//   - Decoder, on an exact-size heap copy of the spliced data section (so an
//     over-read is an ASan report): every call returns OK or DataLoss with a
//     reason; every item it hands out lies inside the section (maps and
//     arrays with a plausible count, strings inside, fixed-size types of
//     their size); the typed views agree with the raw bytes; ForEachEntry
//     and Find agree (the first entry of a key is what Find returns, an
//     absent key is not found, and Find fails only where ForEachEntry did).
//   - Readers, through the real MmdbFile (libmaxminddb opens the spliced
//     file and its tree maps the address to the fuzzed record): the file
//     opens, the lookup finds the record at the same offset, and each reader
//     returns OK or DataLoss "MaxMind DB <file>: corrupt record for <ip>:
//     <reason>"; a record whose top-level map the decoder cannot walk is an
//     error for every reader, one it can walk is fine for the ASN and the
//     anonymous-IP readers, and the ASN reader reports what the walk saw.
//     Strings read are never longer than the section.

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "context/maxmind_geo.h"
#include "context/mmdb_decoder.h"
#include "context/mmdb_file.h"
#include "fuzz_check.h"
#include "vigil/ip_address.h"

namespace {

using vigil::IpAddress;
using vigil::MmdbDecoder;
using vigil::MmdbItem;
using vigil::MmdbType;

// The records looked at per input (pointers can make a record a DAG whose
// walk grows exponentially with depth).
constexpr int kVisitBudget = 4096;
constexpr int kMaxWalkDepth = 8;
constexpr size_t kMaxRecordBytes = 64 * 1024;

// Addresses of the MaxMind test databases' source data; each database keeps
// those it has a record for.
constexpr const char* kAddresses[] = {
    "81.2.69.160",   "81.2.69.142",   "2.125.160.216", "89.160.20.112",
    "89.160.20.130", "175.16.199.10", "216.160.83.57", "214.0.1.5",
    "67.43.156.1",   "1.128.0.1",     "12.81.92.1",    "149.101.100.1",
    "1.2.0.1",       "71.160.223.1",  "2001:218::1",   "2a02:cf40::1",
    "2001:480::1",   "81.2.69.0",     "186.30.236.1",  "65.4.3.2"};

struct Source {
  std::string name;
  std::string head;  // the search tree and the 16-byte separator
  std::string data;  // the data section
  std::string tail;  // the metadata marker and the metadata
  // How much of `tail` libmaxminddb counts as part of the data section (its
  // data_section_size, which MmdbFile gives the decoder as the bound).
  size_t tail_in_section = 0;
  std::vector<std::pair<IpAddress, uint32_t>> records;  // address, offset
};

std::vector<Source> LoadSources() {
  const std::string dir = VIGIL_TESTDATA_DIR "/maxmind/";
  std::vector<Source> sources;
  for (const char* name : {"GeoIP2-City-Test.mmdb", "GeoLite2-ASN-Test.mmdb",
                           "GeoIP2-Anonymous-IP-Test.mmdb"}) {
    const std::string path = dir + name;
    MMDB_s mmdb;
    const int rc = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &mmdb);
    FUZZ_CHECK(rc == MMDB_SUCCESS,
               "the MaxMind test databases are needed: %s: %s (set "
               "VIGIL_TESTDATA_DIR)",
               path.c_str(), MMDB_strerror(rc));
    Source s;
    s.name = name;
    const char* file = reinterpret_cast<const char*>(mmdb.file_content);
    const size_t data_start = mmdb.data_section - mmdb.file_content;
    const size_t meta_start = mmdb.metadata_section - mmdb.file_content -
                              14;  // "\xab\xcd\xefMaxMind.com"
    FUZZ_CHECK(
        std::memcmp(file + meta_start, "\xab\xcd\xefMaxMind.com", 14) == 0,
        "%s: no metadata marker", name);
    s.head.assign(file, data_start);
    s.data.assign(file + data_start, meta_start - data_start);
    s.tail.assign(file + meta_start, mmdb.file_size - meta_start);
    FUZZ_CHECK(mmdb.data_section_size >= s.data.size() &&
                   mmdb.data_section_size <= s.data.size() + s.tail.size(),
               "%s: data section of %u bytes", name, mmdb.data_section_size);
    s.tail_in_section = mmdb.data_section_size - s.data.size();
    for (const char* text : kAddresses) {
      int gai = 0, err = 0;
      MMDB_lookup_result_s r = MMDB_lookup_string(&mmdb, text, &gai, &err);
      if (gai != 0 || err != MMDB_SUCCESS || !r.found_entry) continue;
      s.records.emplace_back(*IpAddress::Parse(text), r.entry.offset);
    }
    MMDB_close(&mmdb);
    FUZZ_CHECK(!s.records.empty(), "%s: none of the addresses has a record",
               name);
    sources.push_back(std::move(s));
  }
  return sources;
}

const std::vector<Source>& Sources() {
  static const auto* const sources = new std::vector<Source>(LoadSources());
  return *sources;
}

// A file descriptor in memory for the spliced database; libmaxminddb opens
// it by its /proc/self/fd path.
struct MemFile {
  int fd = -1;
  std::string path;
};

const MemFile& Mem() {
  static const MemFile* const mem = [] {
    auto* m = new MemFile;
    m->fd = memfd_create("vigil-mmdb-fuzz", 0);
    FUZZ_CHECK(m->fd >= 0, "memfd_create");
    m->path = absl::StrCat("/proc/self/fd/", m->fd);
    return m;
  }();
  return *mem;
}

void WriteMem(const std::string& bytes) {
  const MemFile& m = Mem();
  FUZZ_CHECK(ftruncate(m.fd, 0) == 0, "ftruncate");
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = pwrite(m.fd, bytes.data() + done, bytes.size() - done,
                             static_cast<off_t>(done));
    FUZZ_CHECK(n > 0, "pwrite");
    done += static_cast<size_t>(n);
  }
}

bool CleanError(const absl::Status& s) {
  return absl::IsDataLoss(s) && !s.message().empty();
}

bool SameItem(const MmdbItem& a, const MmdbItem& b) {
  return a.type == b.type && a.size == b.size && a.offset == b.offset;
}

uint64_t BigEndian(const uint8_t* p, uint32_t n) {
  uint64_t v = 0;
  for (uint32_t i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}

// Walks decoded items with every public call of the decoder.
class Walker {
 public:
  Walker(const MmdbDecoder& dec, const uint8_t* data, uint32_t size)
      : dec_(dec), data_(data), size_(size) {}

  // Checks a resolved item and what can be read from it.
  void Check(const MmdbItem& item, int depth) {
    if (++visits_ > kVisitBudget || depth > kMaxWalkDepth) return;
    const uint32_t remaining = item.offset <= size_ ? size_ - item.offset : 0;
    FUZZ_CHECK(item.offset <= size_, "item at %u past the section (%u)",
               item.offset, size_);
    absl::string_view text;
    double number;
    uint32_t u32;
    bool b;
    switch (item.type) {
      case MmdbType::kString:
      case MmdbType::kBytes:
        FUZZ_CHECK(item.size <= remaining, "string past the section");
        if (item.type == MmdbType::kString) {
          FUZZ_CHECK(dec_.String(item, &text), "String refused a string");
          FUZZ_CHECK(text.data() == reinterpret_cast<const char*>(data_) +
                                        item.offset &&
                         text.size() == item.size,
                     "String view elsewhere");
        }
        break;
      case MmdbType::kDouble:
      case MmdbType::kFloat:
        FUZZ_CHECK(item.size == (item.type == MmdbType::kDouble ? 8u : 4u),
                   "floating-point size %u", item.size);
        FUZZ_CHECK(item.size <= remaining, "number past the section");
        FUZZ_CHECK(dec_.Number(item, &number), "Number refused a number");
        break;
      case MmdbType::kUint16:
      case MmdbType::kUint32:
      case MmdbType::kUint64:
      case MmdbType::kUint128:
      case MmdbType::kInt32: {
        const uint32_t max = item.type == MmdbType::kUint16    ? 2
                             : item.type == MmdbType::kUint64  ? 8
                             : item.type == MmdbType::kUint128 ? 16
                                                               : 4;
        FUZZ_CHECK(item.size <= max && item.size <= remaining,
                   "integer of %u bytes", item.size);
        // What the bytes say, independently of the decoder.
        bool fits = true;
        uint64_t value = 0;
        for (uint32_t i = 0; i < item.size; ++i) {
          if (item.size - i > 4 && data_[item.offset + i] != 0) fits = false;
        }
        const uint32_t low = item.size < 4 ? item.size : 4;
        value = BigEndian(data_ + item.offset + item.size - low, low);
        if (item.type == MmdbType::kInt32) {
          value = BigEndian(data_ + item.offset, item.size);
          fits = !(item.size == 4 && (value & 0x80000000u));
        }
        u32 = 0xdeadbeef;
        const bool ok = dec_.Uint32(item, &u32);
        FUZZ_CHECK(ok == fits, "Uint32 %d, bytes say %d", ok, fits);
        FUZZ_CHECK(!ok || u32 == value, "Uint32 %u, bytes say %llu", u32,
                   static_cast<unsigned long long>(value));
        break;
      }
      case MmdbType::kBool:
        FUZZ_CHECK(item.size <= 1, "bool %u", item.size);
        FUZZ_CHECK(dec_.Bool(item, &b) && b == (item.size == 1), "Bool");
        break;
      case MmdbType::kArray:
        FUZZ_CHECK(item.size <= remaining, "array of %u in %u bytes", item.size,
                   remaining);
        if (item.size > 0) {
          MmdbItem first;
          absl::Status s = dec_.Resolve(item.offset, &first);
          FUZZ_CHECK(s.ok() || CleanError(s), "Resolve: %s",
                     s.ToString().c_str());
          if (s.ok()) Check(first, depth + 1);
        }
        break;
      case MmdbType::kMap:
        FUZZ_CHECK(uint64_t{item.size} * 2 <= remaining,
                   "map of %u in %u bytes", item.size, remaining);
        CheckMap(item, depth);
        break;
      default:
        FUZZ_CHECK(false, "resolved item of type %d",
                   static_cast<int>(item.type));
    }
    // Typed views refuse other types.
    if (item.type != MmdbType::kString) {
      FUZZ_CHECK(!dec_.String(item, &text), "String of type %d",
                 static_cast<int>(item.type));
    }
    if (item.type != MmdbType::kBool) FUZZ_CHECK(!dec_.Bool(item, &b), "Bool");
    if (item.type != MmdbType::kDouble && item.type != MmdbType::kFloat) {
      FUZZ_CHECK(!dec_.Number(item, &number), "Number");
    }
  }

  // The entries of `map` (a resolved kMap) as ForEachEntry gives them, and
  // whether it got through them all.
  bool Entries(const MmdbItem& map,
               std::vector<std::pair<std::string, MmdbItem>>* out) {
    out->clear();
    absl::Status s =
        dec_.ForEachEntry(map, [&](absl::string_view key, const MmdbItem& v) {
          FUZZ_CHECK(key.data() >= reinterpret_cast<const char*>(data_) &&
                         key.data() + key.size() <=
                             reinterpret_cast<const char*>(data_) + size_,
                     "key outside the section");
          FUZZ_CHECK(v.type != MmdbType::kPointer, "unresolved value");
          out->emplace_back(std::string(key), v);
        });
    FUZZ_CHECK(s.ok() || CleanError(s), "ForEachEntry: %s",
               s.ToString().c_str());
    if (s.ok()) {
      FUZZ_CHECK(out->size() == map.size, "%zu entries of %u", out->size(),
                 map.size);
    }
    return s.ok();
  }

  int visits() const { return visits_; }

 private:
  void CheckMap(const MmdbItem& map, int depth) {
    std::vector<std::pair<std::string, MmdbItem>> entries;
    const bool complete = Entries(map, &entries);
    std::map<std::string, MmdbItem> first;
    for (const auto& [key, value] : entries) first.emplace(key, value);
    for (const auto& [key, value] : first) {
      MmdbItem found;
      bool has = false;
      absl::Status s = dec_.Find(map, key, &found, &has);
      FUZZ_CHECK(s.ok() && has,
                 "Find(\"%s\") failed where ForEachEntry got it: %s",
                 key.c_str(), s.ToString().c_str());
      FUZZ_CHECK(SameItem(found, value), "Find(\"%s\") differs", key.c_str());
    }
    MmdbItem found;
    bool has = true;
    absl::Status s = dec_.Find(map, "\x01no such key", &found, &has);
    FUZZ_CHECK(s.ok() || CleanError(s), "Find: %s", s.ToString().c_str());
    // An absent key is never found; a walk that failed part-way does not
    // prove a key absent (Find stops at the first match, so it may succeed
    // where ForEachEntry did not; the found value is checked like any).
    FUZZ_CHECK(!has || !complete || first.count("\x01no such key") == 1,
               "found an absent key");
    if (complete) FUZZ_CHECK(s.ok(), "Find failed where ForEachEntry did not");
    if (s.ok() && has && !complete) Check(found, depth + 1);
    for (const auto& [key, value] : entries) Check(value, depth + 1);
  }

  const MmdbDecoder& dec_;
  const uint8_t* data_;
  uint32_t size_;
  int visits_ = 0;
};

void CheckStrings(const vigil::GeoInfo& g, size_t limit) {
  for (const std::string* s :
       {&g.country, &g.city, &g.region, &g.time_zone, &g.asn_org}) {
    FUZZ_CHECK(s->size() <= limit, "a string of %zu bytes from %zu", s->size(),
               limit);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  if (size < 3 || size - 2 > kMaxRecordBytes) return 0;
  const std::vector<Source>& sources = Sources();
  const Source& src = sources[(bytes[0] & 3) % sources.size()];
  const bool keep_after = (bytes[0] & 0x80) != 0;
  const IpAddress ip = src.records[bytes[1] % src.records.size()].first;
  const uint32_t offset = src.records[bytes[1] % src.records.size()].second;
  const absl::string_view record(reinterpret_cast<const char*>(bytes) + 2,
                                 size - 2);

  // The spliced data section: the real data before the record, the record,
  // and (bit 7) the real data after it.
  std::string data = src.data.substr(0, offset);
  data.append(record.data(), record.size());
  if (keep_after && offset + record.size() < src.data.size()) {
    data.append(src.data, offset + record.size());
  }
  // The section as MmdbFile's decoder sees it (up to the end of the file),
  // in an exact-size heap copy: the decoder on it, then the readers on the
  // file, read the same bytes with the same bounds.
  const std::string section = data + src.tail.substr(0, src.tail_in_section);
  const uint32_t data_size = static_cast<uint32_t>(section.size());
  std::unique_ptr<uint8_t[]> heap(new uint8_t[section.size()]);
  std::memcpy(heap.get(), section.data(), section.size());
  const MmdbDecoder dec(heap.get(), data_size);
  Walker walker(dec, heap.get(), data_size);
  MmdbItem top;
  absl::Status resolved = dec.Resolve(offset, &top);
  FUZZ_CHECK(resolved.ok() || CleanError(resolved), "Resolve: %s",
             resolved.ToString().c_str());
  bool top_walks = false;  // a map whose entries ForEachEntry gets through
  std::vector<std::pair<std::string, MmdbItem>> entries;
  if (resolved.ok()) {
    FUZZ_CHECK(top.type != MmdbType::kPointer, "Resolve gave a pointer");
    walker.Check(top, 0);
    top_walks = top.type != MmdbType::kMap || walker.Entries(top, &entries);
  }

  // The readers through libmaxminddb and MmdbFile.
  WriteMem(src.head + data + src.tail);
  absl::StatusOr<std::unique_ptr<vigil::MmdbFile>> file =
      vigil::MmdbFile::Open(Mem().path);
  FUZZ_CHECK(file.ok(), "the spliced %s does not open: %s", src.name.c_str(),
             file.status().ToString().c_str());
  uint32_t found_offset = 0;
  bool found = false;
  absl::Status looked = (*file)->Lookup(ip, &found_offset, &found);
  FUZZ_CHECK(looked.ok() && found && found_offset == offset,
             "lookup of %s: %s, found %d at %u (want %u)",
             ip.ToString().c_str(), looked.ToString().c_str(), found,
             found_offset, offset);
  const std::string prefix = absl::StrCat(
      "MaxMind DB ", Mem().path, ": corrupt record for ", ip.ToString(), ": ");
  auto check_error = [&](const absl::Status& s, const char* reader) {
    FUZZ_CHECK(s.ok() || (absl::IsDataLoss(s) &&
                          absl::StartsWith(s.message(), prefix) &&
                          s.message().size() > prefix.size()),
               "%s: %s", reader, s.ToString().c_str());
    if (!resolved.ok() || !top_walks) {
      FUZZ_CHECK(!s.ok(), "%s read a record the decoder cannot walk", reader);
    }
  };

  vigil::GeoInfo city;
  absl::Status s = vigil::ReadCityRecord(**file, offset, ip, &city);
  check_error(s, "ReadCityRecord");
  CheckStrings(city, section.size());

  vigil::GeoInfo asn;
  bool has_asn = false;
  s = vigil::ReadAsnRecord(**file, offset, ip, &asn, &has_asn);
  check_error(s, "ReadAsnRecord");
  CheckStrings(asn, section.size());
  if (resolved.ok() && top_walks) {
    FUZZ_CHECK(s.ok(), "ReadAsnRecord: %s", s.ToString().c_str());
    // What the walk saw: the last entry of each key counts.
    bool want_asn = false;
    uint32_t want_number = 0;
    std::string want_org;
    bool org_ok = false;
    for (const auto& [key, value] : entries) {
      if (key == "autonomous_system_number") {
        want_asn = dec.Uint32(value, &want_number);
      } else if (key == "autonomous_system_organization") {
        absl::string_view org;
        org_ok = dec.String(value, &org);
        if (org_ok) want_org = std::string(org);
      }
    }
    FUZZ_CHECK(has_asn == want_asn, "has_asn %d, walk says %d", has_asn,
               want_asn);
    if (want_asn) {
      FUZZ_CHECK(asn.asn == want_number, "asn %u, walk says %u", asn.asn,
                 want_number);
      FUZZ_CHECK(asn.asn_org == (org_ok ? want_org : ""), "asn_org differs");
    }
  }

  vigil::GeoInfo anonymous;
  s = vigil::ReadAnonymousIpRecord(**file, offset, ip, &anonymous);
  check_error(s, "ReadAnonymousIpRecord");
  if (resolved.ok() && top_walks) {
    FUZZ_CHECK(s.ok(), "ReadAnonymousIpRecord: %s", s.ToString().c_str());
  }
  return 0;
}
