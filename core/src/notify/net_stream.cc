// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "notify/net_stream.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <istream>

#include "absl/strings/str_cat.h"

namespace vigil::internal {

namespace asio = boost::asio;
using boost::system::error_code;

NetStream::NetStream()
    : ssl_ctx_(asio::ssl::context::tls_client), stream_(io_, ssl_ctx_) {}

absl::Status NetStream::Connect(const std::string& host, int port,
                                absl::Duration timeout) {
  error_code ec;
  asio::ip::tcp::resolver resolver(io_);
  auto endpoints = resolver.resolve(host, std::to_string(port), ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat("cannot resolve ", host, ": ", ec.message()));
  }
  asio::connect(stream_.next_layer(), endpoints, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot connect to ", host, ":", port, ": ", ec.message()));
  }
  timeval tv;
  tv.tv_sec = absl::ToInt64Seconds(timeout);
  tv.tv_usec = absl::ToInt64Microseconds(timeout) % 1000000;
  const int fd = stream_.next_layer().native_handle();
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  return absl::OkStatus();
}

absl::Status NetStream::StartTls(const std::string& host, bool verify,
                                 const std::string& ca_file) {
  error_code ec;
  if (verify) {
    ssl_ctx_.set_default_verify_paths(ec);
    if (!ca_file.empty()) {
      ssl_ctx_.load_verify_file(ca_file, ec);
      if (ec) return absl::FailedPreconditionError(absl::StrCat("ca_file: ", ec.message()));
    }
    stream_.set_verify_mode(asio::ssl::verify_peer);
    stream_.set_verify_callback(asio::ssl::host_name_verification(host));
  } else {
    stream_.set_verify_mode(asio::ssl::verify_none);
  }
  SSL_set_tlsext_host_name(stream_.native_handle(), host.c_str());
  stream_.handshake(asio::ssl::stream_base::client, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("TLS handshake: ", ec.message()));
  tls_ = true;
  return absl::OkStatus();
}

absl::Status NetStream::Write(absl::string_view data) {
  error_code ec;
  if (tls_) {
    asio::write(stream_, asio::buffer(data.data(), data.size()), ec);
  } else {
    asio::write(stream_.next_layer(), asio::buffer(data.data(), data.size()), ec);
  }
  if (ec) return absl::UnavailableError(absl::StrCat("write: ", ec.message()));
  return absl::OkStatus();
}

absl::Status NetStream::ReadLine(std::string* line) {
  error_code ec;
  if (tls_) {
    asio::read_until(stream_, buffer_, "\r\n", ec);
  } else {
    asio::read_until(stream_.next_layer(), buffer_, "\r\n", ec);
  }
  if (ec) return absl::UnavailableError(absl::StrCat("read: ", ec.message()));
  std::istream in(&buffer_);
  std::getline(in, *line);
  if (!line->empty() && line->back() == '\r') line->pop_back();
  return absl::OkStatus();
}

absl::Status NetStream::ReadAll(std::string* out) {
  error_code ec;
  if (tls_) {
    asio::read(stream_, buffer_, ec);
  } else {
    asio::read(stream_.next_layer(), buffer_, ec);
  }
  if (ec && ec != asio::error::eof && ec != asio::ssl::error::stream_truncated) {
    return absl::UnavailableError(absl::StrCat("read: ", ec.message()));
  }
  out->assign(asio::buffers_begin(buffer_.data()), asio::buffers_end(buffer_.data()));
  buffer_.consume(buffer_.size());
  return absl::OkStatus();
}

void NetStream::Close() {
  error_code ec;
  stream_.next_layer().close(ec);
}

}  // namespace vigil::internal
