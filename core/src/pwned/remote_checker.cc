// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// RemoteChecker: k-anonymity client of a range server. Only the first 5 hex
// digits of a hash are sent; the answer (padding rows of count 0 dropped) is
// cached per prefix for cache_ttl and searched locally.

#include <algorithm>
#include <atomic>
#include <cstring>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "pwned/corpus_format.h"
#include "pwned/range_fetcher.h"
#include "vigil/pwned.h"

namespace vigil::internal {
namespace {

struct CachedRange {
  absl::Time expires;
  std::shared_ptr<const std::vector<RangeEntry>> entries;  // sorted by suffix
};

class RemoteCheckerImpl final : public RemoteChecker {
 public:
  RemoteCheckerImpl(const RemoteCheckerOptions& options,
                    std::unique_ptr<RangeFetcher> fetcher)
      : options_(options),
        clock_(options.clock != nullptr ? options.clock : RealClock()),
        logger_(OrDefault(options.logger.get())),
        fetcher_(std::move(fetcher)) {}

  absl::StatusOr<PasswordCheck> Check(HashKind kind,
                                      absl::string_view hex) const override {
    const size_t len = static_cast<size_t>(HashHexLength(kind));
    bool ok = hex.size() == len;
    for (char c : hex) ok = ok && HexValue(c) >= 0;
    if (!ok) {
      return absl::InvalidArgumentError(absl::StrCat(
          HashKindName(kind), ": must be ", len, " hexadecimal digits"));
    }
    std::string upper = absl::AsciiStrToUpper(hex);
    const std::string prefix = upper.substr(0, 5);
    const absl::string_view suffix = absl::string_view(upper).substr(5);
    absl::StatusOr<std::shared_ptr<const std::vector<RangeEntry>>> entries =
        Lookup(kind, prefix);
    if (!entries.ok()) {
      failures_.fetch_add(1, std::memory_order_relaxed);
      // Once per outage, not once per request.
      if (!failing_.exchange(true)) {
        logger_->Log(LogLevel::kWarn, "pwned_remote_unavailable",
                     options_.fail_open
                         ? "range server unreachable: passwords not in the "
                           "local corpus pass (fail_open), marked degraded"
                         : "range server unreachable: passwords not in the "
                           "local corpus are refused (fail closed), marked "
                           "degraded",
                     {{"error", entries.status().message()},
                      {"fail_open", options_.fail_open},
                      {"fallback", options_.fallback != nullptr}});
      }
      PasswordCheck degraded;
      degraded.degraded = true;
      if (options_.fallback != nullptr) {
        absl::StatusOr<PasswordCheck> local = options_.fallback->Check(kind, hex);
        if (local.ok() && local->compromised) {
          local->degraded = true;
          return local;
        }
      }
      degraded.compromised = !options_.fail_open;
      return degraded;
    }
    if (failing_.exchange(false)) {
      logger_->Log(LogLevel::kInfo, "pwned_remote_recovered",
                   "range server answers again");
    }
    PasswordCheck result;
    const std::vector<RangeEntry>& rows = **entries;
    auto it = std::lower_bound(
        rows.begin(), rows.end(), suffix,
        [](const RangeEntry& e, absl::string_view s) { return e.suffix < s; });
    if (it != rows.end() && it->suffix == suffix) {
      result.compromised = true;
      result.count = it->count;
    }
    return result;
  }

  RemoteCheckerStats stats() const override {
    RemoteCheckerStats s;
    s.requests = requests_.load();
    s.cache_hits = cache_hits_.load();
    s.failures = failures_.load();
    return s;
  }

 private:
  absl::StatusOr<std::shared_ptr<const std::vector<RangeEntry>>> Lookup(
      HashKind kind, const std::string& prefix) const {
    const std::string key = absl::StrCat(HashKindName(kind), prefix);
    const absl::Time now = clock_->Now();
    if (options_.cache_ttl > absl::ZeroDuration()) {
      absl::MutexLock lock(&mu_);
      auto it = cache_.find(key);
      if (it != cache_.end() && it->second.expires > now) {
        cache_hits_.fetch_add(1, std::memory_order_relaxed);
        return it->second.entries;
      }
    }
    requests_.fetch_add(1, std::memory_order_relaxed);
    absl::StatusOr<std::string> body = fetcher_->FetchRange(kind, prefix);
    if (!body.ok()) return body.status();
    auto rows = std::make_shared<std::vector<RangeEntry>>();
    if (absl::Status s = ParseRangeBody(kind, *body, rows.get()); !s.ok()) {
      return s;
    }
    std::sort(rows->begin(), rows->end(),
              [](const RangeEntry& a, const RangeEntry& b) {
                return a.suffix < b.suffix;
              });
    if (options_.cache_ttl > absl::ZeroDuration()) {
      absl::MutexLock lock(&mu_);
      if (cache_.size() >= options_.cache_entries) cache_.clear();
      cache_[key] = CachedRange{now + options_.cache_ttl, rows};
    }
    return std::shared_ptr<const std::vector<RangeEntry>>(std::move(rows));
  }

  const RemoteCheckerOptions options_;
  const Clock* clock_;
  Logger* const logger_;
  std::unique_ptr<RangeFetcher> fetcher_;
  mutable absl::Mutex mu_;
  mutable absl::flat_hash_map<std::string, CachedRange> cache_ ABSL_GUARDED_BY(mu_);
  mutable std::atomic<int64_t> requests_{0};
  mutable std::atomic<int64_t> cache_hits_{0};
  mutable std::atomic<int64_t> failures_{0};
  mutable std::atomic<bool> failing_{false};  // the last fetch failed
};

}  // namespace

absl::Status ParseRangeBody(HashKind kind, absl::string_view body,
                            std::vector<RangeEntry>* out) {
  out->clear();
  const size_t hex = static_cast<size_t>(HashHexLength(kind)) - 5;
  while (!body.empty()) {
    size_t nl = body.find('\n');
    absl::string_view line = body.substr(0, nl);
    body = nl == absl::string_view::npos ? absl::string_view()
                                         : body.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    bool ok = line.size() > hex + 1 && line[hex] == ':';
    for (size_t i = 0; ok && i < hex; ++i) ok = HexValue(line[i]) >= 0;
    int64_t count = 0;
    for (size_t i = hex + 1; ok && i < line.size(); ++i) {
      ok = line[i] >= '0' && line[i] <= '9' && i - hex <= 18;
      count = count * 10 + (line[i] - '0');
    }
    if (!ok) return absl::DataLossError("range server: malformed answer");
    if (count == 0) continue;  // padding
    out->push_back(RangeEntry{absl::AsciiStrToUpper(line.substr(0, hex)), count});
  }
  return absl::OkStatus();
}

std::unique_ptr<RemoteChecker> NewRemoteChecker(
    const RemoteCheckerOptions& options, std::unique_ptr<RangeFetcher> fetcher) {
  return std::make_unique<RemoteCheckerImpl>(options, std::move(fetcher));
}

}  // namespace vigil::internal

namespace vigil {

absl::StatusOr<std::unique_ptr<RemoteChecker>> CreateRemoteChecker(
    const RemoteCheckerOptions& options) {
  if (options.timeout <= absl::ZeroDuration() ||
      options.timeout > absl::Minutes(5)) {
    return absl::InvalidArgumentError("timeout: must be in (0, 5 min]");
  }
  if (options.cache_ttl < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("cache_ttl: must not be negative");
  }
  absl::StatusOr<std::unique_ptr<internal::RangeFetcher>> fetcher =
      internal::CreateHttpRangeFetcher(options.base_url, options.timeout,
                                       options.ca_file);
  if (!fetcher.ok()) return fetcher.status();
  return internal::NewRemoteChecker(options, *std::move(fetcher));
}

}  // namespace vigil
