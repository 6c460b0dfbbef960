// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/session.h"

#include <cxxabi.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <typeinfo>

#include "absl/strings/str_cat.h"
#include "service/access_log.h"
#include "service/client_address.h"
#include "service/request_reader.h"

namespace vigil::service {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

namespace {

std::chrono::steady_clock::duration ToChrono(absl::Duration d) {
  return absl::ToChronoNanoseconds(d);
}

// How long a refused connection keeps reading (and dropping) what the client
// is still sending, so that it gets to read the refusal instead of a reset.
constexpr auto kLinger = std::chrono::seconds(2);

// The demangled name of the exception in flight (nothing of its message,
// which may quote input).
std::string CurrentExceptionType() {
  std::type_info* type = abi::__cxa_current_exception_type();
  if (type == nullptr) return "unknown";
  int status = 0;
  char* name = abi::__cxa_demangle(type->name(), nullptr, nullptr, &status);
  std::string out = status == 0 && name != nullptr ? name : type->name();
  std::free(name);
  return out;
}

// The address as vigil's own type.
IpAddress IpAddressOf(const net::ip::address& address) {
  if (address.is_v4()) return IpAddress::FromV4(address.to_v4().to_uint());
  return IpAddress::FromV6(address.to_v6().to_bytes());
}

// Every line of header `name`, joined with ", " (one list, in order).
std::string JoinedHeader(const Request& req, absl::string_view name) {
  std::string out;
  auto range = req.equal_range(beast::string_view(name.data(), name.size()));
  for (auto it = range.first; it != range.second; ++it) {
    if (!out.empty()) out += ", ";
    out.append(it->value().data(), it->value().size());
  }
  return out;
}

}  // namespace

void RunConnections(net::io_context& ioc, Metrics& metrics, Logger* log) {
  for (;;) {
    try {
      ioc.run();
      return;
    } catch (...) {
      metrics.RecordConnectionError();
      const std::string type = CurrentExceptionType();
      OrDefault(log)->Log(
          LogLevel::kError, "internal_error",
          absl::StrCat("a connection failed with an internal error (", type,
                       ") and was closed"),
          {{"exception", type}, {"scope", "connection"}});
    }
  }
}

template <class Stream>
Session<Stream>::Session(Stream stream, ServiceContext& context,
                         ConnectionRegistry& registry)
    : stream_(std::move(stream)),
      context_(context),
      registry_(registry),
      buffer_(RequestBufferLimit(context.config())) {}

template <class Stream>
Session<Stream>::~Session() {
  if (registered_) {
    registry_.Remove(id_);
    context_.metrics().RecordConnectionClosed();
  }
}

template <class Stream>
void Session<Stream>::Start() {
  beast::error_code ec;
  auto& socket = beast::get_lowest_layer(stream_).socket();
  const net::ip::tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec) return;  // already gone; dropping the socket closes it
  peer_ = IpAddressOf(peer.address());
  // A trusted proxy carries many clients: their cap is not its own.
  const bool per_peer_cap = !context_.config().trusted_proxies.Contains(peer_);
  switch (registry_.Add(this->weak_from_this(), PeerKey(peer.address()), &id_,
                        per_peer_cap)) {
    case ConnectionRegistry::Admission::kAdmitted:
      break;
    case ConnectionRegistry::Admission::kAdmittedByEvicting:
      context_.metrics().RecordConnectionEvicted();
      break;
    case ConnectionRegistry::Admission::kRefusedPeerFull:
      context_.metrics().RecordConnectionRejectedPerIp();
      socket.close(ec);
      return;
    case ConnectionRegistry::Admission::kRefusedFull:
    case ConnectionRegistry::Admission::kRefusedShuttingDown:
      context_.metrics().RecordConnectionRejected();
      socket.close(ec);
      return;
  }
  registered_ = true;
  context_.metrics().RecordConnectionOpened();
  // Run everything on the connection's strand.
  net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
    if constexpr (kTls) {
      self->WaitForHandshake();
    } else {
      self->WaitForRequest();
    }
  });
}

// TLS: the first bytes of the handshake under the first-byte timeout, then
// the rest of it under the read timeout.
template <class Stream>
void Session<Stream>::WaitForHandshake() {
  if (shutting_down_) return CloseNow();
  idle_ = true;
  beast::get_lowest_layer(stream_).expires_after(
      ToChrono(context_.config().first_byte_timeout));
  beast::get_lowest_layer(stream_).async_read_some(
      buffer_.prepare(1024),
      beast::bind_front_handler(&Session::OnHandshakeBytes,
                                this->shared_from_this()));
}

template <class Stream>
void Session<Stream>::OnHandshakeBytes(beast::error_code ec, size_t n) {
  idle_ = false;
  if (ec) return CloseNow();
  if (!registry_.SetIdle(id_, false)) return CloseNow();  // evicted
  buffer_.commit(n);
  beast::get_lowest_layer(stream_).expires_after(
      ToChrono(context_.config().read_timeout));
  if constexpr (kTls) {
    stream_.async_handshake(
        net::ssl::stream_base::server, buffer_.data(),
        beast::bind_front_handler(&Session::OnHandshake,
                                  this->shared_from_this()));
  }
}

template <class Stream>
void Session<Stream>::OnHandshake(beast::error_code ec, size_t used) {
  if (ec) {
    if (ec == beast::error::timeout) context_.metrics().RecordTimeout();
    return;  // dropping the last reference closes the socket
  }
  // The engine takes every byte it is given, so nothing is left over.
  buffer_.consume(used);
  if (buffer_.size() != 0) return CloseNow();
  WaitForRequest();
}

template <class Stream>
void Session<Stream>::Shutdown() {
  net::post(stream_.get_executor(), [self = this->shared_from_this()] {
    self->shutting_down_ = true;
    // An idle connection is waiting for a request that may never come:
    // cancel the wait, whose handler then closes.
    if (self->idle_) beast::get_lowest_layer(self->stream_).cancel();
  });
}

template <class Stream>
void Session<Stream>::Evict() {
  net::post(stream_.get_executor(),
            [self = this->shared_from_this()] { self->CloseNow(); });
}

template <class Stream>
void Session<Stream>::WaitForRequest() {
  if (shutting_down_) return Close();
  if (buffer_.size() > 0) return ReadRequest();  // pipelined bytes
  if (!registry_.SetIdle(id_, true)) return CloseNow();
  idle_ = true;
  beast::get_lowest_layer(stream_).expires_after(
      ToChrono(answered_any_ ? context_.config().idle_timeout
                             : context_.config().first_byte_timeout));
  stream_.async_read_some(buffer_.prepare(1024),
                          beast::bind_front_handler(&Session::OnFirstBytes,
                                                    this->shared_from_this()));
}

template <class Stream>
void Session<Stream>::OnFirstBytes(beast::error_code ec, size_t n) {
  idle_ = false;
  if (ec) {
    // Idle or first-byte timeout, the client closing, eviction or shutdown:
    // all end the connection.
    return Close();
  }
  // Evicted just as the bytes came: the eviction was first.
  if (!registry_.SetIdle(id_, false)) return CloseNow();
  buffer_.commit(n);
  ReadRequest();
}

template <class Stream>
void Session<Stream>::ReadRequest() {
  parser_.emplace();
  LimitRequestParser(context_.config(), &*parser_);
  beast::get_lowest_layer(stream_).expires_after(
      ToChrono(context_.config().read_timeout));
  http::async_read(
      stream_, buffer_, *parser_,
      beast::bind_front_handler(&Session::OnRead, this->shared_from_this()));
}

template <class Stream>
void Session<Stream>::OnRead(beast::error_code ec, size_t) {
  started_ = absl::Now();
  notes_ = RequestNotes{};
  // The caller's address, for the access log (service/client_address.h).
  const ServiceConfig& config = context_.config();
  if (config.access_log) {
    client_ = config.trusted_proxies.empty() || !parser_->is_header_done()
                  ? peer_.ToString()
                  : ResolveClientAddress(
                        peer_, config.trusted_proxies,
                        JoinedHeader(parser_->get(), "Forwarded"),
                        JoinedHeader(parser_->get(), "X-Forwarded-For"))
                        .ToString();
  }
  if (parser_->is_header_done()) {
    notes_.route = MatchRoute(absl::string_view(parser_->get().target().data(),
                                                parser_->get().target().size()))
                       .route;
    method_ = absl::string_view(parser_->get().method_string().data(),
                                parser_->get().method_string().size());
  } else {
    method_ = "";
  }
  if (ec) return OnReadError(ec);

  const Request& req = parser_->get();
  LogFlusher* flusher = context_.log_flusher();
  const uint64_t mark = flusher != nullptr ? flusher->Mark() : 0;
  try {
    response_ = Handle(req, context_, &notes_);
  } catch (...) {
    context_.metrics().RecordConnectionError();
    const std::string type = CurrentExceptionType();
    context_.log().Log(
        LogLevel::kError, "internal_error",
        absl::StrCat("a request failed with an internal error (", type,
                     "); answered 500 and closed its connection"),
        {{"exception", type},
         {"scope", "request"},
         {"route", RouteTemplate(notes_.route)}});
    response_ =
        ErrorResponse(req.version(), false, 500, "internal", "internal error");
  }
  bool close_after =
      !response_.keep_alive() || shutting_down_ || context_.draining();
  if (close_after) response_.keep_alive(false);
  if (flusher == nullptr || !flusher->NeedsFlush(mark)) return Write(close_after);
  // The request wrote (or another did, not yet in the log file): answer once
  // the log is, together with the other requests of this round.
  flusher->Then([self = this->shared_from_this(), close_after](const absl::Status& s) {
    net::dispatch(self->stream_.get_executor(), [self, close_after, s] {
      if (!s.ok()) {
        // Not durable: not a success either.
        self->response_ = ErrorResponse(11, false, 503, "unavailable",
                                        "store: the write could not be logged");
        return self->Write(true);
      }
      self->Write(close_after);
    });
  });
}

template <class Stream>
void Session<Stream>::OnReadError(beast::error_code ec) {
  std::optional<Response> refusal = RefusalForReadError(ec, context_.config());
  if (refusal.has_value()) {
    // The rest of the request is not read, so the connection cannot go on.
    response_ = *std::move(refusal);
    return Write(true);
  }
  if (ec == beast::error::timeout) context_.metrics().RecordTimeout();
  // The connection itself ended or failed.
  Close();
}

template <class Stream>
void Session<Stream>::Write(bool close_after) {
  beast::get_lowest_layer(stream_).expires_after(
      ToChrono(context_.config().write_timeout));
  http::async_write(
      stream_, response_,
      beast::bind_front_handler(&Session::OnWrite, this->shared_from_this(),
                                close_after));
}

template <class Stream>
void Session<Stream>::OnWrite(bool close_after, beast::error_code ec, size_t) {
  int status = response_.result_int();
  absl::Duration latency = absl::Now() - started_;
  context_.metrics().RecordRequest(notes_.route, method_, status, latency);
  if (context_.config().access_log) {
    WriteAccessLog({started_, method_, notes_.route, status, latency,
                    notes_.event_id, notes_.key_name, client_});
  }
  parser_.reset();
  response_ = {};
  answered_any_ = true;
  if (ec) {
    if (ec == beast::error::timeout) context_.metrics().RecordTimeout();
    return Close();
  }
  if (close_after) return Close();
  WaitForRequest();
}

template <class Stream>
void Session<Stream>::Close() {
  beast::error_code ec;
  if constexpr (kTls) {
    // Best effort close_notify, bounded by a short timeout.
    beast::get_lowest_layer(stream_).expires_after(kLinger);
    stream_.async_shutdown(
        [self = this->shared_from_this()](beast::error_code) {
          beast::error_code ignored;
          beast::get_lowest_layer(self->stream_).socket().close(ignored);
        });
  } else {
    // Send FIN, then drop whatever the client still sends for a moment: a
    // close with unread data would reset the connection and the client could
    // lose the response (e.g. a 413 while it is still uploading).
    auto& socket = beast::get_lowest_layer(stream_).socket();
    socket.shutdown(net::ip::tcp::socket::shutdown_send, ec);
    if (ec) return;
    beast::get_lowest_layer(stream_).expires_after(kLinger);
    Discard();
  }
}

// For a connection with nothing in flight (idle, evicted, not through its
// handshake): no response to protect, so no linger and no close_notify.
template <class Stream>
void Session<Stream>::CloseNow() {
  beast::get_lowest_layer(stream_).close();
}

template <class Stream>
void Session<Stream>::Discard() {
  beast::get_lowest_layer(stream_).async_read_some(
      net::buffer(discard_),
      [self = this->shared_from_this()](beast::error_code ec, size_t) {
        if (ec) {
          beast::error_code ignored;
          beast::get_lowest_layer(self->stream_).socket().close(ignored);
          return;
        }
        self->Discard();
      });
}

template class Session<PlainStream>;
template class Session<TlsStream>;

}  // namespace vigil::service
