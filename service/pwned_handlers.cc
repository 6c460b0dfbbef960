// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// GET /range/{prefix}: the Pwned Passwords range API on the local corpus.
// POST /v1/passwords/check: {"password_sha1": "<40 hex>"} or
// {"password_ntlm": "<32 hex>"} -> {"compromised": bool, "count": n,
// "degraded": bool}, by the engine's password checker. "password_sha1" is the
// name POST /v1/evaluate gives the same hash; the first names of this route,
// "sha1" and "ntlm", are still accepted (deprecated in docs/openapi.yaml).

#include <openssl/rand.h>

#include <algorithm>
#include <boost/beast/http/field.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "service/handlers.h"
#include "service/json_codec.h"
#include "service/json_writer.h"

namespace vigil::service {
namespace {

namespace http = boost::beast::http;

constexpr int kMinPaddedRows = 800;
constexpr int kPaddingSpread = 200;

struct PasswordHashField {
  absl::string_view name;
  HashKind kind;
};
// The canonical names first; then the deprecated ones.
constexpr PasswordHashField kPasswordHashFields[] = {
    {"password_sha1", HashKind::kSha1},
    {"password_ntlm", HashKind::kNtlm},
    {"sha1", HashKind::kSha1},
    {"ntlm", HashKind::kNtlm},
};

const PasswordHashField* FindPasswordHashField(absl::string_view name) {
  for (const PasswordHashField& f : kPasswordHashFields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

// `n` random upper-case hex digits.
std::string RandomHex(size_t n) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string bytes((n + 1) / 2, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()),
             static_cast<int>(bytes.size()));
  std::string out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    uint8_t b = static_cast<uint8_t>(bytes[i / 2]);
    out.push_back(kHex[i % 2 == 0 ? b >> 4 : b & 0x0F]);
  }
  return out;
}

int RandomBelow(int n) {
  uint32_t r = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&r), sizeof(r));
  return static_cast<int>(r % static_cast<uint32_t>(n));
}

// Adds rows of count 0 with random suffixes up to 800 + [0, 200] rows.
void Pad(HashKind kind, std::vector<RangeEntry>* rows) {
  const int target = kMinPaddedRows + RandomBelow(kPaddingSpread + 1);
  if (static_cast<int>(rows->size()) >= target) return;
  absl::flat_hash_set<std::string> seen;
  for (const RangeEntry& e : *rows) seen.insert(e.suffix);
  const size_t len = static_cast<size_t>(HashHexLength(kind) - 5);
  while (static_cast<int>(rows->size()) < target) {
    std::string suffix = RandomHex(len);
    if (!seen.insert(suffix).second) continue;
    rows->push_back(RangeEntry{std::move(suffix), 0});
  }
  std::sort(rows->begin(), rows->end(),
            [](const RangeEntry& a, const RangeEntry& b) {
              return a.suffix < b.suffix;
            });
}

}  // namespace

Reply HandleRange(const Request& req, const std::string& prefix,
                  ServiceContext& ctx) {
  BreachCorpus* corpus = ctx.corpus();
  if (corpus == nullptr) {
    return ErrorReply(404, "not_found",
                      "range: this server keeps no local breach corpus");
  }
  std::vector<std::pair<std::string, std::string>> query;
  absl::string_view target(req.target().data(), req.target().size());
  if (!ParseQuery(target, &query)) {
    return ErrorReply(400, "bad_request", "query: malformed %-escape");
  }
  HashKind kind = HashKind::kSha1;
  for (const auto& [name, value] : query) {
    if (name != "mode") continue;
    if (absl::EqualsIgnoreCase(value, "ntlm")) {
      kind = HashKind::kNtlm;
    } else if (absl::EqualsIgnoreCase(value, "sha1")) {
      kind = HashKind::kSha1;
    } else {
      return ErrorReply(400, "bad_request", "mode: must be sha1 or ntlm");
    }
  }
  std::vector<RangeEntry> rows;
  absl::Status s = corpus->Range(kind, prefix, &rows);
  if (absl::IsInvalidArgument(s)) {
    return ErrorReply(400, "bad_request", s.message());
  }
  if (!s.ok()) return ErrorReply(503, "unavailable", "breach corpus: unavailable");
  absl::string_view padding;
  auto it = req.find("Add-Padding");
  if (it != req.end()) {
    padding = absl::string_view(it->value().data(), it->value().size());
  }
  if (absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(padding), "true")) {
    Pad(kind, &rows);
  }
  Reply r;
  r.content_type = "text/plain";
  r.body.reserve(rows.size() * (HashHexLength(kind) - 5 + 8));
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i > 0) r.body += "\r\n";
    absl::StrAppend(&r.body, rows[i].suffix, ":", rows[i].count);
  }
  r.cache_control =
      absl::StrCat("public, max-age=", ctx.config().pwned_range_max_age_s);
  r.headers.emplace_back("Vary", "Add-Padding");
  return r;
}

Reply HandlePasswordCheck(const Request& req, ServiceContext& ctx) {
  const PasswordChecker* checker = ctx.checker();
  if (checker == nullptr) {
    return ErrorReply(503, "unavailable", "engine: not open yet");
  }
  unsigned char buffer[1024];
  boost::json::monotonic_resource arena(buffer, sizeof(buffer));
  absl::StatusOr<boost::json::value> json = ParseJsonBody(
      absl::string_view(req.body().data(), req.body().size()),
      ctx.config().max_json_depth, boost::json::storage_ptr(&arena));
  if (!json.ok()) return ErrorReply(400, "malformed_json", json.status().message());
  const boost::json::object* obj = json->if_object();
  if (obj == nullptr) {
    return ErrorReply(422, "invalid_argument", "body: must be a JSON object");
  }
  HashKind kind = HashKind::kSha1;
  std::string hash;
  absl::string_view field_name;  // as the caller spelled it
  int fields = 0;
  for (const auto& [key, value] : *obj) {
    const absl::string_view k(key.data(), key.size());
    const PasswordHashField* field = FindPasswordHashField(k);
    if (field == nullptr) {
      return ErrorReply(
          422, "invalid_argument",
          UnknownFieldError(k, {"password_sha1", "password_ntlm"}).message());
    }
    // Never quoted back: it is a password hash.
    if (!value.is_string()) {
      return ErrorReply(422, "invalid_argument",
                        absl::StrCat(k, ": must be a string"));
    }
    kind = field->kind;
    field_name = field->name;
    hash.assign(value.get_string().data(), value.get_string().size());
    ++fields;
  }
  if (fields != 1) {
    return ErrorReply(422, "invalid_argument",
                      "body: give exactly one of password_sha1 or "
                      "password_ntlm");
  }
  absl::StatusOr<PasswordCheck> result = checker->Check(kind, hash);
  if (!result.ok()) {
    if (absl::IsInvalidArgument(result.status())) {
      // The checker names the hash kind ("sha1: ..."); the caller's field
      // name says which field was wrong.
      absl::string_view reason = result.status().message();
      absl::ConsumePrefix(&reason, absl::StrCat(HashKindName(kind), ": "));
      return ErrorReply(422, "invalid_argument",
                        absl::StrCat(field_name, ": ", reason));
    }
    return ErrorReply(503, "unavailable", "breach corpus: unavailable");
  }
  Reply r;
  JsonWriter w(&r.body);
  w.BeginObject();
  w.Key("compromised");
  w.Bool(result->compromised);
  w.Key("count");
  w.Int(result->count);
  w.Key("degraded");
  w.Bool(result->degraded);
  w.EndObject();
  return r;
}

std::string PwnedMetrics(ServiceContext& ctx) {
  std::string out;
  if (BreachCorpus* corpus = ctx.corpus()) {
    absl::StrAppend(&out,
                    "# HELP vigil_pwned_corpus_hashes Hashes in the local breach "
                    "corpus, by kind.\n"
                    "# TYPE vigil_pwned_corpus_hashes gauge\n");
    for (HashKind kind : {HashKind::kSha1, HashKind::kNtlm}) {
      absl::StatusOr<CorpusInfo> info = corpus->Info(kind);
      absl::StrAppend(&out, "vigil_pwned_corpus_hashes{kind=\"", HashKindName(kind),
                      "\"} ", info.ok() ? info->hashes : 0, "\n");
    }
  }
  if (const auto* remote = dynamic_cast<const RemoteChecker*>(ctx.checker())) {
    const RemoteCheckerStats s = remote->stats();
    absl::StrAppend(
        &out,
        "# HELP vigil_pwned_remote_total Remote range lookups, by result.\n"
        "# TYPE vigil_pwned_remote_total counter\n",
        "vigil_pwned_remote_total{result=\"fetched\"} ", s.requests - s.failures,
        "\nvigil_pwned_remote_total{result=\"cached\"} ", s.cache_hits,
        "\nvigil_pwned_remote_total{result=\"failed\"} ", s.failures, "\n");
  }
  return out;
}

}  // namespace vigil::service
