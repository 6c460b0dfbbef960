// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/mfa_key_setup.h"

#include <cstdio>
#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "vigil/mfa.h"

namespace vigil::service {

absl::StatusOr<std::string> SetUpMfaKeyFile(const ServiceConfig& config,
                                            Store* store) {
  if (!config.mfa_key_file.empty()) return config.mfa_key_file;
  const std::string path =
      (std::filesystem::path(config.data_dir) / kDefaultMfaKeyFileName)
          .string();
  // The id `vigil keys rotate` would give it.
  const std::string key_id = absl::StrCat(
      "k", absl::FormatTime("%Y%m%dT%H%M%S", absl::Now(), absl::UTCTimeZone()));
  absl::StatusOr<bool> created =
      CreateTotpKeyFileIfMissing(store, path, key_id);
  if (!created.ok()) {
    return absl::Status(
        created.status().code(),
        absl::StrCat("mfa.key_file: ", created.status().message()));
  }
  if (*created) {
    std::fprintf(
        stderr,
        "vigild: "
        "****************************************************************\n"
        "vigild: [mfa] key_file is not set: created the TOTP key file\n"
        "vigild:   %s (mode 0600, one random AES-256 key).\n"
        "vigild: It encrypts every TOTP secret. LOSING IT LOSES EVERY TOTP\n"
        "vigild: ENROLMENT (users would have to enrol again): back it up, "
        "apart\n"
        "vigild: from the database. It lies beside the data it protects; to "
        "keep\n"
        "vigild: them apart, stop vigild, move the file to a secret store "
        "(e.g.\n"
        "vigild: /etc/vigil/mfa.key, owned by vigild's user, mode 0600, or a\n"
        "vigild: mounted secret), set [mfa] key_file to its path, start "
        "vigild.\n"
        "vigild: Rotate it with `vigil keys rotate --key-file FILE --data-dir "
        "DIR`.\n"
        "vigild: "
        "****************************************************************\n",
        path.c_str());
  } else {
    std::fprintf(stderr,
                 "vigild: TOTP key file %s (made on the first start; [mfa] "
                 "key_file is not set)\n",
                 path.c_str());
  }
  return path;
}

}  // namespace vigil::service
