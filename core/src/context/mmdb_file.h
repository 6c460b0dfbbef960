// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// MmdbFile: one MaxMind DB file, memory-mapped read-only through
// libmaxminddb, with lookups by IpAddress and typed reads of record fields
// that turn every libmaxminddb error into an absl::Status naming the file.

#ifndef VIGIL_CORE_SRC_CONTEXT_MMDB_FILE_H_
#define VIGIL_CORE_SRC_CONTEXT_MMDB_FILE_H_

#include <maxminddb.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "vigil/ip_address.h"

namespace vigil {

// Thread-safe: after Open, every method is const and libmaxminddb does not
// mutate an open MMDB_s, so lookups may run concurrently.
class MmdbFile {
 public:
  // Opens and memory-maps `path`. InvalidArgument naming the file if it
  // cannot be opened (missing, unreadable); DataLoss naming the file if it
  // is not a valid MaxMind DB (bad metadata, unknown format).
  static absl::StatusOr<std::unique_ptr<MmdbFile>> Open(
      const std::string& path);

  ~MmdbFile();
  MmdbFile(const MmdbFile&) = delete;
  MmdbFile& operator=(const MmdbFile&) = delete;

  const std::string& path() const { return path_; }
  // True for a database whose tree only holds IPv4 addresses.
  bool ipv4_only() const { return mmdb_.metadata.ip_version == 4; }
  // The metadata's database_type, e.g. "GeoIP2-City".
  absl::string_view database_type() const;

  // Finds the record for `ip`. Sets *found to false (and returns OK) when
  // the database has no record for it, including an IPv6 address in an
  // IPv4-only database. DataLoss naming the file if the search tree is
  // corrupt.
  absl::Status Lookup(const IpAddress& ip, MMDB_entry_s* entry,
                      bool* found) const;

  // Reads the value at `path` (a nullptr-terminated list of map keys and
  // array indexes) below `entry` into `*data`. A path that is absent or
  // does not match the record's shape (e.g. a map key looked up in a
  // string) leaves data->has_data false and returns OK. DataLoss naming the
  // file and `ip` if the record's data is corrupt.
  absl::Status Get(const MMDB_entry_s& entry, const char* const* path,
                   const IpAddress& ip, MMDB_entry_data_s* data) const;

  // An entry that starts at a map or array found by Get, so that several
  // fields below it can be read without walking the path from the top.
  static MMDB_entry_s SubEntry(const MMDB_entry_s& entry,
                               const MMDB_entry_data_s& data) {
    return MMDB_entry_s{entry.mmdb, data.offset};
  }

 private:
  explicit MmdbFile(std::string path) : path_(std::move(path)) {}

  absl::Status CorruptError(const IpAddress& ip, int mmdb_status,
                            const char* const* path) const;

  std::string path_;
  bool open_ = false;
  MMDB_s mmdb_{};
};

// Typed views of a value read by MmdbFile::Get. Each returns false, leaving
// *out alone, when the value is absent or of another type.
bool MmdbString(const MMDB_entry_data_s& data, std::string* out);
// DOUBLE (GeoIP2) or FLOAT (DB-IP).
bool MmdbNumber(const MMDB_entry_data_s& data, double* out);
// Any unsigned or signed integer type that fits in uint32_t.
bool MmdbUint32(const MMDB_entry_data_s& data, uint32_t* out);
bool MmdbBool(const MMDB_entry_data_s& data, bool* out);

}  // namespace vigil

#endif  // VIGIL_CORE_SRC_CONTEXT_MMDB_FILE_H_
