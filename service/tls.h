// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// service/tls.h: the server's TLS context (TLS 1.2 and newer) from a PEM
// certificate chain and private key.

#ifndef VIGIL_SERVICE_TLS_H_
#define VIGIL_SERVICE_TLS_H_

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace vigil::service {

// InvalidArgument naming the file that could not be used.
absl::StatusOr<std::unique_ptr<boost::asio::ssl::context>> CreateTlsContext(
    const std::string& cert_file, const std::string& key_file);

}  // namespace vigil::service

#endif  // VIGIL_SERVICE_TLS_H_
