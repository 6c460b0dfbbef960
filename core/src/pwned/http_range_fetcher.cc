// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// A minimal HTTP/1.1 GET on Boost.Beast: one connection per fetch, every step
// asynchronous on a private io_context that runs for at most the timeout, so
// a server that stalls anywhere costs at most `timeout`.

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
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
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

constexpr size_t kMaxBody = 4 << 20;

class HttpRangeFetcher final : public RangeFetcher {
 public:
  HttpRangeFetcher(HttpUrl url, absl::Duration timeout)
      : url_(std::move(url)), timeout_(timeout) {}

  absl::StatusOr<std::string> FetchRange(HashKind kind,
                                         absl::string_view prefix5) override {
    std::string target = absl::StrCat(url_.path, "/range/", prefix5);
    if (kind == HashKind::kNtlm) target += "?mode=ntlm";

    net::io_context ioc;
    tcp::resolver resolver(ioc);
    beast::tcp_stream stream(ioc);
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, url_.host);
    req.set(http::field::user_agent, "vigil");
    req.set("Add-Padding", "true");
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxBody);
    std::optional<absl::Status> result;
    auto fail = [&](absl::string_view what, const beast::error_code& ec) {
      result = absl::UnavailableError(
          absl::StrCat("range server: ", what, ": ", ec.message()));
    };

    resolver.async_resolve(
        url_.host, url_.port,
        [&](const beast::error_code& ec, tcp::resolver::results_type results) {
          if (ec) return fail("resolve", ec);
          stream.async_connect(results, [&](const beast::error_code& ec,
                                            const tcp::endpoint&) {
            if (ec) return fail("connect", ec);
            http::async_write(stream, req, [&](const beast::error_code& ec,
                                               size_t) {
              if (ec) return fail("send", ec);
              http::async_read(stream, buffer, parser,
                               [&](const beast::error_code& ec, size_t) {
                                 if (ec) return fail("read", ec);
                                 result = absl::OkStatus();
                               });
            });
          });
        });
    ioc.run_for(std::chrono::microseconds(absl::ToInt64Microseconds(timeout_)));
    if (!result.has_value()) {
      beast::error_code ignored;
      stream.socket().close(ignored);
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
  HttpUrl url_;
  absl::Duration timeout_;
};

}  // namespace

absl::StatusOr<HttpUrl> ParseHttpUrl(absl::string_view url) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("base_url: \"", url, "\" ", why));
  };
  constexpr absl::string_view kScheme = "http://";
  if (!absl::StartsWithIgnoreCase(url, kScheme)) {
    return bad("must start with http:// (https is not supported yet)");
  }
  absl::string_view rest = url.substr(kScheme.size());
  size_t slash = rest.find('/');
  absl::string_view authority = rest.substr(0, slash);
  HttpUrl out;
  if (slash != absl::string_view::npos) {
    out.path = std::string(rest.substr(slash));
    while (!out.path.empty() && out.path.back() == '/') out.path.pop_back();
  }
  if (authority.empty()) return bad("has no host");
  size_t colon = authority.rfind(':');
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == absl::string_view::npos) return bad("has a bad IPv6 host");
    out.host = std::string(authority.substr(1, close - 1));
    colon = close + 1 < authority.size() && authority[close + 1] == ':'
                ? close + 1
                : absl::string_view::npos;
  } else {
    out.host = std::string(authority.substr(0, colon));
  }
  out.port = "80";
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
    absl::string_view base_url, absl::Duration timeout) {
  absl::StatusOr<HttpUrl> url = ParseHttpUrl(base_url);
  if (!url.ok()) return url.status();
  return std::unique_ptr<RangeFetcher>(
      new HttpRangeFetcher(*std::move(url), timeout));
}

}  // namespace vigil::internal
