// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// A minimal HTTP/1.1 (or HTTPS) GET on Boost.Beast: one connection per
// fetch, every step asynchronous on a private io_context that runs for at
// most the timeout, so a server that stalls anywhere costs at most `timeout`.
// HTTPS verifies the server's certificate chain (the system's CAs, or a given
// CA file) and its host name or IP address.

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "pwned/range_fetcher.h"

namespace vigil::internal {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

constexpr size_t kMaxBody = 4 << 20;

bool IsIpAddress(const std::string& host) {
  boost::system::error_code ec;
  net::ip::make_address(host, ec);
  return !ec;
}

class HttpRangeFetcher final : public RangeFetcher {
 public:
  HttpRangeFetcher(HttpUrl url, absl::Duration timeout,
                   std::unique_ptr<ssl::context> tls)
      : url_(std::move(url)), timeout_(timeout), tls_(std::move(tls)) {}

  absl::StatusOr<std::string> FetchRange(HashKind kind,
                                         absl::string_view prefix5) override {
    std::string target = absl::StrCat(url_.path, "/range/", prefix5);
    if (kind == HashKind::kNtlm) target += "?mode=ntlm";
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, url_.host);
    req.set(http::field::user_agent, "vigil");
    req.set("Add-Padding", "true");
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxBody);

    net::io_context ioc;
    std::optional<absl::Status> result;
    if (tls_ != nullptr) {
      beast::ssl_stream<beast::tcp_stream> stream(ioc, *tls_);
      if (!IsIpAddress(url_.host)) {
        SSL_set_tlsext_host_name(stream.native_handle(), url_.host.c_str());
      }
      stream.set_verify_mode(ssl::verify_peer);
      stream.set_verify_callback(ssl::host_name_verification(url_.host));
      result = Exchange</*kTls=*/true>(ioc, stream, req, parser);
    } else {
      beast::tcp_stream stream(ioc);
      result = Exchange</*kTls=*/false>(ioc, stream, req, parser);
    }
    if (!result.has_value()) {
      return absl::UnavailableError(absl::StrCat(
          "range server: no answer within ", absl::FormatDuration(timeout_)));
    }
    if (!result->ok()) return *result;
    const auto& res = parser.get();
    if (res.result_int() != 200) {
      return absl::UnavailableError(
          absl::StrCat("range server: status ", res.result_int()));
    }
    return std::string(res.body());
  }

 private:
  // Resolve, connect, (handshake,) send, read; nullopt on timeout.
  template <bool kTls, class Stream>
  std::optional<absl::Status> Exchange(
      net::io_context& ioc, Stream& stream,
      http::request<http::empty_body>& req,
      http::response_parser<http::string_body>& parser) {
    tcp::resolver resolver(ioc);
    beast::flat_buffer buffer;
    std::optional<absl::Status> result;
    auto fail = [&](absl::string_view what, const beast::error_code& ec) {
      result = absl::UnavailableError(
          absl::StrCat("range server: ", what, ": ", ec.message()));
    };
    auto send = [&] {
      http::async_write(stream, req, [&](const beast::error_code& ec, size_t) {
        if (ec) return fail("send", ec);
        http::async_read(stream, buffer, parser,
                         [&](const beast::error_code& ec, size_t) {
                           if (ec) return fail("read", ec);
                           result = absl::OkStatus();
                         });
      });
    };
    resolver.async_resolve(
        url_.host, url_.port,
        [&](const beast::error_code& ec, tcp::resolver::results_type results) {
          if (ec) return fail("resolve", ec);
          beast::get_lowest_layer(stream).async_connect(
              results, [&](const beast::error_code& ec, const tcp::endpoint&) {
                if (ec) return fail("connect", ec);
                if constexpr (kTls) {
                  stream.async_handshake(
                      ssl::stream_base::client,
                      [&](const beast::error_code& ec) {
                        if (ec) return fail("TLS handshake", ec);
                        send();
                      });
                } else {
                  send();
                }
              });
        });
    ioc.run_for(std::chrono::microseconds(absl::ToInt64Microseconds(timeout_)));
    if (!result.has_value()) {
      beast::error_code ignored;
      beast::get_lowest_layer(stream).socket().close(ignored);
    }
    return result;
  }

  HttpUrl url_;
  absl::Duration timeout_;
  std::unique_ptr<ssl::context> tls_;  // null for http
};

}  // namespace

absl::StatusOr<HttpUrl> ParseHttpUrl(absl::string_view url) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("base_url: \"", url, "\" ", why));
  };
  HttpUrl out;
  absl::string_view rest;
  if (absl::StartsWithIgnoreCase(url, "http://")) {
    rest = url.substr(7);
  } else if (absl::StartsWithIgnoreCase(url, "https://")) {
    rest = url.substr(8);
    out.tls = true;
  } else {
    return bad("must start with http:// or https://");
  }
  size_t slash = rest.find('/');
  absl::string_view authority = rest.substr(0, slash);
  if (slash != absl::string_view::npos) {
    out.path = std::string(rest.substr(slash));
    while (!out.path.empty() && out.path.back() == '/') out.path.pop_back();
  }
  if (authority.empty()) return bad("has no host");
  size_t colon = authority.rfind(':');
  if (authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == absl::string_view::npos) return bad("has a bad IPv6 host");
    out.host = std::string(authority.substr(1, close - 1));
    colon = close + 1 < authority.size() && authority[close + 1] == ':'
                ? close + 1
                : absl::string_view::npos;
  } else {
    out.host = std::string(authority.substr(0, colon));
  }
  out.port = out.tls ? "443" : "80";
  if (colon != absl::string_view::npos) {
    int port;
    if (!absl::SimpleAtoi(authority.substr(colon + 1), &port) || port < 1 ||
        port > 65535) {
      return bad("has a bad port");
    }
    out.port = std::to_string(port);
  }
  if (out.host.empty()) return bad("has no host");
  return out;
}

absl::StatusOr<std::unique_ptr<RangeFetcher>> CreateHttpRangeFetcher(
    absl::string_view base_url, absl::Duration timeout,
    const std::string& ca_file) {
  absl::StatusOr<HttpUrl> url = ParseHttpUrl(base_url);
  if (!url.ok()) return url.status();
  std::unique_ptr<ssl::context> tls;
  if (url->tls) {
    tls = std::make_unique<ssl::context>(ssl::context::tls_client);
    tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                     ssl::context::no_tlsv1_1);
    boost::system::error_code ec;
    if (ca_file.empty()) {
      tls->set_default_verify_paths(ec);
    } else {
      tls->load_verify_file(ca_file, ec);
    }
    if (ec) {
      return absl::InvalidArgumentError(absl::StrCat(
          "ca_file: cannot load ", ca_file.empty() ? "the system's CAs" : ca_file,
          ": ", ec.message()));
    }
  } else if (!ca_file.empty()) {
    return absl::InvalidArgumentError("ca_file: only for an https base_url");
  }
  return std::unique_ptr<RangeFetcher>(
      new HttpRangeFetcher(*std::move(url), timeout, std::move(tls)));
}

}  // namespace vigil::internal
