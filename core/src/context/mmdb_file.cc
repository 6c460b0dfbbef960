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
#include "absl/strings/str_join.h"

namespace vigil {

absl::StatusOr<std::unique_ptr<MmdbFile>> MmdbFile::Open(
    const std::string& path) {
  std::unique_ptr<MmdbFile> file(new MmdbFile(path));
  errno = 0;
  const int status = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &file->mmdb_);
  if (status == MMDB_SUCCESS) {
    file->open_ = true;
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

absl::string_view MmdbFile::database_type() const {
  const char* type = mmdb_.metadata.database_type;
  return type == nullptr ? absl::string_view() : absl::string_view(type);
}

absl::Status MmdbFile::Lookup(const IpAddress& ip, MMDB_entry_s* entry,
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
  *entry = result.entry;
  *found = true;
  return absl::OkStatus();
}

absl::Status MmdbFile::Get(const MMDB_entry_s& entry, const char* const* path,
                           const IpAddress& ip, MMDB_entry_data_s* data) const {
  MMDB_entry_s start = entry;
  const int status = MMDB_aget_value(&start, data, path);
  if (status == MMDB_SUCCESS) return absl::OkStatus();
  data->has_data = false;
  // The record has another shape than the path assumes: not corruption,
  // just a layout without this field.
  if (status == MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR ||
      status == MMDB_INVALID_LOOKUP_PATH_ERROR) {
    return absl::OkStatus();
  }
  return CorruptError(ip, status, path);
}

absl::Status MmdbFile::CorruptError(const IpAddress& ip, int mmdb_status,
                                    const char* const* path) const {
  std::string field;
  for (const char* const* p = path; *p != nullptr; ++p) {
    if (!field.empty()) field.push_back('.');
    field.append(*p);
  }
  return absl::DataLossError(
      absl::StrCat("MaxMind DB ", path_, ": corrupt record for ", ip.ToString(),
                   " at ", field, ": ", MMDB_strerror(mmdb_status)));
}

bool MmdbString(const MMDB_entry_data_s& data, std::string* out) {
  if (!data.has_data || data.type != MMDB_DATA_TYPE_UTF8_STRING) return false;
  out->assign(data.utf8_string, data.data_size);
  return true;
}

bool MmdbNumber(const MMDB_entry_data_s& data, double* out) {
  if (!data.has_data) return false;
  switch (data.type) {
    case MMDB_DATA_TYPE_DOUBLE:
      *out = data.double_value;
      return true;
    case MMDB_DATA_TYPE_FLOAT:
      *out = static_cast<double>(data.float_value);
      return true;
    default:
      return false;
  }
}

bool MmdbUint32(const MMDB_entry_data_s& data, uint32_t* out) {
  if (!data.has_data) return false;
  switch (data.type) {
    case MMDB_DATA_TYPE_UINT16:
      *out = data.uint16;
      return true;
    case MMDB_DATA_TYPE_UINT32:
      *out = data.uint32;
      return true;
    case MMDB_DATA_TYPE_INT32:
      if (data.int32 < 0) return false;
      *out = static_cast<uint32_t>(data.int32);
      return true;
    case MMDB_DATA_TYPE_UINT64:
      if (data.uint64 > UINT32_MAX) return false;
      *out = static_cast<uint32_t>(data.uint64);
      return true;
    default:
      return false;
  }
}

bool MmdbBool(const MMDB_entry_data_s& data, bool* out) {
  if (!data.has_data || data.type != MMDB_DATA_TYPE_BOOLEAN) return false;
  *out = data.boolean;
  return true;
}

}  // namespace vigil
