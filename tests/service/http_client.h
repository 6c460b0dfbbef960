// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// A small synchronous HTTP/1.1 client on Boost.Beast for the end-to-end
// tests: one keep-alive connection to 127.0.0.1, plus raw-socket helpers for
// the misbehaving clients (trickling, oversized bodies).

#ifndef VIGIL_TESTS_SERVICE_HTTP_CLIENT_H_
#define VIGIL_TESTS_SERVICE_HTTP_CLIENT_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace vigil::testing {

struct HttpResponse {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  bool keep_alive = false;
};

class HttpClient {
 public:
  // Connects to "HOST:PORT".
  static absl::StatusOr<std::unique_ptr<HttpClient>> Connect(
      const std::string& address);
  ~HttpClient();

  // Sends one request on the connection and reads the response.
  // `headers` are (name, value) pairs added as they are.
  absl::StatusOr<HttpResponse> Send(
      absl::string_view method, absl::string_view target,
      absl::string_view body = "",
      const std::vector<std::pair<std::string, std::string>>& headers = {});

  // Convenience: JSON POST / GET with an optional bearer key.
  absl::StatusOr<HttpResponse> PostJson(absl::string_view target,
                                        absl::string_view json,
                                        absl::string_view api_key);
  absl::StatusOr<HttpResponse> Get(absl::string_view target,
                                   absl::string_view api_key = "");

 private:
  struct Impl;
  explicit HttpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A plain TCP connection for clients that do not speak proper HTTP.
class RawConnection {
 public:
  // Connects to "HOST:PORT" (IPv4), from the local address `from` if given
  // (e.g. "127.0.0.2": another client address on loopback).
  static absl::StatusOr<std::unique_ptr<RawConnection>> Connect(
      const std::string& address, const std::string& from = "");
  ~RawConnection();
  // Writes all of `data`; an error once the peer has closed.
  absl::Status Write(absl::string_view data);
  // Reads whatever arrives until the peer closes or `timeout` passes.
  // Returns what was read; `closed` says whether the peer closed.
  std::string ReadUntilClose(absl::Duration timeout, bool* closed);

 private:
  explicit RawConnection(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace vigil::testing

#endif  // VIGIL_TESTS_SERVICE_HTTP_CLIENT_H_
