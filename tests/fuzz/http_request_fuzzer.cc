// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Fuzz target: raw bytes of one connection through vigild's request
// handling, as Session does it but without a socket: Beast's request parser
// with the server's limits (LimitRequestParser), the refusal for a bad read
// (RefusalForReadError), and the router with every handler (Handle) on a
// real engine: RocksDB in a temporary folder, the shipped default model, the
// MaxMind test databases of tests/data, a breach corpus,
// an MFA key file. Up to 8 pipelined requests per input, while the
// responses keep the connection alive. The bytes arrive in chunks whose
// size depends on the input length, so the parser sees partial reads.
//
// Invariants:
//   - no client input makes a 500 (an engine error the router did not
//     expect); other 5xx only as 503;
//   - every response serialises to HTTP that Beast parses back with the
//     same status and body (no header injection, a correct
//     Content-Length);
//   - a JSON response is valid JSON, and an error response is
//     {"error":{"code":<string>,"message":<string>}};
//   - a refused read (413/431/400) closes the connection.
//
// State: the engine keeps what the inputs taught it; it is recreated on a
// fresh folder every kRecycle inputs so that disk and memory stay bounded.
// A finding may therefore depend on earlier inputs: rerun the crash input on
// its own first.

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "fuzz_check.h"
#include "service/auth.h"
#include "service/config.h"
#include "service/pwned_setup.h"
#include "service/request_reader.h"
#include "service/router.h"
#include "service/service_context.h"
#include "vigil/engine.h"
#include "vigil/store.h"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using vigil::service::Request;
using vigil::service::Response;

constexpr int kRecycle = 2000;
constexpr int kMaxRequests = 8;

// The API keys the seeds and the dictionary use.
constexpr char kEvalKey[] = "fuzz-eval-key";
constexpr char kMfaKey[] = "fuzz-mfa-key";
constexpr char kAdminKey[] = "fuzz-admin-key";

// A SyncReadStream over the input, `chunk` bytes per read_some.
class ByteStream {
 public:
  using executor_type = net::any_io_executor;
  ByteStream(absl::string_view bytes, size_t chunk)
      : bytes_(bytes), chunk_(chunk) {}

  template <class MutableBufferSequence>
  size_t read_some(const MutableBufferSequence& buffers,
                   beast::error_code& ec) {
    ec = {};
    if (bytes_.empty()) {
      ec = net::error::eof;
      return 0;
    }
    const size_t want = std::min(chunk_, bytes_.size());
    const size_t n =
        net::buffer_copy(buffers, net::buffer(bytes_.data(), want));
    bytes_.remove_prefix(n);
    return n;
  }
  template <class MutableBufferSequence>
  size_t read_some(const MutableBufferSequence& buffers) {
    beast::error_code ec;
    const size_t n = read_some(buffers, ec);
    if (ec) throw beast::system_error(ec);
    return n;
  }

 private:
  absl::string_view bytes_;
  size_t chunk_;
};

class Server {
 public:
  Server() {
    char tmpl[] = "/tmp/vigil-fuzz-http-XXXXXX";
    FUZZ_CHECK(mkdtemp(tmpl) != nullptr, "mkdtemp");
    root_ = tmpl;
    std::atexit([] { std::filesystem::remove_all(Get().root_); });

    config_.model_path = VIGIL_SOURCE_DIR "/models/default.toml";
    config_.access_log = false;
    config_.pwned_seed_file = "";
    config_.geo = vigil::GeoOptions();
    const std::string maxmind = VIGIL_TESTDATA_DIR "/maxmind/";
    if (std::filesystem::exists(maxmind + "GeoIP2-City-Test.mmdb")) {
      config_.geo.city_dbs = {maxmind + "GeoIP2-City-Test.mmdb"};
      config_.geo.asn_dbs = {maxmind + "GeoLite2-ASN-Test.mmdb"};
    }
    config_.mfa_key_file = root_ + "/mfa.keys";
    std::ofstream(config_.mfa_key_file)
        << "k1 " << std::string(64, 'a') << "\n";
    using vigil::service::Scope;
    using vigil::service::ScopeSet;
    auto entry = [](const char* name, const char* key, Scope scope) {
      return vigil::service::ApiKeyEntry{
          name, vigil::service::HashApiKey(vigil::service::SecretString(key)),
          static_cast<ScopeSet>(scope)};
    };
    config_.api_keys = {entry("eval", kEvalKey, Scope::kEvaluate),
                        entry("mfa", kMfaKey, Scope::kMfa),
                        entry("admin", kAdminKey, Scope::kAdmin)};
    absl::StatusOr<std::unique_ptr<vigil::service::Authenticator>> auth =
        vigil::service::Authenticator::Create(config_.api_keys);
    FUZZ_CHECK(auth.ok(), "%s", std::string(auth.status().message()).c_str());
    auth_ = *std::move(auth);
    context_ =
        std::make_unique<vigil::service::ServiceContext>(config_, *auth_);
    Open();
  }

  static Server& Get() {
    static Server* server = new Server();
    return *server;
  }

  const vigil::service::ServiceConfig& config() const { return config_; }
  vigil::service::ServiceContext& context() { return *context_; }

  // Called once per input.
  void Tick() {
    if (++inputs_ % kRecycle == 0) {
      Close();
      Open();
    }
  }

 private:
  void Open() {
    config_.data_dir = absl::StrCat(root_, "/db", generation_++);
    vigil::RocksDbOptions db;
    db.path = config_.data_dir;
    db.disable_wal = true;
    absl::StatusOr<std::unique_ptr<vigil::Store>> store =
        vigil::OpenRocksDbStore(db);
    FUZZ_CHECK(store.ok(), "%s", std::string(store.status().message()).c_str());
    vigil::EngineOptions options;
    options.store = std::shared_ptr<vigil::Store>(std::move(*store));
    absl::StatusOr<vigil::service::PwnedSetup> pwned =
        vigil::service::SetUpPwned(config_, options.store);
    FUZZ_CHECK(pwned.ok(), "%s", std::string(pwned.status().message()).c_str());
    pwned_ = *std::move(pwned);
    options.password_checker = pwned_.checker;
    options.data_dir = config_.data_dir;
    options.model_path = config_.model_path;
    options.geo = config_.geo;
    options.mfa.key_file = config_.mfa_key_file;
    absl::StatusOr<std::unique_ptr<vigil::Engine>> engine =
        vigil::Engine::Create(std::move(options));
    FUZZ_CHECK(engine.ok(), "%s",
               std::string(engine.status().message()).c_str());
    engine_ = *std::move(engine);
    context_->set_pwned(pwned_.corpus.get(), pwned_.checker.get());
    context_->set_engine(engine_.get());
  }

  void Close() {
    context_->set_engine(nullptr);
    context_->set_pwned(nullptr, nullptr);
    engine_.reset();
    pwned_ = vigil::service::PwnedSetup();
    std::filesystem::remove_all(config_.data_dir);
  }

  std::string root_;
  vigil::service::ServiceConfig config_;
  std::unique_ptr<vigil::service::Authenticator> auth_;
  std::unique_ptr<vigil::service::ServiceContext> context_;
  vigil::service::PwnedSetup pwned_;
  std::unique_ptr<vigil::Engine> engine_;
  int generation_ = 0;
  int64_t inputs_ = 0;
};

void CheckResponse(Response& res) {
  const int status = res.result_int();
  FUZZ_CHECK(status >= 100 && status <= 599, "status %d", status);
  FUZZ_CHECK(status < 500 || status == 503, "status %d: %s", status,
             res.body().c_str());

  // On the wire, as Session writes it, and back.
  std::string wire;
  {
    Response copy = res;
    http::response_serializer<http::string_body> sr(copy);
    beast::error_code ec;
    do {
      sr.next(ec, [&](beast::error_code&, const auto& buffers) {
        const size_t n = net::buffer_size(buffers);
        const size_t at = wire.size();
        wire.resize(at + n);
        net::buffer_copy(net::buffer(&wire[at], n), buffers);
        sr.consume(n);
      });
      FUZZ_CHECK(!ec, "serialising: %s", ec.message().c_str());
    } while (!sr.is_done());
  }
  http::response_parser<http::string_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  parser.eager(true);
  beast::error_code ec;
  const size_t used = parser.put(net::buffer(wire), ec);
  FUZZ_CHECK(!ec && parser.is_done() && used == wire.size(),
             "response is not valid HTTP (%s): %s", ec.message().c_str(),
             wire.c_str());
  FUZZ_CHECK(static_cast<int>(parser.get().result_int()) == status &&
             parser.get().body() == res.body());

  const absl::string_view type(res[http::field::content_type].data(),
                               res[http::field::content_type].size());
  if (absl::StrContains(type, "json")) {
    boost::json::error_code jec;
    boost::json::value v = boost::json::parse(res.body(), jec);
    FUZZ_CHECK(!jec, "status %d: body is not JSON: %s", status,
               res.body().c_str());
    if (status >= 400) {
      const boost::json::object* o = v.if_object();
      const boost::json::value* err = o ? o->if_contains("error") : nullptr;
      FUZZ_CHECK(err != nullptr && err->is_object() &&
                     err->get_object().if_contains("code") != nullptr &&
                     err->get_object().at("code").is_string() &&
                     err->get_object().if_contains("message") != nullptr &&
                     err->get_object().at("message").is_string(),
                 "error body %s", res.body().c_str());
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // VIGIL_FUZZ_VERBOSE=1: print each request and its response (for seeds).
  static const bool kVerbose = std::getenv("VIGIL_FUZZ_VERBOSE") != nullptr;
  Server& server = Server::Get();
  server.Tick();
  const absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  ByteStream stream(bytes, 1 + size % 61);
  beast::flat_buffer buffer;
  for (int i = 0; i < kMaxRequests; ++i) {
    vigil::service::RequestParser parser;
    vigil::service::LimitRequestParser(server.config(), &parser);
    beast::error_code ec;
    http::read(stream, buffer, parser, ec);
    if (ec) {
      std::optional<Response> refusal =
          vigil::service::RefusalForReadError(ec, server.config());
      if (refusal.has_value()) {
        FUZZ_CHECK(!refusal->keep_alive(), "a refusal keeps the connection");
        CheckResponse(*refusal);
      }
      break;
    }
    vigil::service::RequestNotes notes;
    Response res =
        vigil::service::Handle(parser.get(), server.context(), &notes);
    if (kVerbose) {
      std::fprintf(stderr, "  %s %s -> %d %.120s\n",
                   std::string(parser.get().method_string()).c_str(),
                   std::string(parser.get().target()).c_str(), res.result_int(),
                   res.body().c_str());
    }
    CheckResponse(res);
    if (!res.keep_alive()) break;
  }
  return 0;
}
