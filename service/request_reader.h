// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// service/request_reader.h: the decisions a connection makes around reading
// one request, apart from its socket, so that the fuzz target in tests/fuzz
// can push raw bytes through exactly what Session does: the request parser
// with the server's limits, the read buffer's bound, and the answer to a
// failed read.
//
// Contract: a fresh RequestParser gets LimitRequestParser() before its first
// byte and is read through a flat_buffer whose max_size() is
// RequestBufferLimit(); RefusalForReadError() maps the error that parser (or
// the read around it) returned to the response Session sends, after which the
// connection closes, or to nullopt when the connection just ends (the client
// went away, a timeout, a socket error): nothing is sent then.
//
// What is bounded, and how a request past a bound is refused:
//   - request line + headers: max_header_bytes (431);
//   - one header field: 65533 bytes, Beast's own ceiling (431);
//   - body: max_body_bytes, from Content-Length or as chunks arrive (413);
//   - chunk extensions: kMaxChunkExtensionBytes in all (400); a chunk-size
//     line or trailer section longer than the read buffer (400);
//   - trailer fields: none accepted (400), so nothing after the body can add
//     to or override the headers;
//   - Transfer-Encoding: exactly "chunked" on HTTP/1.1; another coding before
//     chunked is 501, chunked missing, not final or repeated is 400, and
//     any Transfer-Encoding on HTTP/1.0 is 400 (RFC 9112 6.1, 6.3).
// The parser never throws for any input.

#ifndef VIGIL_SERVICE_REQUEST_READER_H_
#define VIGIL_SERVICE_REQUEST_READER_H_

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "service/config.h"
#include "service/router.h"

namespace vigil::service {

// All chunk extensions of one request together (RFC 9112 7.1.1: recipients
// ignore them, and ought to limit them).
inline constexpr size_t kMaxChunkExtensionBytes = 1024;
// The longest header field name or value Beast can store.
inline constexpr size_t kMaxFieldBytes = 65533;

// Beast's request parser (boost::beast::http::parser) with the checks above
// in its callbacks; reads into a Request with a string body.
class RequestParser final : public boost::beast::http::basic_parser<true> {
 public:
  RequestParser();

  Request& get() { return request_; }
  const Request& get() const { return request_; }

 private:
  void on_request_impl(boost::beast::http::verb method,
                       boost::beast::string_view method_string,
                       boost::beast::string_view target, int version,
                       boost::beast::error_code& ec) override;
  void on_response_impl(int status, boost::beast::string_view reason,
                        int version, boost::beast::error_code& ec) override;
  void on_field_impl(boost::beast::http::field name,
                     boost::beast::string_view name_string,
                     boost::beast::string_view value,
                     boost::beast::error_code& ec) override;
  void on_header_impl(boost::beast::error_code& ec) override;
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                         boost::beast::error_code& ec) override;
  size_t on_body_impl(boost::beast::string_view body,
                      boost::beast::error_code& ec) override;
  void on_chunk_header_impl(std::uint64_t size,
                            boost::beast::string_view extensions,
                            boost::beast::error_code& ec) override;
  size_t on_chunk_body_impl(std::uint64_t remain,
                            boost::beast::string_view body,
                            boost::beast::error_code& ec) override;
  void on_finish_impl(boost::beast::error_code& ec) override;

  Request request_;
  boost::beast::http::string_body::reader body_;
  bool in_trailer_ = false;
  size_t extension_bytes_ = 0;
};

// The body (413) and header (431) size limits of `config`.
void LimitRequestParser(const ServiceConfig& config, RequestParser* parser);

// The max_size() of a connection's read buffer: room for the whole header
// (so that its limit is what refuses a long one) and one read more. Bodies
// pass through it; a chunk-size line or a trailer section must fit in it.
size_t RequestBufferLimit(const ServiceConfig& config);

// 413 for a body over the limit, 431 for headers over it, 501 for a
// transfer coding other than chunked, 400 for any other bytes that are not an
// acceptable HTTP/1.1 request; nullopt for anything else.
std::optional<Response> RefusalForReadError(const boost::beast::error_code& ec,
                                            const ServiceConfig& config);

}  // namespace vigil::service

#endif  // VIGIL_SERVICE_REQUEST_READER_H_
