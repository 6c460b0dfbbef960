// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "context/mmdb_file.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"

namespace vigil {

absl::StatusOr<std::unique_ptr<MmdbFile>> MmdbFile::Open(
    const std::string& path) {
  std::unique_ptr<MmdbFile> file(new MmdbFile(path));
  errno = 0;
  const int status = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &file->mmdb_);
  if (status == MMDB_SUCCESS) {
    file->open_ = true;
    file->decoder_ =
        MmdbDecoder(file->mmdb_.data_section, file->mmdb_.data_section_size);
    return file;
  }
  // MMDB_open has released what it allocated; ~MmdbFile must not close.
  const int saved_errno = errno;
  switch (status) {
    case MMDB_FILE_OPEN_ERROR:
    case MMDB_IO_ERROR:
      return absl::InvalidArgumentError(absl::StrCat(
          "cannot open MaxMind DB ", path, ": ", MMDB_strerror(status),
          saved_errno != 0 ? absl::StrCat(" (", std::strerror(saved_errno), ")")
                           : ""));
    case MMDB_OUT_OF_MEMORY_ERROR:
      return absl::ResourceExhaustedError(absl::StrCat(
          "cannot open MaxMind DB ", path, ": ", MMDB_strerror(status)));
    default:
      return absl::DataLossError(absl::StrCat("not a valid MaxMind DB: ", path,
                                              ": ", MMDB_strerror(status)));
  }
}

MmdbFile::~MmdbFile() {
  if (open_) MMDB_close(&mmdb_);
}

absl::Status MmdbFile::Lookup(const IpAddress& ip, uint32_t* offset,
                              bool* found) const {
  *found = false;
  sockaddr_storage storage;
  std::memset(&storage, 0, sizeof(storage));
  if (ip.is_v4()) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&storage);
    sin->sin_family = AF_INET;
    sin->sin_addr.s_addr = htonl(ip.v4());
  } else {
    if (ipv4_only()) return absl::OkStatus();
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&storage);
    sin6->sin6_family = AF_INET6;
    std::memcpy(sin6->sin6_addr.s6_addr, ip.bytes().data(), 16);
  }
  int mmdb_error = MMDB_SUCCESS;
  const MMDB_lookup_result_s result = MMDB_lookup_sockaddr(
      &mmdb_, reinterpret_cast<const sockaddr*>(&storage), &mmdb_error);
  if (mmdb_error == MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR) {
    return absl::OkStatus();
  }
  if (mmdb_error != MMDB_SUCCESS) {
    return absl::DataLossError(absl::StrCat("MaxMind DB ", path_,
                                            ": lookup of ", ip.ToString(), ": ",
                                            MMDB_strerror(mmdb_error)));
  }
  if (!result.found_entry) return absl::OkStatus();
  *offset = result.entry.offset;
  *found = true;
  return absl::OkStatus();
}

absl::Status MmdbFile::CorruptRecord(const IpAddress& ip,
                                     const absl::Status& reason) const {
  return absl::DataLossError(
      absl::StrCat("MaxMind DB ", path_, ": corrupt record for ", ip.ToString(),
                   ": ", reason.message()));
}

}  // namespace vigil
