// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// vigil/pwned.h: is a password in a breach corpus? With k-anonymity: only
// the first 5 hex digits of a hash ever leave the process.
//
// PasswordChecker is the interface the engine uses. Two implementations:
//
//   - BreachCorpus, a local corpus in the Store (Table::kPwned) keyed by the
//     5-hex prefix of the hash, which can also answer Pwned-Passwords range
//     queries and is filled by Import() (`vigil pwned import`);
//   - CreateRemoteChecker(), a client of any Pwned-Passwords-compatible range
//     server (another vigild, or the public service) that sends only the
//     prefix, asks for padding, caches prefixes for a while, times out, and
//     fails open or closed.
//
//   auto corpus = vigil::OpenBreachCorpus(store);
//   absl::StatusOr<vigil::PasswordCheck> r =
//       (*corpus)->Check(vigil::HashKind::kSha1, "5BAA61E4C9B9...");
//
// Hashes are given as hex (either case) and are never logged, stored or put
// into an error message.

#ifndef VIGIL_PWNED_H_
#define VIGIL_PWNED_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "vigil/clock.h"
#include "vigil/log.h"
#include "vigil/store.h"

namespace vigil {

// The two kinds of corpus, kept apart: SHA-1 (40 hex) and NTLM (32 hex).
enum class HashKind : uint8_t { kSha1, kNtlm };
// "sha1", "ntlm".
absl::string_view HashKindName(HashKind kind);
// Hex digits of a whole hash of `kind`: 40 or 32.
int HashHexLength(HashKind kind);

struct PasswordCheck {
  // The hash is in the corpus (or the check failed closed, see `degraded`).
  bool compromised = false;
  // How often the corpus saw the password; 0 if not found or unknown.
  int64_t count = 0;
  // The configured source could not answer: the result comes from the
  // fallback corpus, or is the fail-open / fail-closed default.
  bool degraded = false;
};

// Thread-safe.
class PasswordChecker {
 public:
  virtual ~PasswordChecker() = default;

  // Looks up a whole hash of `kind`, in hex of either case. InvalidArgument
  // (naming no digit of it) if it is not HashHexLength(kind) hex digits;
  // Unavailable if the corpus could not be read and no failure mode applies.
  virtual absl::StatusOr<PasswordCheck> Check(HashKind kind,
                                              absl::string_view hex_hash) const = 0;
};

// One row of a range answer: the rest of the hash after the 5-hex prefix, in
// upper-case hex (35 digits for SHA-1, 27 for NTLM), and its count.
struct RangeEntry {
  std::string suffix;
  int64_t count = 0;
};

// How Import reads its files.
enum class ImportFormat : uint8_t {
  kAuto,   // per file, from its first line and its name
  kDump,   // "HASH:COUNT" per line (the Pwned Passwords download), any order
  kRange,  // "SUFFIX:COUNT" per line; the prefix is the file name's first 5 hex
  kPlain,  // one password per line, hashed with SHA-1 on import (count 1 each)
};

struct ImportOptions {
  HashKind kind = HashKind::kSha1;
  ImportFormat format = ImportFormat::kAuto;
  // A corrupt line: false stops the import (nothing of it becomes visible);
  // true skips the line and counts it.
  bool skip_bad_lines = false;
  // Where unsorted input is spilled in sorted runs; empty: the system's
  // temporary folder.
  std::string temp_dir;
  // Records held in memory when the input is unsorted (32 bytes each); the
  // import's memory is bounded by this, not by the input.
  size_t sort_buffer_records = size_t{1} << 20;
  // Recorded with the corpus (e.g. "cli", "seed"), see CorpusInfo.
  std::string source;
  // Recorded with the corpus: what it was built from, e.g. a file checksum.
  std::string fingerprint;
  // Called now and then while the files are read (every 64Ki lines, and once
  // at the end of reading) with the lines read so far and the share of the
  // input's bytes read (-1 if a file's size is unknown, e.g. a pipe). On the
  // importing thread; may be empty.
  std::function<void(int64_t lines, double fraction)> on_progress;
};

struct ImportStats {
  int64_t lines = 0;        // lines read (empty ones included)
  int64_t hashes = 0;       // distinct hashes in the new corpus
  int64_t prefixes = 0;     // prefixes that have at least one hash
  int64_t skipped_lines = 0;
  bool was_sorted = true;   // no external sort was needed
};

// What the current corpus of one kind is.
struct CorpusInfo {
  bool present = false;  // an import has completed
  int64_t hashes = 0;
  int64_t prefixes = 0;
  std::string source;
  std::string fingerprint;
};

// The local corpus in a Store. Thread-safe; Check and Range may run while an
// Import is under way and see the previous corpus until it completes.
class BreachCorpus : public PasswordChecker {
 public:
  // Whole hash -> found or not, and the count. A store failure is
  // Unavailable.
  absl::StatusOr<PasswordCheck> Check(HashKind kind,
                                      absl::string_view hex_hash) const override = 0;

  // The rows of one 5-hex prefix (either case), sorted by suffix.
  // InvalidArgument for anything but 5 hex digits.
  virtual absl::Status Range(HashKind kind, absl::string_view prefix,
                             std::vector<RangeEntry>* out) const = 0;

  // Replaces the corpus of `options.kind` with the contents of `files`, in
  // memory bounded independently of their size. Atomic: until it returns OK
  // the previous corpus stays in place and complete, also if the process is
  // killed; a failed import leaves nothing of itself visible. A corrupt line
  // is InvalidArgument "FILE:LINE: reason" (unless skip_bad_lines); input
  // without a single hash is InvalidArgument too (it would empty the corpus).
  // Importing the same files again gives the same corpus. One import at a
  // time per corpus.
  virtual absl::StatusOr<ImportStats> Import(const std::vector<std::string>& files,
                                             const ImportOptions& options) = 0;

  virtual absl::StatusOr<CorpusInfo> Info(HashKind kind) const = 0;
};

// The corpus in `store` (empty until something is imported). Fails only if
// the store cannot be read or holds an unreadable corpus record.
absl::StatusOr<std::unique_ptr<BreachCorpus>> OpenBreachCorpus(
    std::shared_ptr<Store> store);

struct RemoteCheckerOptions {
  // The server: "http://HOST[:PORT]" or "https://HOST[:PORT]" optionally
  // followed by a path prefix; queries go to BASE/range/{prefix} (with
  // ?mode=ntlm for NTLM), e.g. "https://api.pwnedpasswords.com".
  std::string base_url;
  // https only: a PEM file of the CAs to trust; empty: the system's. The
  // server's certificate must match its host name or IP address.
  std::string ca_file;
  // Connecting, sending and reading one response together.
  absl::Duration timeout = absl::Seconds(2);
  // How long a fetched prefix is reused; 0: never cached.
  absl::Duration cache_ttl = absl::Minutes(10);
  // Most prefixes kept in the cache.
  size_t cache_entries = 100000;
  // When the server cannot answer (and the fallback does not find the hash):
  // true answers "not compromised", false answers "compromised"; either
  // way the result is marked degraded.
  bool fail_open = true;
  // Consulted when the server cannot answer. May be null.
  std::shared_ptr<const PasswordChecker> fallback;
  // Time for the cache. If null, RealClock(). Not owned.
  const Clock* clock = nullptr;
  // Told when the server stops answering (pwned_remote_unavailable, once
  // per outage) and answers again (pwned_remote_recovered); null:
  // DefaultLogger().
  std::shared_ptr<Logger> logger;
};

// Counters of a remote checker, for metrics.
struct RemoteCheckerStats {
  int64_t requests = 0;
  int64_t cache_hits = 0;
  int64_t failures = 0;
};

class RemoteChecker : public PasswordChecker {
 public:
  virtual RemoteCheckerStats stats() const = 0;
};

// InvalidArgument for a base URL that is not http[s]://HOST[:PORT][/path],
// an unreadable CA file or an out-of-range duration.
absl::StatusOr<std::unique_ptr<RemoteChecker>> CreateRemoteChecker(
    const RemoteCheckerOptions& options);

}  // namespace vigil

#endif  // VIGIL_PWNED_H_
