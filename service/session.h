// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// service/session.h: one HTTP/1.1 connection, plain or TLS, as in the Beast
// examples' async server.
//
// Every connection is bounded: the header size (431) and body size (413,
// refused from the Content-Length or as soon as a chunked body passes the
// limit, never buffered), chunk extensions, trailers and transfer codings as
// service/request_reader.h says, a read buffer of RequestBufferLimit(), a
// first-byte timeout for a new connection, a read timeout from the first byte
// of a request to its last (a client trickling bytes is dropped), an idle
// timeout between kept-alive requests, and a write timeout; the registry caps
// connections (service/connections.h). Requests are handled on the
// connection's strand by Handle() and logged after their response is sent.
//
// Failures stay inside their connection: an exception from Handle() is
// answered 500 and closes the connection; one from anywhere else in a
// connection's handlers (Beast's parser included) leaves the io_context's
// run() through RunConnections(), which logs and counts it and runs on; the
// connection's handler, and with it the connection, is released as the
// exception unwinds.

#ifndef VIGIL_SERVICE_SESSION_H_
#define VIGIL_SERVICE_SESSION_H_

#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdint>
#include <memory>
#include <optional>

#include "absl/time/time.h"
#include "service/connections.h"
#include "service/request_reader.h"
#include "service/router.h"
#include "service/service_context.h"
#include "vigil/ip_address.h"

namespace vigil::service {

using PlainStream = boost::beast::tcp_stream;
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

template <class Stream>
class Session : public Connection,
                public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(Stream stream, ServiceContext& context, ConnectionRegistry& registry);
  ~Session() override;

  // Registers with the registry (closing at once if refused), then reads
  // requests until the client, a timeout, eviction or shutdown ends the
  // connection.
  void Start();
  void Shutdown() override;
  void Evict() override;

 private:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  void WaitForHandshake();
  void OnHandshakeBytes(boost::beast::error_code ec, size_t n);
  void OnHandshake(boost::beast::error_code ec, size_t used);
  void WaitForRequest();
  void OnFirstBytes(boost::beast::error_code ec, size_t n);
  void ReadRequest();
  void OnRead(boost::beast::error_code ec, size_t n);
  void OnReadError(boost::beast::error_code ec);
  void Write(bool close_after);
  void OnWrite(bool close_after, boost::beast::error_code ec, size_t n);
  void Close();
  void CloseNow();
  void Discard();

  Stream stream_;
  ServiceContext& context_;
  ConnectionRegistry& registry_;
  uint64_t id_ = 0;
  bool registered_ = false;
  boost::beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  Response response_;
  RequestNotes notes_;
  IpAddress peer_;      // the TCP peer
  std::string client_;  // of the current request (service/client_address.h)
  absl::string_view method_;
  absl::Time started_;
  bool idle_ = false;
  bool answered_any_ = false;  // until then, the first-byte timeout
  bool shutting_down_ = false;
  char discard_[4096];
};

// Runs `ioc`'s handlers on this thread until it is out of work. An exception
// that escapes a handler is logged on stderr (its type only: no request
// data), counted in `metrics` (vigil_http_connection_errors_total), and run()
// goes on; the connection whose handler threw has been released by then.
// `log` null: DefaultLogger().
void RunConnections(boost::asio::io_context& ioc, Metrics& metrics,
                    Logger* log = nullptr);

extern template class Session<PlainStream>;
extern template class Session<TlsStream>;

}  // namespace vigil::service

#endif  // VIGIL_SERVICE_SESSION_H_
