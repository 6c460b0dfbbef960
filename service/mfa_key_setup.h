// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// service/mfa_key_setup.h: the TOTP key file, so that MFA works out of the
// box. With [mfa] key_file set, that file is used as it is. Without it,
// vigild uses <data_dir>/mfa.key and creates it on its first start (one
// random AES-256 key, mode 0600), saying loudly on stderr where it is and
// how to move it to a secret store; later starts reuse it. A missing
// mfa.key while the store holds TOTP secrets stops the start (they would be
// undecryptable under a new key).

#ifndef VIGIL_SERVICE_MFA_KEY_SETUP_H_
#define VIGIL_SERVICE_MFA_KEY_SETUP_H_

#include <string>

#include "absl/status/statusor.h"
#include "service/config.h"
#include "vigil/store.h"

namespace vigil::service {

// The file name under data_dir used when [mfa] key_file is empty.
inline constexpr char kDefaultMfaKeyFileName[] = "mfa.key";

// Creates a TOTP key file at `path` with one new key (the id `vigil keys
// rotate` would give it, in `*key_id`) unless one is there; true if it made
// one. Errors start with "mfa.key_file: ".
absl::StatusOr<bool> CreateMfaKeyFile(Store* store, const std::string& path,
                                      std::string* key_id);

// The key file the engine should read: [mfa] key_file if set; otherwise
// <data_dir>/mfa.key, created first if missing. `store` is the open store
// of data_dir (its lock makes this vigild the only one creating the file).
absl::StatusOr<std::string> SetUpMfaKeyFile(const ServiceConfig& config,
                                            Store* store,
                                            Logger* logger = nullptr);

}  // namespace vigil::service

#endif  // VIGIL_SERVICE_MFA_KEY_SETUP_H_
