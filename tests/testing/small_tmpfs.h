// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// A small tmpfs for full-disk tests: mounted on a temporary folder when the
// test runs as root (unmounted and removed again on destruction), and a filler
// file that takes every free byte of it.

#ifndef VIGIL_TESTS_TESTING_SMALL_TMPFS_H_
#define VIGIL_TESTS_TESTING_SMALL_TMPFS_H_

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace vigil::testing {

class SmallTmpfs {
 public:
  // Mounts a tmpfs of `megabytes` on a new folder under /tmp. Fails (the
  // caller skips) when not root or when the mount is refused.
  static absl::StatusOr<std::unique_ptr<SmallTmpfs>> Mount(int megabytes) {
    if (geteuid() != 0) {
      return absl::FailedPreconditionError(
          "needs root to mount a small tmpfs (run the test as root)");
    }
    char pattern[] = "/tmp/vigil-tmpfs-XXXXXX";
    if (mkdtemp(pattern) == nullptr) {
      return absl::InternalError(
          absl::StrCat("mkdtemp: ", std::strerror(errno)));
    }
    const std::string options = absl::StrCat("size=", megabytes, "m,mode=0755");
    if (mount("tmpfs", pattern, "tmpfs", 0, options.c_str()) != 0) {
      const int error = errno;
      rmdir(pattern);
      return absl::FailedPreconditionError(
          absl::StrCat("cannot mount a tmpfs: ", std::strerror(error)));
    }
    return std::unique_ptr<SmallTmpfs>(new SmallTmpfs(pattern));
  }
  ~SmallTmpfs() {
    umount2(path_.c_str(), MNT_DETACH);
    rmdir(path_.c_str());
  }
  SmallTmpfs(const SmallTmpfs&) = delete;
  SmallTmpfs& operator=(const SmallTmpfs&) = delete;

  const std::string& path() const { return path_; }
  std::string filler_path() const { return path_ + "/filler"; }

  // Bytes still free.
  uint64_t FreeBytes() const {
    struct statvfs s {};
    if (statvfs(path_.c_str(), &s) != 0) return 0;
    return static_cast<uint64_t>(s.f_bavail) * s.f_frsize;
  }

  // Appends to the filler file until the file system is full (ENOSPC). OK
  // once no byte is free.
  absl::Status Fill() const {
    const int fd = open(filler_path().c_str(),
                        O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
      return absl::InternalError(
          absl::StrCat("filler: ", std::strerror(errno)));
    }
    static const std::string block(64 << 10, 'f');
    size_t chunk = block.size();
    while (chunk > 0) {
      const ssize_t n = write(fd, block.data(), chunk);
      if (n < 0 && errno == ENOSPC) {
        chunk /= 2;  // the last pages, in smaller writes
      } else if (n < 0 && errno != EINTR) {
        const int error = errno;
        close(fd);
        return absl::InternalError(
            absl::StrCat("filler: ", std::strerror(error)));
      }
    }
    close(fd);
    return FreeBytes() == 0
               ? absl::OkStatus()
               : absl::InternalError(absl::StrCat("filler: ", FreeBytes(),
                                                  " bytes still free"));
  }
  // Deletes the filler file: the space comes back.
  void Unfill() const { std::filesystem::remove(filler_path()); }

 private:
  explicit SmallTmpfs(std::string path) : path_(std::move(path)) {}
  const std::string path_;
};

}  // namespace vigil::testing

#endif  // VIGIL_TESTS_TESTING_SMALL_TMPFS_H_
