// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/listener.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "absl/strings/str_cat.h"
#include "service/session.h"

namespace vigil::service {

namespace net = boost::asio;
using tcp = net::ip::tcp;

Listener::Listener(net::io_context& ioc, ServiceContext& context,
                   ConnectionRegistry& registry, net::ssl::context* tls)
    : ioc_(ioc),
      acceptor_(net::make_strand(ioc)),
      retry_timer_(acceptor_.get_executor()),
      context_(context),
      registry_(registry),
      tls_(tls) {}

absl::StatusOr<std::shared_ptr<Listener>> Listener::Create(
    net::io_context& ioc, const std::string& host, uint16_t port,
    ServiceContext& context, ConnectionRegistry& registry,
    net::ssl::context* tls) {
  std::string where = absl::StrCat("listen ", host, ":", port);
  boost::system::error_code ec;
  net::ip::address address = net::ip::make_address(host, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": the host must be an IP address"));
  }
  std::shared_ptr<Listener> l(new Listener(ioc, context, registry, tls));
  tcp::endpoint endpoint(address, port);
  auto fail = [&](absl::string_view what) {
    return absl::UnavailableError(
        absl::StrCat(where, ": ", what, ": ", ec.message()));
  };
  l->acceptor_.open(endpoint.protocol(), ec);
  if (ec) return fail("open");
  l->acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) return fail("set_option");
  l->acceptor_.bind(endpoint, ec);
  if (ec) return fail("bind");
  l->acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen");
  return l;
}

std::string Listener::address() const {
  boost::system::error_code ec;
  tcp::endpoint e = acceptor_.local_endpoint(ec);
  if (e.address().is_v6()) {
    return absl::StrCat("[", e.address().to_string(), "]:", e.port());
  }
  return absl::StrCat(e.address().to_string(), ":", e.port());
}

void Listener::Start() {
  net::dispatch(acceptor_.get_executor(),
                [self = shared_from_this()] { self->Accept(); });
}

void Listener::Stop() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ec;
    self->retry_timer_.cancel();
    self->acceptor_.close(ec);
  });
}

void Listener::Accept() {
  // Each connection gets its own strand.
  acceptor_.async_accept(net::make_strand(ioc_),
                         [self = shared_from_this()](
                             boost::system::error_code ec, tcp::socket socket) {
                           self->OnAccept(ec, std::move(socket));
                         });
}

void Listener::OnAccept(boost::system::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    // E.g. out of file descriptors: back off instead of spinning.
    retry_timer_.expires_after(std::chrono::milliseconds(50));
    retry_timer_.async_wait(
        [self = shared_from_this()](boost::system::error_code wait_ec) {
          if (!wait_ec) self->Accept();
        });
    return;
  }
  socket.set_option(tcp::no_delay(true), ec);
  if (tls_ != nullptr) {
    std::make_shared<Session<TlsStream>>(
        TlsStream(PlainStream(std::move(socket)), *tls_), context_, registry_)
        ->Start();
  } else {
    std::make_shared<Session<PlainStream>>(PlainStream(std::move(socket)),
                                           context_, registry_)
        ->Start();
  }
  Accept();
}

}  // namespace vigil::service
