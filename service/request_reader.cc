// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/request_reader.h"

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace vigil::service {

namespace beast = boost::beast;
namespace http = beast::http;

namespace {

// Why RequestParser refused a request (its own checks; Beast's are
// http::error).
enum class RequestError {
  kFieldTooLarge = 1,
  kChunkExtensions,
  kTrailerFields,
  kCodingNotChunked,
  kCodingUnsupported,
  kCodingOnHttp10,
};

class RequestErrorCategory : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "vigil.request"; }
  std::string message(int ev) const override {
    switch (static_cast<RequestError>(ev)) {
      case RequestError::kFieldTooLarge:
        return "header field too large";
      case RequestError::kChunkExtensions:
        return "chunk extensions too long";
      case RequestError::kTrailerFields:
        return "trailer fields";
      case RequestError::kCodingNotChunked:
        return "chunked is not the final transfer coding";
      case RequestError::kCodingUnsupported:
        return "unsupported transfer coding";
      case RequestError::kCodingOnHttp10:
        return "transfer-encoding on HTTP/1.0";
    }
    return "request error";
  }
};

const RequestErrorCategory& Category() {
  static const RequestErrorCategory* category = new RequestErrorCategory;
  return *category;
}

beast::error_code MakeError(RequestError e) {
  return beast::error_code(static_cast<int>(e), Category());
}

absl::string_view View(beast::string_view s) {
  return absl::string_view(s.data(), s.size());
}

// The transfer codings of every Transfer-Encoding field, in order; empty
// list elements skipped (RFC 9110 5.6.1), names lower-cased.
std::vector<std::string> TransferCodings(const Request& request) {
  std::vector<std::string> codings;
  auto [begin, end] = request.equal_range(http::field::transfer_encoding);
  for (auto it = begin; it != end; ++it) {
    for (absl::string_view element : absl::StrSplit(View(it->value()), ',')) {
      element = absl::StripAsciiWhitespace(element);
      if (!element.empty()) codings.push_back(absl::AsciiStrToLower(element));
    }
  }
  return codings;
}

}  // namespace

RequestParser::RequestParser() : body_(request_.base(), request_.body()) {}

void RequestParser::on_request_impl(http::verb method,
                                    beast::string_view method_string,
                                    beast::string_view target, int version,
                                    beast::error_code& ec) {
  ec = {};
  request_.target(target);
  if (method != http::verb::unknown) {
    request_.method(method);
  } else {
    request_.method_string(method_string);
  }
  request_.version(version);
}

void RequestParser::on_response_impl(int, beast::string_view, int,
                                     beast::error_code& ec) {
  ec = http::error::bad_version;  // a request parser never sees a status line
}

void RequestParser::on_field_impl(http::field name,
                                  beast::string_view name_string,
                                  beast::string_view value,
                                  beast::error_code& ec) {
  if (in_trailer_) {
    // Merged into the headers (Beast's parser does so) they would arrive
    // after the body and could stand in for any header, Authorization
    // included; vigil has no use for them.
    ec = MakeError(RequestError::kTrailerFields);
    return;
  }
  if (name_string.size() > kMaxFieldBytes || value.size() > kMaxFieldBytes) {
    // basic_fields throws std::length_error past this.
    ec = MakeError(RequestError::kFieldTooLarge);
    return;
  }
  request_.insert(name, name_string, value);
}

void RequestParser::on_header_impl(beast::error_code& ec) {
  ec = {};
  if (request_.find(http::field::transfer_encoding) == request_.end()) return;
  if (request_.version() < 11) {
    ec = MakeError(RequestError::kCodingOnHttp10);
    return;
  }
  // Beast frames the body as chunked when the last coding is chunked and
  // ignores any other: accept exactly the one framing both agree on.
  const std::vector<std::string> codings = TransferCodings(request_);
  if (!chunked() || codings.empty() || codings.back() != "chunked") {
    ec = MakeError(RequestError::kCodingNotChunked);
    return;
  }
  if (codings.size() > 1) {
    const bool repeated =
        std::count(codings.begin(), codings.end(), std::string("chunked")) > 1;
    ec = MakeError(repeated ? RequestError::kCodingNotChunked
                            : RequestError::kCodingUnsupported);
  }
}

void RequestParser::on_body_init_impl(
    const boost::optional<std::uint64_t>& content_length,
    beast::error_code& ec) {
  body_.init(content_length, ec);
}

size_t RequestParser::on_body_impl(beast::string_view body,
                                   beast::error_code& ec) {
  return body_.put(boost::asio::buffer(body.data(), body.size()), ec);
}

void RequestParser::on_chunk_header_impl(std::uint64_t size,
                                         beast::string_view extensions,
                                         beast::error_code& ec) {
  ec = {};
  extension_bytes_ += extensions.size();
  if (extension_bytes_ > kMaxChunkExtensionBytes) {
    ec = MakeError(RequestError::kChunkExtensions);
    return;
  }
  // The last chunk: what follows is the trailer section.
  if (size == 0) in_trailer_ = true;
}

size_t RequestParser::on_chunk_body_impl(std::uint64_t, beast::string_view body,
                                         beast::error_code& ec) {
  return body_.put(boost::asio::buffer(body.data(), body.size()), ec);
}

void RequestParser::on_finish_impl(beast::error_code& ec) { body_.finish(ec); }

void LimitRequestParser(const ServiceConfig& config, RequestParser* parser) {
  parser->body_limit(config.max_body_bytes);
  parser->header_limit(static_cast<std::uint32_t>(config.max_header_bytes));
}

size_t RequestBufferLimit(const ServiceConfig& config) {
  return config.max_header_bytes + 4096;
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
  if (ec.category() == Category()) {
    switch (static_cast<RequestError>(ec.value())) {
      case RequestError::kFieldTooLarge:
        return ErrorResponse(11, false, 431, "header_too_large",
                             absl::StrCat("headers: a field is larger than ",
                                          kMaxFieldBytes, " bytes"));
      case RequestError::kChunkExtensions:
        return ErrorResponse(
            11, false, 400, "bad_request",
            absl::StrCat("http: chunk extensions longer than ",
                         kMaxChunkExtensionBytes, " bytes in all"));
      case RequestError::kTrailerFields:
        return ErrorResponse(11, false, 400, "bad_request",
                             "http: trailer fields are not accepted");
      case RequestError::kCodingNotChunked:
        return ErrorResponse(
            11, false, 400, "bad_request",
            "http: transfer-encoding must end in chunked, once");
      case RequestError::kCodingUnsupported:
        return ErrorResponse(
            11, false, 501, "not_implemented",
            "http: the only transfer coding accepted is chunked");
      case RequestError::kCodingOnHttp10:
        return ErrorResponse(
            11, false, 400, "bad_request",
            "http: transfer-encoding is not allowed in HTTP/1.0");
    }
  }
  if (ec == http::error::buffer_overflow) {
    // The header fits (its limit is lower), so this is a chunk-size line
    // (with its extensions) or a trailer section that did not.
    return ErrorResponse(
        11, false, 400, "bad_request",
        absl::StrCat("http: a chunk header or the trailer section is longer "
                     "than ",
                     RequestBufferLimit(config), " bytes"));
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
