// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Fuzz target: raw bytes of one connection through vigild's request
// handling, as Session does it but without a socket: Beast's request parser
// with the server's limits (LimitRequestParser) read through a buffer bounded
// as Session's (RequestBufferLimit), the refusal for a bad read
// (RefusalForReadError), and the router with every handler (Handle) on a
// real engine: RocksDB in a temporary folder, the shipped default model, the
// MaxMind test databases of tests/data, a breach corpus,
// an MFA key file. Up to 8 pipelined requests per input, while the
// responses keep the connection alive. The bytes arrive in chunks whose
// size depends on the input length, so the parser sees partial reads.
//
// Chunked mode (an input starting with kChunkedMode): the rest describes a
// chunked request, built with chunk extensions and trailer fields whose
// sizes come from the input and reach past every limit (extensions,
// kMaxFieldBytes, the read buffer); see BuildChunked().
//
// Invariants:
//   - no client input makes a 500 (an engine error the router did not
//     expect); other 5xx only as 503;
//   - every response serialises to HTTP that Beast parses back with the
//     same status and body (no header injection, a correct
//     Content-Length);
//   - a JSON response is valid JSON, and an error response is
//     {"error":{"code":<string>,"message":<string>}};
//   - a refused read (413/431/400/501) closes the connection; 501 only for
//     a transfer coding;
//   - nothing throws (an escaping exception aborts the target), and the
//     read buffer never holds more than RequestBufferLimit();
//   - chunked mode: a request with any trailer field, or with more than
//     kMaxChunkExtensionBytes of extensions, is refused, never
//     handled; one that is handled has exactly the chunks' data as body.
//
// State: the engine keeps what the inputs taught it; it is recreated on a
// fresh folder every kRecycle inputs so that disk and memory stay bounded.
// A finding may therefore depend on earlier inputs: rerun the crash input on
// its own first.

#include <algorithm>
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
#include <optional>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
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
// First byte of a chunked-mode input (not a byte an HTTP request starts
// with).
constexpr uint8_t kChunkedMode = 0xC7;

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
  FUZZ_CHECK(
      status < 500 || status == 503 ||
          (status == 501 && absl::StrContains(res.body(), "transfer coding")),
      "status %d: %s", status, res.body().c_str());

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

// Reads input bytes for BuildChunked(); zeros once it runs out.
class Cursor {
 public:
  explicit Cursor(absl::string_view bytes) : bytes_(bytes) {}
  uint8_t Byte() {
    if (bytes_.empty()) return 0;
    const uint8_t b = static_cast<uint8_t>(bytes_[0]);
    bytes_.remove_prefix(1);
    return b;
  }
  // 0 .. 255 << 9: small sizes and sizes past every limit alike.
  size_t Size() {
    const size_t mantissa = Byte();
    return mantissa << (Byte() % 10);
  }
  // Up to `max` input bytes, up to the next 0x00 (consumed).
  absl::string_view Text(size_t max) {
    size_t n = 0;
    while (n < bytes_.size() && n < max && bytes_[n] != '\0') ++n;
    absl::string_view out = bytes_.substr(0, n);
    bytes_.remove_prefix(std::min(bytes_.size(), n + 1));
    return out;
  }

 private:
  absl::string_view bytes_;
};

struct ChunkedRequest {
  std::string wire;
  std::string data;            // the body, once the chunks are joined
  size_t extension_bytes = 0;  // as the parser counts them (after "N")
  size_t trailer_fields = 0;
};

// Layout: route byte, header text (lines split by '\n', up to 0x00), chunk
// count byte, extension size, trailer field count byte, trailer field size,
// body text (the rest).
ChunkedRequest BuildChunked(absl::string_view input) {
  static constexpr const char* kTargets[] = {
      "POST /v1/evaluate", "GET /healthz", "GET /metrics",
      "POST /v1/events/00/outcome", "GET /v1/feedback?token=x"};
  Cursor in(input);
  ChunkedRequest r;
  const uint8_t route = in.Byte();
  absl::StrAppend(&r.wire, kTargets[route % std::size(kTargets)],
                  " HTTP/1.1\r\nHost: x\r\n");
  if (route & 0x80) {
    absl::StrAppend(&r.wire, "Authorization: Bearer ", kEvalKey,
                    "\r\nContent-Type: application/json\r\n");
  }
  for (absl::string_view line : absl::StrSplit(in.Text(512), '\n')) {
    std::string clean(line);
    clean.erase(std::remove(clean.begin(), clean.end(), '\r'), clean.end());
    if (!clean.empty()) absl::StrAppend(&r.wire, clean, "\r\n");
  }
  absl::StrAppend(&r.wire, "Transfer-Encoding: chunked\r\n\r\n");
  const size_t chunks = 1 + in.Byte() % 8;
  const size_t extension = in.Size();
  const size_t fields = in.Byte() % 4;
  const size_t field_size = in.Size();
  r.data = std::string(in.Text(std::numeric_limits<size_t>::max()));
  // Each chunk, then the last one, carries ";e=" and its share of the
  // extension bytes.
  const size_t per_chunk = extension / (chunks + 1);
  auto ext = [&] {
    if (per_chunk == 0) return std::string();
    std::string e = ";e=";
    e.append(per_chunk, 'x');
    r.extension_bytes += e.size();
    return e;
  };
  size_t at = 0;
  for (size_t i = 0; i < chunks && at < r.data.size(); ++i) {
    const size_t n = i + 1 == chunks
                         ? r.data.size() - at
                         : std::max<size_t>(1, r.data.size() / chunks);
    const size_t take = std::min(n, r.data.size() - at);
    absl::StrAppend(&r.wire, absl::Hex(take), ext(), "\r\n",
                    absl::string_view(r.data).substr(at, take), "\r\n");
    at += take;
  }
  absl::StrAppend(&r.wire, "0", ext(), "\r\n");
  for (size_t i = 0; i < fields; ++i) {
    absl::StrAppend(&r.wire, "X-T", i, ": ", std::string(field_size, 't'),
                    "\r\n");
    ++r.trailer_fields;
  }
  absl::StrAppend(&r.wire, "\r\n");
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // VIGIL_FUZZ_VERBOSE=1: print each request and its response (for seeds).
  static const bool kVerbose = std::getenv("VIGIL_FUZZ_VERBOSE") != nullptr;
  Server& server = Server::Get();
  server.Tick();
  absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::optional<ChunkedRequest> chunked;
  if (size > 0 && data[0] == kChunkedMode) {
    chunked = BuildChunked(bytes.substr(1));
    bytes = chunked->wire;
  }
  ByteStream stream(bytes, chunked ? 1 + size * 509 % 65536 : 1 + size % 61);
  const size_t buffer_limit =
      vigil::service::RequestBufferLimit(server.config());
  beast::flat_buffer buffer(buffer_limit);
  for (int i = 0; i < kMaxRequests; ++i) {
    vigil::service::RequestParser parser;
    vigil::service::LimitRequestParser(server.config(), &parser);
    beast::error_code ec;
    http::read(stream, buffer, parser, ec);
    FUZZ_CHECK(buffer.size() <= buffer_limit, "read buffer holds %zu bytes",
               buffer.size());
    const bool must_refuse =
        chunked && i == 0 &&
        (chunked->trailer_fields > 0 ||
         chunked->extension_bytes > vigil::service::kMaxChunkExtensionBytes);
    if (ec) {
      std::optional<Response> refusal =
          vigil::service::RefusalForReadError(ec, server.config());
      FUZZ_CHECK(!must_refuse || refusal.has_value(),
                 "chunked request ended without a refusal: %s",
                 ec.message().c_str());
      if (refusal.has_value()) {
        FUZZ_CHECK(!refusal->keep_alive(), "a refusal keeps the connection");
        const int status = refusal->result_int();
        FUZZ_CHECK((status >= 400 && status < 500) || status == 501,
                   "refusal %d", status);
        CheckResponse(*refusal);
      }
      break;
    }
    FUZZ_CHECK(!must_refuse,
               "handled with %zu trailer fields, %zu extension bytes",
               chunked->trailer_fields, chunked->extension_bytes);
    if (chunked && i == 0) {
      FUZZ_CHECK(parser.get().body() == chunked->data,
                 "chunked body differs from its chunks");
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
