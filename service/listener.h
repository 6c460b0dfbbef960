// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// service/listener.h: accepts connections and starts a Session on its own
// strand for each, plain or TLS.

#ifndef VIGIL_SERVICE_LISTENER_H_
#define VIGIL_SERVICE_LISTENER_H_

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "service/connections.h"
#include "service/service_context.h"

namespace vigil::service {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Binds and listens on host:port (port 0: a free one). `tls` null: plain
  // HTTP. Everything passed in must outlive the listener.
  static absl::StatusOr<std::shared_ptr<Listener>> Create(
      boost::asio::io_context& ioc, const std::string& host, uint16_t port,
      ServiceContext& context, ConnectionRegistry& registry,
      boost::asio::ssl::context* tls);

  // The bound address, e.g. "127.0.0.1:41234" or "[::1]:8080".
  std::string address() const;

  void Start();
  // Stops accepting; safe from any thread.
  void Stop();

 private:
  Listener(boost::asio::io_context& ioc, ServiceContext& context,
           ConnectionRegistry& registry, boost::asio::ssl::context* tls);
  void Accept();
  void OnAccept(boost::system::error_code ec,
                boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  ServiceContext& context_;
  ConnectionRegistry& registry_;
  boost::asio::ssl::context* tls_;
};

}  // namespace vigil::service

#endif  // VIGIL_SERVICE_LISTENER_H_
