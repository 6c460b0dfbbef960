// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "service/config.h"

namespace vigil::testing {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

struct HttpClient::Impl {
  net::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  tcp::endpoint endpoint;

  beast::error_code Open() {
    beast::error_code ec;
    stream.expires_after(std::chrono::seconds(10));
    stream.connect(endpoint, ec);
    return ec;
  }

  // True if vigild has closed the connection while it was idle (its
  // first-byte or idle timeout): the end of stream is waiting to be read.
  // Checked before each request, as HTTP clients check a pooled connection
  // before reusing it, so that no request is ever sent twice.
  bool ClosedByPeer() {
    if (buffer.size() > 0) return false;
    pollfd p{stream.socket().native_handle(), POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0) return false;
    char c;
    return ::recv(p.fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) <= 0;
  }
};

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpClient::~HttpClient() {
  beast::error_code ec;
  impl_->stream.socket().shutdown(tcp::socket::shutdown_both, ec);
}

absl::StatusOr<std::unique_ptr<HttpClient>> HttpClient::Connect(
    const std::string& address) {
  std::string host;
  uint16_t port;
  absl::Status s = service::ParseListen(address, &host, &port);
  if (!s.ok()) return s;
  auto impl = std::make_unique<Impl>();
  beast::error_code ec;
  tcp::endpoint endpoint(net::ip::make_address(host, ec), port);
  if (ec) return absl::InvalidArgumentError(ec.message());
  impl->endpoint = endpoint;
  ec = impl->Open();
  if (ec)
    return absl::UnavailableError(absl::StrCat("connect: ", ec.message()));
  return std::unique_ptr<HttpClient>(new HttpClient(std::move(impl)));
}

absl::StatusOr<HttpResponse> HttpClient::Send(
    absl::string_view method, absl::string_view target, absl::string_view body,
    const std::vector<std::pair<std::string, std::string>>& headers) {
  http::request<http::string_body> req;
  req.method_string(std::string(method));
  req.target(std::string(target));
  req.version(11);
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers) req.set(name, value);
  req.body() = std::string(body);
  if (!body.empty() || method == "POST") req.prepare_payload();
  req.keep_alive(true);

  beast::error_code ec;
  if (impl_->ClosedByPeer()) {
    impl_->stream.close();
    ec = impl_->Open();
    if (ec)
      return absl::UnavailableError(absl::StrCat("connect: ", ec.message()));
  }
  impl_->stream.expires_after(std::chrono::seconds(30));
  http::write(impl_->stream, req, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("write: ", ec.message()));
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  http::read(impl_->stream, impl_->buffer, parser, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("read: ", ec.message()));
  const auto& res = parser.get();
  HttpResponse out;
  out.status = res.result_int();
  out.body = res.body();
  out.keep_alive = res.keep_alive();
  for (const auto& field : res) {
    out.headers[absl::AsciiStrToLower(std::string(field.name_string()))] =
        std::string(field.value());
  }
  return out;
}

absl::StatusOr<HttpResponse> HttpClient::PostJson(absl::string_view target,
                                                  absl::string_view json,
                                                  absl::string_view api_key) {
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Content-Type", "application/json"}};
  if (!api_key.empty()) {
    headers.emplace_back("Authorization", absl::StrCat("Bearer ", api_key));
  }
  return Send("POST", target, json, headers);
}

absl::StatusOr<HttpResponse> HttpClient::Get(absl::string_view target,
                                             absl::string_view api_key) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!api_key.empty()) {
    headers.emplace_back("Authorization", absl::StrCat("Bearer ", api_key));
  }
  return Send("GET", target, "", headers);
}

absl::StatusOr<std::unique_ptr<RawConnection>> RawConnection::Connect(
    const std::string& address, const std::string& from) {
  std::string host;
  uint16_t port;
  absl::Status s = service::ParseListen(address, &host, &port);
  if (!s.ok()) return s;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return absl::InternalError("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
  if (!from.empty()) {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    if (::inet_pton(AF_INET, from.c_str(), &local.sin_addr) != 1 ||
        ::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof(local)) != 0) {
      ::close(fd);
      return absl::UnavailableError(absl::StrCat("bind ", from));
    }
  }
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return absl::UnavailableError("connect");
  }
  return std::unique_ptr<RawConnection>(new RawConnection(fd));
}

RawConnection::~RawConnection() { ::close(fd_); }

absl::Status RawConnection::Write(absl::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return absl::UnavailableError("peer closed");
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

std::string RawConnection::ReadUntilClose(absl::Duration timeout,
                                          bool* closed) {
  std::string out;
  *closed = false;
  absl::Time deadline = absl::Now() + timeout;
  char buf[4096];
  while (absl::Now() < deadline) {
    pollfd p{fd_, POLLIN, 0};
    int ms =
        static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now()));
    if (::poll(&p, 1, std::max(ms, 1)) <= 0) continue;
    ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n <= 0) {
      *closed = true;
      break;
    }
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

}  // namespace vigil::testing
