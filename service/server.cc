// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/server.h"

#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "service/access_log.h"
#include "service/connections.h"
#include "service/listener.h"
#include "service/mfa_key_setup.h"
#include "service/notify_setup.h"
#include "service/pwned_setup.h"
#include "service/secret.h"
#include "service/service_context.h"
#include "service/session.h"
#include "service/tls.h"
#include "vigil/engine.h"
#include "vigil/log.h"
#include "vigil/mfa.h"
#include "vigil/sender.h"
#include "vigil/store.h"
#include "vigil/version.h"

namespace vigil::service {
namespace {

namespace net = boost::asio;

absl::Status MfaOptionsFromConfig(const ServiceConfig& c, MfaOptions* o) {
  o->key_file = c.mfa_key_file;
  o->issuer = c.mfa_issuer;
  o->templates.sms = c.mfa_sms_template;
  o->templates.email_subject = c.mfa_email_subject;
  o->templates.email_text = c.mfa_email_text;
  o->passkeys = c.passkeys;
  if (!c.smtp_host.empty()) {
    SmtpOptions s;
    s.host = c.smtp_host;
    s.port = c.smtp_port;
    s.tls = c.smtp_tls == "starttls" ? SmtpTls::kStartTls : SmtpTls::kNone;
    s.verify_certificate = c.smtp_verify_certificate;
    s.ca_file = c.smtp_ca_file;
    s.username = c.smtp_username;
    if (!c.smtp_password_file.empty()) {
      absl::StatusOr<SecretBytes> p =
          ReadSecretFile(c.smtp_password_file, "smtp.password_file");
      if (!p.ok()) return p.status();
      s.password = std::move(*p);
    }
    s.allow_plain_auth = c.smtp_allow_plain_auth;
    s.from = c.smtp_from;
    s.helo_name = c.smtp_helo_name;
    s.timeout = c.smtp_timeout;
    absl::StatusOr<std::unique_ptr<Sender>> sender = CreateSmtpSender(std::move(s));
    if (!sender.ok()) return sender.status();
    o->email_sender = std::move(*sender);
  }
  if (!c.sms_url.empty()) {
    SignedPostOptions s;
    s.url = c.sms_url;
    absl::StatusOr<SecretBytes> key = ReadSecretFile(c.sms_key_file, "sms.key_file");
    if (!key.ok()) return key.status();
    s.key = std::move(*key);
    s.signature_header = c.sms_signature_header;
    s.timeout = c.sms_timeout;
    absl::StatusOr<std::unique_ptr<Sender>> sender =
        CreateSignedPostSender(std::move(s));
    if (!sender.ok()) return absl::InvalidArgumentError(
        absl::StrCat("sms: ", sender.status().message()));
    o->sms_sender = std::move(*sender);
  }
  return absl::OkStatus();
}

// Whether `path` can serve as a GeoIP file; else why not ("missing",
// "unreadable", "empty").
const char* GeoFileProblem(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return "missing";
  std::ifstream in(path, std::ios::binary);
  if (!in) return "unreadable";
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) return "unreadable";
  if (size == 0) return "empty";
  return nullptr;
}

// `geo` without the files that are missing, unreadable or empty, each
// reported (geo_file_unavailable), and what that turns off (geo_degraded).
// A corrupt file is left in: CreateGeoResolver refuses it.
GeoOptions UsableGeoFiles(const GeoOptions& geo, Logger& log) {
  GeoOptions out;
  int dropped = 0;
  auto keep = [&](const std::vector<std::string>& in, absl::string_view kind,
                  std::vector<std::string>* kept) {
    for (const std::string& path : in) {
      if (const char* problem = GeoFileProblem(path)) {
        log.Log(LogLevel::kWarn, "geo_file_unavailable",
                "GeoIP file skipped: vigild serves without it",
                {{"kind", kind}, {"path", path}, {"reason", problem}});
        ++dropped;
      } else {
        kept->push_back(path);
      }
    }
  };
  keep(geo.city_dbs, "city", &out.city_dbs);
  keep(geo.asn_dbs, "asn", &out.asn_dbs);
  keep(geo.asn_csvs, "asn_csv", &out.asn_csvs);
  keep(geo.anonymous_ip_dbs, "anonymous_ip", &out.anonymous_ip_dbs);
  const bool no_city = out.city_dbs.empty();
  const bool no_asn = out.asn_dbs.empty() && out.asn_csvs.empty();
  if (dropped > 0 || no_city || no_asn) {
    std::string off;
    if (no_city) {
      off =
          "no city data: geo_velocity (impossible travel) and country "
          "familiarity see no place";
    }
    if (no_asn) {
      absl::StrAppend(&off, off.empty() ? "" : "; ",
                      "no ASN data: network familiarity and the per-ASN "
                      "velocity see no network");
    }
    if (off.empty())
      off = "some GeoIP files are missing; each kind still has one";
    log.Log(no_city || no_asn ? LogLevel::kWarn : LogLevel::kInfo,
            "geo_degraded", off,
            {{"city", !no_city},
             {"asn", !no_asn},
             {"anonymous_ip", !out.anonymous_ip_dbs.empty()},
             {"files_skipped", dropped}});
  }
  return out;
}

// A folder of its own under $TMPDIR (or /tmp), removed with this object:
// where vigild on memory: keeps the TOTP key of a store that is gone with it.
class TemporaryFolder {
 public:
  static absl::StatusOr<std::unique_ptr<TemporaryFolder>> Create() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = absl::StrCat(
        tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "/vigild-XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr) {
      return absl::UnavailableError(
          "cannot make a temporary folder for the memory: store's TOTP key");
    }
    return std::unique_ptr<TemporaryFolder>(new TemporaryFolder(pattern));
  }
  ~TemporaryFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  explicit TemporaryFolder(std::string path) : path_(std::move(path)) {}
  const std::string path_;
};

// The TOTP key file: SetUpMfaKeyFile's, except on memory: without [mfa]
// key_file, where it is a fresh key in `*temporary` (the enrolments it
// protects are gone with the process, and so is the key).
absl::StatusOr<std::string> MfaKeyFile(
    const ServiceConfig& c, Store* store, Logger& log,
    std::unique_ptr<TemporaryFolder>* temporary) {
  if (c.rocksdb_store() || !c.mfa_key_file.empty()) {
    return SetUpMfaKeyFile(c, store, &log);
  }
  if (!c.memory_store()) {
    // A shared store: every vigild of the fleet decrypts the same TOTP
    // secrets, so the key is the operator's, given to each of them.
    return absl::FailedPreconditionError(absl::StrCat(
        "[mfa] key_file: required with the shared store ", c.StoreUrl(),
        " (every vigild needs the same TOTP key: a file of one line "
        "\"<key id> <64 hex digits>\", e.g. `(umask 077; printf 'k1 %s\\n' "
        "$(openssl rand -hex 32) > mfa.key)`, given to each vigild)"));
  }
  absl::StatusOr<std::unique_ptr<TemporaryFolder>> folder =
      TemporaryFolder::Create();
  if (!folder.ok()) return folder.status();
  *temporary = *std::move(folder);
  const std::string path =
      absl::StrCat((*temporary)->path(), "/", kDefaultMfaKeyFileName);
  std::string key_id;
  if (absl::Status s = CreateMfaKeyFile(store, path, &key_id).status();
      !s.ok()) {
    return s;
  }
  log.Log(LogLevel::kInfo, "mfa_key_file",
          "TOTP key made for the memory: store, removed when vigild stops "
          "(as every enrolment is)",
          {{"path", path}, {"source", "memory"}});
  return path;
}

// What OpenStore gets from [storage]: every key for rocksdb:, only the
// retention for memory: (OpenStore applies the rocksdb fields to RocksDB
// only).
StoreOptions StoreOptionsFromConfig(const ServiceConfig& c,
                                    const std::shared_ptr<Logger>& logger) {
  StoreOptions o;
  o.logger = logger;
  o.event_retention = absl::Hours(24) * c.event_retention_days;
  o.rocksdb.sync = c.sync_writes;
  o.rocksdb.manual_log_flush = c.group_commit;
  o.rocksdb.block_cache_bytes = static_cast<size_t>(c.block_cache_mb) << 20;
  o.rocksdb.write_buffer_bytes = static_cast<size_t>(c.write_buffer_mb) << 20;
  o.redis.wait_replicas = static_cast<int>(c.redis_wait_replicas);
  o.redis.wait_timeout = absl::Milliseconds(c.redis_wait_timeout_ms);
  o.redis.connect_timeout = absl::Milliseconds(c.redis_connect_timeout_ms);
  o.redis.command_timeout = absl::Milliseconds(c.redis_command_timeout_ms);
  o.redis.max_attempts = static_cast<int>(c.redis_max_attempts);
  return o;
}

absl::StatusOr<std::unique_ptr<Engine>> OpenEngine(
    const ServiceConfig& c, Logger& log, const std::shared_ptr<Logger>& logger,
    PwnedSetup* pwned, std::shared_ptr<Store>* store_out,
    std::unique_ptr<TemporaryFolder>* temporary) {
  const std::string url = c.StoreUrl();
  absl::StatusOr<std::unique_ptr<Store>> store =
      OpenStore(url, StoreOptionsFromConfig(c, logger));
  if (!store.ok()) return store.status();
  if (c.memory_store()) {
    log.Log(LogLevel::kInfo, "store_opened",
            "in-memory store: nothing survives vigild; [storage] "
            "sync_writes, group_commit, block_cache_mb, write_buffer_mb and "
            "backup_dir do not apply",
            {{"store", "memory"},
             {"url", url},
             {"event_retention_days", c.event_retention_days}});
  } else if (!c.rocksdb_store()) {
    log.Log(LogLevel::kInfo, "store_opened",
            "shared Redis Cluster store: [storage] sync_writes, group_commit, "
            "block_cache_mb, write_buffer_mb and backup_dir do not apply",
            {{"store", "redis"},
             {"url", url},
             {"event_retention_days", c.event_retention_days}});
  } else {
    log.Log(LogLevel::kInfo, "store_opened", "",
            {{"store", "rocksdb"},
             {"url", url},
             {"data_dir", c.data_dir},
             {"sync_writes", c.sync_writes},
             {"group_commit", c.group_commit},
             {"event_retention_days", c.event_retention_days}});
  }
  EngineOptions options;
  options.logger = logger;
  options.store = std::shared_ptr<Store>(std::move(*store));
  *store_out = options.store;
  options.state_cache_entries = static_cast<size_t>(c.state_cache_entries);
  absl::StatusOr<PwnedSetup> set_up = SetUpPwned(c, options.store, logger);
  if (!set_up.ok()) return set_up.status();
  *pwned = *std::move(set_up);
  options.password_checker = pwned->checker;
  options.model_path = c.model_path;
  options.trust_attempt_timestamps = c.client_timestamps == "trust";
  options.geo = UsableGeoFiles(c.geo, log);
  absl::Status mfa = MfaOptionsFromConfig(c, &options.mfa);
  if (!mfa.ok()) return mfa;
  // [mfa] key_file, or <data_dir>/mfa.key made on the first start.
  absl::StatusOr<std::string> key_file =
      MfaKeyFile(c, options.store.get(), log, temporary);
  if (!key_file.ok()) return key_file.status();
  options.mfa.key_file = *std::move(key_file);
  // Notifications share the [smtp] sender with the MFA codes; the engine
  // starts the outbox delivery worker, which picks up whatever a previous
  // run left pending.
  absl::Status notify =
      NotifyOptionsFromConfig(c, options.mfa.email_sender, &options.notify);
  if (!notify.ok()) return notify;
  return Engine::Create(std::move(options));
}

// Each connection holds a descriptor; the store, its logs and the listener
// need some more.
constexpr rlim_t kReservedFiles = 256;

// Raises the soft limit on open files to the hard one, and warns when
// max_connections does not fit in it.
void RaiseOpenFileLimit(const ServiceConfig& config, Logger& log) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  const rlim_t needed =
      static_cast<rlim_t>(config.max_connections) + kReservedFiles;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < needed) {
    log.Log(LogLevel::kWarn, "open_file_limit",
            absl::StrCat("warning: the open-file limit is ", limit.rlim_cur,
                         ", below server.max_connections (",
                         config.max_connections, ") + ", kReservedFiles,
                         "; connections will be refused before that cap "
                         "(raise the hard limit, e.g. LimitNOFILE=, or lower "
                         "max_connections)"),
            {{"limit", static_cast<int64_t>(limit.rlim_cur)},
             {"max_connections", config.max_connections}});
  }
}

// The io_context threads, and a way to wait for them with a deadline.
class IoThreads {
 public:
  IoThreads(net::io_context& ioc, int n, Metrics& metrics, Logger& log) {
    running_ = n;
    for (int i = 0; i < n; ++i) {
      threads_.emplace_back([this, &ioc, &metrics, &log] {
        RunConnections(ioc, metrics, &log);
        absl::MutexLock lock(&mu_);
        --running_;
      });
    }
  }
  // True if every thread ran out of work within `timeout`.
  bool WaitIdle(absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    return mu_.AwaitWithTimeout(
        absl::Condition(
            +[](int* running) { return *running == 0; }, &running_),
        timeout);
  }
  void Join() {
    for (std::thread& t : threads_) t.join();
  }

 private:
  absl::Mutex mu_;
  int running_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::thread> threads_;
};

const char* SignalName(int signal) {
  switch (signal) {
    case SIGTERM:
      return "SIGTERM";
    case SIGINT:
      return "SIGINT";
    default:
      return "signal";
  }
}

}  // namespace

absl::Status RunServer(const ServiceConfig& config,
                       const std::function<void(const std::string&)>& ready) {
  const absl::Time started = absl::Now();
  absl::StatusOr<std::unique_ptr<Authenticator>> auth =
      Authenticator::Create(config.api_keys);
  if (!auth.ok()) return auth.status();
  ServiceContext context(config, **auth);
  Logger& log = context.log();
  log.Log(
      LogLevel::kInfo, "start", "",
      {{"version", VersionString()},
       {"pid", static_cast<int64_t>(getpid())},
       {"config", config.source},
       {"listen", absl::StrCat(config.listen_host.find(':') == std::string::npos
                                   ? config.listen_host
                                   : absl::StrCat("[", config.listen_host, "]"),
                               ":", config.listen_port)},
       {"tls", config.tls_enabled()},
       {"store", config.StoreUrl()},
       {"data_dir", config.data_dir},
       {"model", config.model_path},
       {"api_keys", static_cast<int64_t>(config.api_keys.size())},
       {"log_level", LogLevelName(config.log_level)}});
  RaiseOpenFileLimit(config, log);
  std::unique_ptr<net::ssl::context> tls;
  if (config.tls_enabled()) {
    absl::StatusOr<std::unique_ptr<net::ssl::context>> made =
        CreateTlsContext(config.tls_cert_file, config.tls_key_file);
    if (!made.ok()) return made.status();
    tls = *std::move(made);
  }

  int threads = config.threads > 0
                    ? config.threads
                    : std::max(1u, std::thread::hardware_concurrency());
  net::io_context ioc(threads);
  ConnectionRegistry registry(config.max_connections,
                              config.max_connections_per_ip);
  absl::StatusOr<std::shared_ptr<Listener>> listener =
      Listener::Create(ioc, config.listen_host, config.listen_port, context,
                       registry, tls.get());
  if (!listener.ok()) return listener.status();

  absl::Notification stop;
  std::atomic<int> stop_signal{0};
  net::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait(
      [&stop, &stop_signal](const boost::system::error_code& ec, int signal) {
        if (ec) return;
        stop_signal.store(signal);
        stop.Notify();
      });
  (*listener)->Start();
  IoThreads io(ioc, threads, context.metrics(), log);

  // Serve /healthz (and 503s) while the database and GeoIP data open.
  PwnedSetup pwned;
  std::shared_ptr<Store> store;
  std::unique_ptr<TemporaryFolder> temporary;  // outlives the engine
  absl::StatusOr<std::unique_ptr<Engine>> engine =
      OpenEngine(config, log, context.logger(), &pwned, &store, &temporary);
  absl::Status result = engine.status();
  std::unique_ptr<LogFlusher> flusher;
  if (engine.ok()) {
    // Group commit is RocksDB's (manual_log_flush); memory: has no log.
    if (config.group_commit && config.rocksdb_store()) {
      flusher = std::make_unique<LogFlusher>(store.get(), ioc);
      context.set_log_flusher(flusher.get());
    }
    context.set_pwned(pwned.corpus.get(), pwned.checker.get());
    context.set_store(store.get());
    context.set_engine(engine->get());
    const std::shared_ptr<const Model> model = (*engine)->model();
    log.Log(LogLevel::kInfo, "ready", "serving",
            {{"address", (*listener)->address()},
             {"model_id", model != nullptr ? model->id() : ""},
             {"threads", threads},
             {"notify_email", config.notify_email},
             {"webhook", !config.webhook_url.empty()},
             {"sms", !config.sms_url.empty()},
             {"smtp", !config.smtp_host.empty()},
             {"startup_ms", absl::ToInt64Milliseconds(absl::Now() - started)}});
    ready((*listener)->address());
    stop.WaitForNotification();
  }
  const absl::Time stopping = absl::Now();
  if (engine.ok()) {
    log.Log(
        LogLevel::kInfo, "shutdown", "draining",
        {{"signal", SignalName(stop_signal.load())},
         {"timeout_ms", absl::ToInt64Milliseconds(config.shutdown_timeout)}});
  }

  // Shut down: readiness off, no new connections, idle ones closed, busy
  // ones closed after their response; then the threads run out of work.
  context.set_draining();
  (*listener)->Stop();
  registry.ShutdownAll();
  net::post(ioc, [&signals] {
    boost::system::error_code ignored;
    signals.cancel(ignored);
  });
  const bool drained = io.WaitIdle(config.shutdown_timeout);
  if (!drained) ioc.stop();
  io.Join();
  context.set_log_flusher(nullptr);
  context.set_engine(nullptr);
  context.set_store(nullptr);
  context.set_pwned(nullptr, nullptr);
  if (engine.ok()) engine->reset();
  pwned = PwnedSetup();  // the last owner of the store: flushes and closes it
  if (engine.ok()) {
    log.Log(drained ? LogLevel::kInfo : LogLevel::kWarn, "stopped",
            drained ? "every request answered; store closed"
                    : "requests still running at shutdown_timeout were "
                      "dropped; store closed",
            {{"signal", SignalName(stop_signal.load())},
             {"drained", drained},
             {"shutdown_ms", absl::ToInt64Milliseconds(absl::Now() - stopping)},
             {"uptime_s", absl::ToInt64Seconds(absl::Now() - started)}});
  }
  FlushAccessLog();
  return result;
}

}  // namespace vigil::service
