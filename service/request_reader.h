// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// service/request_reader.h: the two decisions a connection makes around
// reading one request, apart from its socket, so that the fuzz target in
// tests/fuzz can push raw bytes through exactly what Session does: a
// request parser with the server's limits, and the answer to a failed read.
//
// Contract: LimitRequestParser() is applied to a fresh parser before its
// first byte; RefusalForReadError() maps the error that parser (or the read
// around it) returned to the response Session sends, after which the
// connection closes, or to nullopt when the connection just ends (the client
// went away, a timeout, a socket error): nothing is sent then.

#ifndef VIGIL_SERVICE_REQUEST_READER_H_
#define VIGIL_SERVICE_REQUEST_READER_H_

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <optional>

#include "service/config.h"
#include "service/router.h"

namespace vigil::service {

using RequestParser =
    boost::beast::http::request_parser<boost::beast::http::string_body>;

// The body (413) and header (431) size limits of `config`.
void LimitRequestParser(const ServiceConfig& config, RequestParser* parser);

// 413 for a body over the limit, 431 for headers over it, 400 for bytes
// that are not HTTP/1.1; nullopt for anything else.
std::optional<Response> RefusalForReadError(const boost::beast::error_code& ec,
                                            const ServiceConfig& config);

}  // namespace vigil::service

#endif  // VIGIL_SERVICE_REQUEST_READER_H_
