// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "context/hosting_names.h"

#include <atomic>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace vigil::internal {
namespace {

// Answers past this many networks start the thread's table afresh (there
// are about 80,000 autonomous systems; a table of them all is ~2 MB).
constexpr size_t kMaxRemembered = 1 << 17;

}  // namespace

absl::StatusOr<HostingNames> HostingNames::Create(
    std::vector<std::string> words) {
  static std::atomic<uint64_t> next_serial{1};
  HostingNames names;
  for (std::string& w : words) {
    if (w.empty() || w.size() > 64) {
      return absl::InvalidArgumentError(absl::StrCat(
          "a word must have 1 to 64 characters (got ", w.size(), ")"));
    }
    absl::AsciiStrToLower(&w);
  }
  names.words_ = std::move(words);
  names.serial_ = next_serial.fetch_add(1, std::memory_order_relaxed);
  return names;
}

const HostingNames& HostingNames::Default() {
  static const HostingNames* const names = new HostingNames(*Create(
      {"hosting",   "cloud",        "datacenter", "data center", "server",
       "vps",       "vpn",          "colocation", "amazon",      "google",
       "microsoft", "digitalocean", "ovh",        "hetzner",     "linode",
       "akamai",    "vultr",        "choopa",     "m247",        "datacamp",
       "leaseweb",  "contabo",      "alibaba",    "tencent",     "oracle",
       "scaleway"}));
  return *names;
}

bool HostingNames::Scan(absl::string_view org) const {
  const std::string lower = absl::AsciiStrToLower(org);
  for (const std::string& w : words_) {
    if (absl::StrContains(lower, w)) return true;
  }
  return false;
}

bool HostingNames::Matches(uint32_t asn, absl::string_view org) const {
  if (words_.empty() || org.empty()) return false;
  if (asn == 0) return Scan(org);
  struct Table {
    uint64_t serial = 0;
    absl::flat_hash_map<uint32_t, bool> answers;
  };
  thread_local Table table;
  if (table.serial != serial_ || table.answers.size() >= kMaxRemembered) {
    table.answers.clear();
    table.serial = serial_;
  }
  auto [it, inserted] = table.answers.try_emplace(asn, false);
  if (inserted) it->second = Scan(org);
  return it->second;
}

}  // namespace vigil::internal
