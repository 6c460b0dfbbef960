// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/request_reader.h"

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <cstdint>

#include "absl/strings/str_cat.h"

namespace vigil::service {

namespace beast = boost::beast;
namespace http = beast::http;

void LimitRequestParser(const ServiceConfig& config, RequestParser* parser) {
  parser->body_limit(config.max_body_bytes);
  parser->header_limit(static_cast<std::uint32_t>(config.max_header_bytes));
}

std::optional<Response> RefusalForReadError(const beast::error_code& ec,
                                            const ServiceConfig& config) {
  if (ec == http::error::body_limit) {
    return ErrorResponse(
        11, false, 413, "payload_too_large",
        absl::StrCat("body: larger than ", config.max_body_bytes, " bytes"));
  }
  if (ec == http::error::header_limit) {
    return ErrorResponse(11, false, 431, "header_too_large",
                         absl::StrCat("headers: larger than ",
                                      config.max_header_bytes, " bytes"));
  }
  const bool parse_error =
      ec.category() ==
          http::make_error_code(http::error::bad_target).category() &&
      ec != http::error::end_of_stream && ec != http::error::partial_message;
  if (parse_error) {
    return ErrorResponse(11, false, 400, "bad_request",
                         absl::StrCat("http: ", ec.message()));
  }
  return std::nullopt;
}

}  // namespace vigil::service
