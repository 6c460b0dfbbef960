// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// service/session.h: one HTTP/1.1 connection, plain or TLS, as in the Beast
// examples' async server.
//
// Every connection is bounded: the header size (431) and body size (413,
// refused from the Content-Length or as soon as a chunked body passes the
// limit, never buffered), a read timeout from the first byte of a request to
// its last (a client trickling bytes is dropped), an idle timeout between
// kept-alive requests, and a write timeout. Requests are handled on the
// connection's strand by Handle() and logged after their response is sent.

#ifndef VIGIL_SERVICE_SESSION_H_
#define VIGIL_SERVICE_SESSION_H_

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdint>
#include <memory>
#include <optional>

#include "absl/time/time.h"
#include "service/connections.h"
#include "service/router.h"
#include "service/service_context.h"

namespace vigil::service {

using PlainStream = boost::beast::tcp_stream;
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

template <class Stream>
class Session : public Connection,
                public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(Stream stream, ServiceContext& context, ConnectionRegistry& registry);
  ~Session() override;

  // Registers with the registry (closing at once if over the cap), then
  // reads requests until the client or shutdown ends the connection.
  void Start();
  void Shutdown() override;

 private:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  void OnHandshake(boost::beast::error_code ec);
  void WaitForRequest();
  void OnFirstBytes(boost::beast::error_code ec, size_t n);
  void ReadRequest();
  void OnRead(boost::beast::error_code ec, size_t n);
  void OnReadError(boost::beast::error_code ec);
  void Write(bool close_after);
  void OnWrite(bool close_after, boost::beast::error_code ec, size_t n);
  void Close();
  void Discard();

  Stream stream_;
  ServiceContext& context_;
  ConnectionRegistry& registry_;
  uint64_t id_ = 0;
  bool registered_ = false;
  boost::beast::flat_buffer buffer_;
  std::optional<
      boost::beast::http::request_parser<boost::beast::http::string_body>>
      parser_;
  Response response_;
  RequestNotes notes_;
  absl::string_view method_;
  absl::Time started_;
  bool idle_ = false;
  bool shutting_down_ = false;
  char discard_[4096];
};

extern template class Session<PlainStream>;
extern template class Session<TlsStream>;

}  // namespace vigil::service

#endif  // VIGIL_SERVICE_SESSION_H_
