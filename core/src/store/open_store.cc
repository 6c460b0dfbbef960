// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// OpenStore: the backend a store URL names.

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "store/redis/redis_store.h"
#include "vigil/store.h"

namespace vigil {
namespace {

constexpr absl::string_view kKnownSchemes =
    "rocksdb:DIR, memory:, redis://HOST:PORT[,HOST:PORT...][/NAMESPACE]";

// The scheme of `url` (RFC 3986: a letter, then letters, digits, "+", "-",
// "."; before the first ":"), or nullopt if it has none.
std::optional<absl::string_view> Scheme(absl::string_view url) {
  const size_t colon = url.find(':');
  if (colon == absl::string_view::npos || colon == 0) return std::nullopt;
  const absl::string_view scheme = url.substr(0, colon);
  if (!absl::ascii_isalpha(static_cast<unsigned char>(scheme[0]))) {
    return std::nullopt;
  }
  for (char c : scheme) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '+' &&
        c != '-' && c != '.') {
      return std::nullopt;
    }
  }
  return scheme;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> OpenStore(absl::string_view url,
                                                 const StoreOptions& options) {
  const std::optional<absl::string_view> scheme = Scheme(url);
  if (!scheme.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "store URL \"", url, "\": no scheme (known: ", kKnownSchemes,
        "); for a RocksDB folder write rocksdb:", url));
  }
  const absl::string_view rest = url.substr(scheme->size() + 1);
  if (options.event_retention < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("event_retention: must not be negative");
  }
  if (*scheme == "memory") {
    if (!rest.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "store URL \"", url, "\": memory: takes nothing after the colon"));
    }
    if (options.read_only) {
      return absl::InvalidArgumentError(
          "store URL \"memory:\": a new in-memory store has nothing to read "
          "(read-only needs rocksdb:DIR)");
    }
    MemoryStoreOptions m;
    m.clock = options.clock;
    if (options.event_retention > absl::ZeroDuration()) {
      m.retention.push_back(EventRetention(options.event_retention));
    }
    return OpenMemoryStore(m);
  }
  if (*scheme == "rocksdb") {
    if (rest.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("store URL \"", url, "\": no folder (rocksdb:DIR)"));
    }
    RocksDbOptions o = options.rocksdb;
    o.path = std::string(rest);
    if (options.clock != nullptr) o.clock = options.clock;
    if (options.logger != nullptr) o.logger = options.logger;
    o.read_only = o.read_only || options.read_only;
    if (options.event_retention > absl::ZeroDuration()) {
      std::erase_if(o.retention, [](const RetentionRule& r) {
        return r.table == Table::kEvents;
      });
      o.retention.push_back(EventRetention(options.event_retention));
    }
    return OpenRocksDbStore(o);
  }
  if (*scheme == "redis") {
    internal::RedisStoreOptions o;
    if (absl::Status s = internal::ParseRedisStoreUrl(url, &o); !s.ok()) {
      return s;
    }
    o.clock = options.clock;
    o.logger = options.logger;
    o.read_only = options.read_only;
    o.wait_replicas = options.redis.wait_replicas;
    o.wait_timeout = options.redis.wait_timeout;
    o.cluster.connect_timeout = options.redis.connect_timeout;
    o.cluster.command_timeout = options.redis.command_timeout;
    o.cluster.max_attempts = options.redis.max_attempts;
    if (options.event_retention > absl::ZeroDuration()) {
      o.retention.push_back(EventRetention(options.event_retention));
    }
    return internal::OpenRedisStore(o);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("store URL \"", url, "\": unknown scheme \"", *scheme,
                   ":\" (known: ", kKnownSchemes, ")"));
}

std::string RocksDbStoreUrl(absl::string_view dir) {
  return absl::StrCat("rocksdb:", dir);
}

}  // namespace vigil
