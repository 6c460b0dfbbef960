// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// HostingNames: whether an autonomous system is a hosting or VPN provider,
// told by words in its organisation's name ("Hetzner Online GmbH", "OVH
// SAS", "M247 Europe SRL", "DigitalOcean, LLC"). For a deployment without a
// GeoIP2 Anonymous IP database, whose "hosting provider" flag answers
// otherwise; a name list is cruder (a hosting company with a plain name is
// missed, an ISP whose name contains a word is not), which is why the words
// are a model setting.

#ifndef VIGIL_CORE_SRC_CONTEXT_HOSTING_NAMES_H_
#define VIGIL_CORE_SRC_CONTEXT_HOSTING_NAMES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace vigil::internal {

// Immutable; Matches is thread-safe.
class HostingNames {
 public:
  // No words: nothing matches.
  HostingNames() = default;

  // `words` are matched case-insensitively anywhere in a name. An empty
  // word, or one longer than 64 characters, is InvalidArgument.
  static absl::StatusOr<HostingNames> Create(std::vector<std::string> words);

  // The shipped list (models/default.toml shows it): words in the names of
  // the large hosting, cloud and VPN-exit providers, and the generic ones.
  static const HostingNames& Default();

  bool empty() const { return words_.empty(); }
  const std::vector<std::string>& words() const { return words_; }

  // Whether `org` (the name of autonomous system `asn`) contains one of the
  // words. The answer for a nonzero `asn` is remembered per thread (a
  // bounded table), so the name is read once per thread and network: an
  // evaluation pays a hash lookup, not a scan of every word.
  bool Matches(uint32_t asn, absl::string_view org) const;

 private:
  bool Scan(absl::string_view org) const;

  std::vector<std::string> words_;  // lower case
  uint64_t serial_ = 0;  // tells the per-thread table whose answers it holds
};

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_CONTEXT_HOSTING_NAMES_H_
