// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// MmdbFile: one MaxMind DB file, memory-mapped read-only through
// libmaxminddb, with lookups by IpAddress that turn every libmaxminddb
// error into an absl::Status naming the file, and a decoder for its
// records.

#ifndef VIGIL_CORE_SRC_CONTEXT_MMDB_FILE_H_
#define VIGIL_CORE_SRC_CONTEXT_MMDB_FILE_H_

#include <maxminddb.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "context/mmdb_decoder.h"
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
  // The metadata's database_type ("GeoLite2-City", ...), build time and
  // node count, for the operator's log.
  const char* database_type() const {
    return mmdb_.metadata.database_type != nullptr
               ? mmdb_.metadata.database_type
               : "";
  }
  int64_t build_epoch() const {
    return static_cast<int64_t>(mmdb_.metadata.build_epoch);
  }
  int64_t node_count() const { return mmdb_.metadata.node_count; }

  // Finds the record for `ip` and sets *offset to where it starts in the
  // data section (read it with decoder()). Sets *found to false (and
  // returns OK) when the database has no record for it, including an IPv6
  // address in an IPv4-only database. DataLoss naming the file if the
  // search tree is corrupt.
  absl::Status Lookup(const IpAddress& ip, uint32_t* offset, bool* found) const;

  // Reads the data section; valid as long as this file.
  const MmdbDecoder& decoder() const { return decoder_; }

  // DataLoss naming the file and `ip`, with the decoder's reason.
  absl::Status CorruptRecord(const IpAddress& ip,
                             const absl::Status& reason) const;

 private:
  explicit MmdbFile(std::string path) : path_(std::move(path)) {}

  std::string path_;
  bool open_ = false;
  MMDB_s mmdb_{};
  MmdbDecoder decoder_;
};

}  // namespace vigil

#endif  // VIGIL_CORE_SRC_CONTEXT_MMDB_FILE_H_
