// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "notify/net_stream.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <istream>

#include "absl/strings/str_cat.h"

namespace vigil::internal {

namespace asio = boost::asio;
using boost::system::error_code;

NetStream::NetStream()
    : ssl_ctx_(asio::ssl::context::tls_client), stream_(io_, ssl_ctx_) {}

template <typename Op>
absl::Status NetStream::Run(absl::string_view what, Op op) {
  bool done = false;
  error_code result;
  op([&](const error_code& ec) {
    done = true;
    result = ec;
  });
  io_.restart();
  io_.run_for(std::chrono::microseconds(absl::ToInt64Microseconds(timeout_)));
  if (!done) {
    error_code ignored;
    stream_.next_layer().close(ignored);  // cancels the operation
    io_.restart();
    io_.run();
    return absl::UnavailableError(absl::StrCat(what, ": timed out after ",
                                               absl::FormatDuration(timeout_)));
  }
  if (result) return absl::UnavailableError(absl::StrCat(what, ": ", result.message()));
  return absl::OkStatus();
}

absl::Status NetStream::Connect(const std::string& host, int port,
                                absl::Duration timeout) {
  timeout_ = timeout;
  asio::ip::tcp::resolver resolver(io_);
  asio::ip::tcp::resolver::results_type endpoints;
  absl::Status s = Run(absl::StrCat("resolve ", host), [&](auto done) {
    resolver.async_resolve(host, std::to_string(port),
                           [&, done](const error_code& ec,
                                     asio::ip::tcp::resolver::results_type r) {
                             endpoints = std::move(r);
                             done(ec);
                           });
  });
  if (!s.ok()) return s;
  return Run(absl::StrCat("connect to ", host, ":", port), [&](auto done) {
    asio::async_connect(stream_.next_layer(), endpoints,
                        [done](const error_code& ec, const auto&) { done(ec); });
  });
}

absl::Status NetStream::StartTls(const std::string& host, bool verify,
                                 const std::string& ca_file) {
  error_code ec;
  if (verify) {
    ssl_ctx_.set_default_verify_paths(ec);
    if (!ca_file.empty()) {
      ssl_ctx_.load_verify_file(ca_file, ec);
      if (ec) {
        return absl::FailedPreconditionError(absl::StrCat("ca_file: ", ec.message()));
      }
    }
    stream_.set_verify_mode(asio::ssl::verify_peer);
    stream_.set_verify_callback(asio::ssl::host_name_verification(host));
  } else {
    stream_.set_verify_mode(asio::ssl::verify_none);
  }
  SSL_set_tlsext_host_name(stream_.native_handle(), host.c_str());
  absl::Status s = Run("TLS handshake", [&](auto done) {
    stream_.async_handshake(asio::ssl::stream_base::client,
                            [done](const error_code& e) { done(e); });
  });
  if (s.ok()) tls_ = true;
  return s;
}

absl::Status NetStream::Write(absl::string_view data) {
  return Run("write", [&](auto done) {
    auto handler = [done](const error_code& e, size_t) { done(e); };
    if (tls_) {
      asio::async_write(stream_, asio::buffer(data.data(), data.size()), handler);
    } else {
      asio::async_write(stream_.next_layer(), asio::buffer(data.data(), data.size()),
                        handler);
    }
  });
}

absl::Status NetStream::ReadLine(std::string* line) {
  absl::Status s = Run("read", [&](auto done) {
    auto handler = [done](const error_code& e, size_t) { done(e); };
    if (tls_) {
      asio::async_read_until(stream_, buffer_, "\r\n", handler);
    } else {
      asio::async_read_until(stream_.next_layer(), buffer_, "\r\n", handler);
    }
  });
  if (!s.ok()) return s;
  std::istream in(&buffer_);
  std::getline(in, *line);
  if (!line->empty() && line->back() == '\r') line->pop_back();
  return absl::OkStatus();
}

absl::Status NetStream::ReadAll(std::string* out) {
  error_code result;
  absl::Status s = Run("read", [&](auto done) {
    auto handler = [&result, done](const error_code& e, size_t) {
      result = e;
      done(error_code());
    };
    if (tls_) {
      asio::async_read(stream_, buffer_, handler);
    } else {
      asio::async_read(stream_.next_layer(), buffer_, handler);
    }
  });
  if (!s.ok()) return s;
  if (result && result != asio::error::eof &&
      result != asio::ssl::error::stream_truncated) {
    return absl::UnavailableError(absl::StrCat("read: ", result.message()));
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
