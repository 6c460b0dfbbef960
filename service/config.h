// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// service/config.h: vigild's configuration: one TOML file (service/vigild.toml
// documents every key and its default), overridden by command-line flags.
//
// A ServiceConfig that came out of LoadServiceConfig() is valid: every key
// was checked once, here, and errors name the file, the key and the reason,
// e.g. "vigild.toml: server.read_timeout_ms: must be between 1 and 3600000".
// Unknown keys and tables are refused, so a typo does not silently fall back
// to a default. Relative paths are relative to the working directory; the
// built-in defaults of the shipped files depend on the install
// (service/install_layout.h).

#ifndef VIGIL_SERVICE_CONFIG_H_
#define VIGIL_SERVICE_CONFIG_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cli/flags.h"
#include "service/auth.h"
#include "service/install_layout.h"
#include "vigil/geo.h"
#include "vigil/ip_address.h"
#include "vigil/log.h"
#include "vigil/mfa.h"
#include "vigil/passkeys.h"
#include "vigil/notify.h"

namespace vigil::service {

// [dovecot]: how POST /v1/policy/dovecot answers (service/dovecot_policy.h).
struct DovecotOptions {
  // What a challenge becomes for a client that cannot answer one (IMAP,
  // POP3, SMTP AUTH): "reject" (status -1 with challenge_message) or
  // "tarpit" (status tarpit_seconds: Dovecot waits that long, then goes on
  // with the login).
  std::string challenge = "reject";
  int tarpit_seconds = 5;
  // The "msg" of a refusal; Dovecot shows it to the client ([ALERT] in
  // IMAP). One line of printable text, at most 200 bytes.
  std::string challenge_message =
      "Verification needed: sign in on the web first, then try again";
  std::string block_message = "Sign-in refused by the security policy";
};

struct ServiceConfig {
  // The file the values came from, or "<defaults>".
  std::string source = "<defaults>";

  // [server]
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 8080;  // 0: pick a free port
  int threads = 0;              // 0: one per core
  int max_connections = 1024;
  // Connections from one peer address (an IPv6 /64), at most.
  int max_connections_per_ip = 256;
  size_t max_body_bytes = 64 * 1024;
  size_t max_header_bytes = 8 * 1024;
  // From the first byte of a request to its last.
  absl::Duration read_timeout = absl::Seconds(10);
  // Writing one response.
  absl::Duration write_timeout = absl::Seconds(10);
  // Waiting for the next request on a kept-alive connection.
  absl::Duration idle_timeout = absl::Seconds(60);
  // Waiting for the first byte of a new connection (of its TLS handshake,
  // then of its first request).
  absl::Duration first_byte_timeout = absl::Seconds(5);
  // How long SIGTERM waits for in-flight requests before dropping them.
  absl::Duration shutdown_timeout = absl::Seconds(10);
  int max_json_depth = 16;
  bool access_log = true;
  // Proxies (CIDR ranges) whose X-Forwarded-For / Forwarded headers name
  // the client (service/client_address.h); empty: the TCP peer is the
  // client.
  CidrSet trusted_proxies;

  // [log] The operational log's lowest level (service/op_log.h).
  LogLevel log_level = LogLevel::kInfo;

  // [tls]: both set, or neither (plain HTTP).
  std::string tls_cert_file;
  std::string tls_key_file;

  // [storage] The store (vigil/store.h, OpenStore): `url`, "rocksdb:DIR" or
  // "memory:"; empty: the RocksDB store in data_dir. After loading, data_dir
  // is the folder of a rocksdb: URL and "" for memory:. Use StoreUrl().
  std::string store_url;
  std::string data_dir = "vigil-data";
  // The RocksDB backend's tuning: sync_writes, group_commit, block_cache_mb,
  // write_buffer_mb (and backup_dir) are ignored with memory:.
  bool sync_writes = false;
  bool group_commit = true;
  // Events older than this are removed by the store; 0: kept forever.
  int64_t event_retention_days = 730;
  // Memory bounds: RocksDB's block cache (shared by every table), each
  // table's memtable size, and the engine's decoded profile and counter
  // caches (entries each). Defaults are RocksDbOptions' and EngineOptions'.
  int64_t block_cache_mb = 256;
  // The Redis Cluster backend's tuning (StoreOptions::Redis), used with a
  // redis:// url only.
  int64_t redis_wait_replicas = 1;
  int64_t redis_wait_timeout_ms = 200;
  int64_t redis_connect_timeout_ms = 1000;
  int64_t redis_command_timeout_ms = 1000;
  int64_t redis_max_attempts = 5;
  int64_t write_buffer_mb = 32;
  int64_t state_cache_entries = 1 << 20;
  // Where POST /v1/admin/backups writes; empty: backups refused (409).
  std::string backup_dir;

  // [model]
  // Installed: <prefix>/share/vigil/models/default.toml (install_layout.h).
  std::string model_path = DefaultModelPath();

  // [evaluate]
  // "record": the server's clock dates each attempt and a caller's timestamp
  // is kept as its claim; "trust": the caller's timestamp is the event's
  // time (EngineOptions::trust_attempt_timestamps), only for a scratch
  // instance fed with history.
  std::string client_timestamps = "record";

  // [geo]
  GeoOptions geo = DefaultGeoOptions();

  // [metrics]
  bool metrics_require_key = false;
  // [mfa]
  std::string mfa_key_file;  // empty: <data_dir>/mfa.key, made on first start
  std::string mfa_issuer = "vigil";
  std::string mfa_sms_template = MfaTemplates().sms;
  std::string mfa_email_subject = MfaTemplates().email_subject;
  std::string mfa_email_text = MfaTemplates().email_text;
  // [passkeys]: WebAuthn as a challenge factor; no rp_id: off.
  PasskeyOptions passkeys;
  // GET /demo/passkeys serves the passkey demo page (service/passkey_demo.html).
  bool passkey_demo_page = false;
  // [smtp]: e-mail codes; no host: e-mail is not offered.
  std::string smtp_host;
  int smtp_port = 25;
  std::string smtp_tls = "none";  // "none" or "starttls"
  bool smtp_verify_certificate = true;
  std::string smtp_ca_file;
  std::string smtp_username;
  std::string smtp_password_file;  // the password, alone in a file
  bool smtp_allow_plain_auth = false;
  std::string smtp_from;
  std::string smtp_helo_name = "vigil.localhost";
  absl::Duration smtp_timeout = absl::Seconds(30);
  // [sms]: codes POSTed as signed JSON; no url: SMS is not offered.
  std::string sms_url;
  std::string sms_key_file;  // the HMAC-SHA256 key, alone in a file
  std::string sms_signature_header = "X-Vigil-Signature";
  absl::Duration sms_timeout = absl::Seconds(10);

  // [pwned]: the breach corpus and the password check.
  bool pwned_local = true;
  std::string pwned_seed_file = DefaultPwnedSeedFile();
  std::string pwned_remote_url;  // empty: check against the local corpus
  std::string pwned_ca_file;     // https remote: CAs to trust; empty: system's
  absl::Duration pwned_timeout = absl::Seconds(2);
  absl::Duration pwned_cache_ttl = absl::Minutes(10);
  bool pwned_fail_open = true;
  bool pwned_range_requires_key = false;
  int64_t pwned_range_max_age_s = 86400;

  // [notify]: e-mail notifications of risky events (over [smtp]) and the
  // one-click feedback links in them.
  bool notify_email = false;
  std::string notify_link_base_url;      // required with email
  std::string notify_feedback_key_file;  // required with email
  int64_t notify_link_validity_hours = 7 * 24;
  // The per-user cap on notification e-mails (NotifyOptions).
  int64_t notify_max_emails_per_user = NotifyOptions().max_emails_per_user;
  int64_t notify_email_window_minutes =
      absl::ToInt64Minutes(NotifyOptions().email_window);
  // [notify.templates.blocked|challenged|risky_allowed]
  NotificationTemplates notify_templates = NotificationTemplates::Defaults();
  // [webhook]: no url: no webhook.
  std::string webhook_url;
  std::string webhook_key_file;  // the HMAC-SHA256 key, alone in a file
  std::string webhook_signature_header = "X-Vigil-Signature";
  absl::Duration webhook_timeout = absl::Seconds(10);
  std::vector<RiskLevel> webhook_levels = WebhookFilter().levels;
  std::vector<Verdict> webhook_decisions = WebhookFilter().verdicts;
  // [outbox]
  OutboxOptions outbox;

  // [dovecot]
  DovecotOptions dovecot;

  // [[api_keys]]
  std::vector<ApiKeyEntry> api_keys;

  bool tls_enabled() const { return !tls_cert_file.empty(); }
  // The store's URL: store_url, or rocksdb:<data_dir> when it is empty.
  std::string StoreUrl() const;
  // Whether the store is the in-memory one (nothing survives vigild).
  bool memory_store() const;
  // Whether StoreUrl() is rocksdb:DIR (backups, group commit, a key file
  // beside the data); else memory: or a shared redis:// cluster.
  bool rocksdb_store() const;
  static GeoOptions DefaultGeoOptions();
};

// vigild's flags. Each one, when given, overrides the file.
struct CommandLine {
  std::optional<std::string> config_path;  // --config FILE
  std::optional<std::string> listen;       // --listen HOST:PORT
  // --store URL, or --data-dir DIR as rocksdb:DIR.
  std::optional<std::string> store_url;
  bool help = false;                       // --help
  bool version = false;                    // --version
};

// vigild's flags, declared once (cli/flags.h).
const flags::CommandSpec& VigildSpec();
// Parses argv[1..] against VigildSpec(): "--flag VALUE" or "--flag=VALUE".
// InvalidArgument for an unknown flag, a missing value or a positional
// argument (the messages of cli/flags.h).
absl::StatusOr<CommandLine> ParseCommandLine(
    const std::vector<std::string>& args);
// The text printed for --help.
std::string CommandLineUsage();

// Parses "HOST:PORT" or "[IPV6]:PORT" (port 0..65535).
absl::Status ParseListen(absl::string_view text, std::string* host,
                         uint16_t* port);

// The config from TOML text; `source_name` stands for the file in errors.
absl::StatusOr<ServiceConfig> ParseServiceConfig(absl::string_view toml,
                                                 absl::string_view source_name);
// Defaults, then the --config file if any, then the other flags.
absl::StatusOr<ServiceConfig> LoadServiceConfig(const CommandLine& flags);

}  // namespace vigil::service

#endif  // VIGIL_SERVICE_CONFIG_H_
