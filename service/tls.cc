// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/tls.h"

#include "absl/strings/str_cat.h"

namespace vigil::service {

namespace ssl = boost::asio::ssl;

absl::StatusOr<std::unique_ptr<ssl::context>> CreateTlsContext(
    const std::string& cert_file, const std::string& key_file) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  boost::system::error_code ec;
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                       ssl::context::no_tlsv1_1 | ssl::context::single_dh_use,
                   ec);
  if (ec) return absl::InternalError(absl::StrCat("tls: ", ec.message()));
  ctx->use_certificate_chain_file(cert_file, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("tls.cert_file: ", cert_file, ": ", ec.message()));
  }
  ctx->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("tls.key_file: ", key_file, ": ", ec.message()));
  }
  return ctx;
}

}  // namespace vigil::service
