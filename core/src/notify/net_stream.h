// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// A blocking TCP connection that can switch to TLS (for SMTP STARTTLS and
// https), with a deadline on every step (connect, handshake, each read and
// write): the operations run asynchronously on a private io_context that
// runs for at most the timeout, then the socket is closed. Used by the
// senders.

#ifndef VIGIL_CORE_SRC_NOTIFY_NET_STREAM_H_
#define VIGIL_CORE_SRC_NOTIFY_NET_STREAM_H_

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/streambuf.hpp>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace vigil::internal {

class NetStream {
 public:
  NetStream();
  // Resolves and connects; sets socket timeouts to `timeout`.
  absl::Status Connect(const std::string& host, int port, absl::Duration timeout);
  // TLS handshake on the open connection, with SNI `host`.
  absl::Status StartTls(const std::string& host, bool verify,
                        const std::string& ca_file);
  bool tls() const { return tls_; }
  absl::Status Write(absl::string_view data);
  // One line without its CRLF.
  absl::Status ReadLine(std::string* line);
  // Everything until the peer closes.
  absl::Status ReadAll(std::string* out);
  void Close();

 private:
  // Starts `op` (which takes a completion handler), runs the io_context for
  // at most the timeout; on expiry closes the socket and fails.
  template <typename Op>
  absl::Status Run(absl::string_view what, Op op);

  absl::Duration timeout_ = absl::Seconds(30);
  boost::asio::io_context io_;
  boost::asio::ssl::context ssl_ctx_;
  boost::asio::ssl::stream<boost::asio::ip::tcp::socket> stream_;
  boost::asio::streambuf buffer_;
  bool tls_ = false;
};

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_NOTIFY_NET_STREAM_H_
