// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// CreateTotpKeyFileIfMissing: the TOTP key file a service makes on its first
// start when none is configured (vigild: <data_dir>/mfa.key).

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "mfa/keyring.h"
#include "mfa/mfa_records.h"
#include "vigil/mfa.h"
#include "vigil/store.h"

namespace vigil {
namespace {

absl::Status Errno(absl::string_view path, absl::string_view what) {
  return absl::UnavailableError(
      absl::StrCat(path, ": ", what, ": ", std::strerror(errno)));
}

// Writes `text` to a new file `path` (mode 0600): a temporary file, written
// and synced, is hard-linked to `path`, so `path` appears complete or not at
// all and an existing file is never replaced (AlreadyExists).
absl::Status CreateFileExclusively(const std::string& path,
                                   const SecretBytes& text) {
  const std::string tmp = absl::StrCat(path, ".tmp", ::getpid());
  ::unlink(tmp.c_str());
  const int fd =
      ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Errno(tmp, "cannot create");
  absl::string_view data = text.reveal();
  bool ok = ::fchmod(fd, 0600) == 0;  // whatever the umask
  while (ok && !data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) data.remove_prefix(static_cast<size_t>(n));
  }
  ok = ok && ::fsync(fd) == 0;
  if (!ok) {
    absl::Status s = Errno(tmp, "write failed");
    ::close(fd);
    ::unlink(tmp.c_str());
    return s;
  }
  ::close(fd);
  const int linked = ::link(tmp.c_str(), path.c_str());
  const int link_errno = errno;
  ::unlink(tmp.c_str());
  if (linked != 0) {
    if (link_errno == EEXIST) {
      return absl::AlreadyExistsError(absl::StrCat(path, ": exists"));
    }
    errno = link_errno;
    return Errno(path, "cannot create");
  }
  // The new name survives a crash once its folder is synced.
  const std::string dir =
      std::filesystem::path(path).parent_path().empty()
          ? std::string(".")
          : std::filesystem::path(path).parent_path().string();
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return absl::OkStatus();
}

// Whether any user has a TOTP secret (active or being enrolled) in `store`.
absl::StatusOr<bool> HasTotpSecrets(Store* store) {
  std::unique_ptr<StoreIterator> it = store->Scan(Table::kTotp, "", "");
  for (; it->Valid(); it->Next()) {
    internal::MfaUserRecord r;
    if (!r.Decode(it->value())) {
      return absl::DataLossError("store: MFA record is unreadable");
    }
    if (r.totp.has_value() || r.totp_pending.has_value()) return true;
  }
  VIGIL_RETURN_IF_ERROR(it->status());
  return false;
}

}  // namespace

absl::StatusOr<bool> CreateTotpKeyFileIfMissing(Store* store,
                                                const std::string& key_file,
                                                absl::string_view key_id) {
  std::error_code ec;
  if (std::filesystem::exists(key_file, ec)) return false;
  if (ec) {
    return absl::UnavailableError(absl::StrCat(key_file, ": ", ec.message()));
  }
  VIGIL_ASSIGN_OR_RETURN(bool has_secrets, HasTotpSecrets(store));
  if (has_secrets) {
    return absl::FailedPreconditionError(absl::StrCat(
        key_file,
        ": the TOTP key file is missing, but the store holds TOTP secrets "
        "encrypted under it; restore the file (or set [mfa] key_file to "
        "where it is) rather than start with a new key that cannot decrypt "
        "them"));
  }
  VIGIL_ASSIGN_OR_RETURN(internal::KeyRing ring,
                         internal::KeyRing::Generate(key_id));
  absl::Status created = CreateFileExclusively(key_file, ring.Serialize());
  if (absl::IsAlreadyExists(created)) return false;  // made meanwhile
  VIGIL_RETURN_IF_ERROR(created);
  return true;
}

}  // namespace vigil
