// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/mfa_key_setup.h"

#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "vigil/mfa.h"

namespace vigil::service {

absl::StatusOr<bool> CreateMfaKeyFile(Store* store, const std::string& path,
                                      std::string* key_id) {
  // The id `vigil keys rotate` would give it.
  *key_id = absl::StrCat(
      "k", absl::FormatTime("%Y%m%dT%H%M%S", absl::Now(), absl::UTCTimeZone()));
  absl::StatusOr<bool> created =
      CreateTotpKeyFileIfMissing(store, path, *key_id);
  if (!created.ok()) {
    return absl::Status(
        created.status().code(),
        absl::StrCat("mfa.key_file: ", created.status().message()));
  }
  return created;
}

absl::StatusOr<std::string> SetUpMfaKeyFile(const ServiceConfig& config,
                                            Store* store, Logger* logger) {
  Logger& log = *OrDefault(logger);
  if (!config.mfa_key_file.empty()) {
    log.Log(LogLevel::kInfo, "mfa_key_file", "",
            {{"path", config.mfa_key_file}, {"source", "config"}});
    return config.mfa_key_file;
  }
  const std::string path =
      (std::filesystem::path(config.data_dir) / kDefaultMfaKeyFileName)
          .string();
  std::string key_id;
  absl::StatusOr<bool> created = CreateMfaKeyFile(store, path, &key_id);
  if (!created.ok()) return created.status();
  if (*created) {
    // Loud: a warning, whatever [log] level says is the least.
    log.Write(
        LogLevel::kWarn, "mfa_key_file_created",
        absl::StrCat(
            "[mfa] key_file is not set: created the TOTP key file ", path,
            " (mode 0600, one random AES-256 key). It encrypts every TOTP "
            "secret. LOSING IT LOSES EVERY TOTP ENROLMENT (users would have "
            "to enrol again): back it up, apart from the database. It lies "
            "beside the data it protects; to keep them apart, stop vigild, "
            "move the file to a secret store (e.g. /etc/vigil/mfa.key, owned "
            "by vigild's user, mode 0600, or a mounted secret), set [mfa] "
            "key_file to its path, start vigild. Rotate it with `vigil keys "
            "rotate --key-file FILE --data-dir DIR`."),
        {{"path", path}, {"key_id", key_id}});
  } else {
    log.Log(LogLevel::kInfo, "mfa_key_file",
            absl::StrCat("TOTP key file ", path,
                         " (made on the first start; [mfa] key_file is not "
                         "set)"),
            {{"path", path}, {"source", "data_dir"}});
  }
  return path;
}

}  // namespace vigil::service
