// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The remote side of the password check: fetching one range from a
// Pwned-Passwords-compatible server. An interface, so that tests can record
// what is asked; the default is a minimal HTTP/1.1 client on Boost.Beast
// (kept out of every public header).

#ifndef VIGIL_CORE_SRC_PWNED_RANGE_FETCHER_H_
#define VIGIL_CORE_SRC_PWNED_RANGE_FETCHER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "vigil/pwned.h"

namespace vigil::internal {

class RangeFetcher {
 public:
  virtual ~RangeFetcher() = default;
  // The body of GET {base}/range/{prefix5}[?mode=ntlm] with Add-Padding:
  // true. Unavailable for a connection failure, a timeout or a status other
  // than 200. Thread-safe.
  virtual absl::StatusOr<std::string> FetchRange(HashKind kind,
                                                 absl::string_view prefix5) = 0;
};

struct HttpUrl {
  bool tls = false;  // https
  std::string host;
  std::string port;
  std::string path;  // without a trailing '/', may be empty
};
// "http[s]://HOST[:PORT][/PATH]". InvalidArgument otherwise.
absl::StatusOr<HttpUrl> ParseHttpUrl(absl::string_view url);

// `ca_file`: for https, a PEM file of the CAs to trust instead of the
// system's.
absl::StatusOr<std::unique_ptr<RangeFetcher>> CreateHttpRangeFetcher(
    absl::string_view base_url, absl::Duration timeout,
    const std::string& ca_file);

// The remote checker over any fetcher (for tests).
std::unique_ptr<RemoteChecker> NewRemoteChecker(
    const RemoteCheckerOptions& options, std::unique_ptr<RangeFetcher> fetcher);

// Parses a range body: "SUFFIX:COUNT" lines (CRLF or LF) with suffixes of
// HashHexLength(kind) - 5 hex digits. Rows with count 0 (padding) are left
// out. DataLoss for anything else.
absl::Status ParseRangeBody(HashKind kind, absl::string_view body,
                            std::vector<RangeEntry>* out);

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_PWNED_RANGE_FETCHER_H_
