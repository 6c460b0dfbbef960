// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/server.h"

#include "service/access_log.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <fstream>
#include <iterator>
#include <memory>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "service/connections.h"
#include "service/listener.h"
#include "service/notify_setup.h"
#include "service/pwned_setup.h"
#include "service/secret.h"
#include "service/service_context.h"
#include "service/tls.h"
#include "vigil/engine.h"
#include "vigil/sender.h"
#include "vigil/store.h"

namespace vigil::service {
namespace {

namespace net = boost::asio;

absl::Status MfaOptionsFromConfig(const ServiceConfig& c, MfaOptions* o) {
  o->key_file = c.mfa_key_file;
  o->issuer = c.mfa_issuer;
  o->templates.sms = c.mfa_sms_template;
  o->templates.email_subject = c.mfa_email_subject;
  o->templates.email_text = c.mfa_email_text;
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

absl::StatusOr<std::unique_ptr<Engine>> OpenEngine(const ServiceConfig& c,
                                                   PwnedSetup* pwned,
                                                   std::shared_ptr<Store>* store_out) {
  RocksDbOptions db;
  db.path = c.data_dir;
  db.sync = c.sync_writes;
  db.manual_log_flush = c.group_commit;
  db.event_retention = absl::Hours(24) * c.event_retention_days;
  db.block_cache_bytes = static_cast<size_t>(c.block_cache_mb) << 20;
  db.write_buffer_bytes = static_cast<size_t>(c.write_buffer_mb) << 20;
  absl::StatusOr<std::unique_ptr<Store>> store = OpenRocksDbStore(db);
  if (!store.ok()) return store.status();
  EngineOptions options;
  options.store = std::shared_ptr<Store>(std::move(*store));
  *store_out = options.store;
  options.state_cache_entries = static_cast<size_t>(c.state_cache_entries);
  absl::StatusOr<PwnedSetup> set_up = SetUpPwned(c, options.store);
  if (!set_up.ok()) return set_up.status();
  *pwned = *std::move(set_up);
  options.password_checker = pwned->checker;
  options.data_dir = c.data_dir;
  options.model_path = c.model_path;
  options.geo = c.geo;
  absl::Status mfa = MfaOptionsFromConfig(c, &options.mfa);
  if (!mfa.ok()) return mfa;
  // Notifications share the [smtp] sender with the MFA codes; the engine
  // starts the outbox delivery worker, which picks up whatever a previous
  // run left pending.
  absl::Status notify =
      NotifyOptionsFromConfig(c, options.mfa.email_sender, &options.notify);
  if (!notify.ok()) return notify;
  return Engine::Create(std::move(options));
}

// The io_context threads, and a way to wait for them with a deadline.
class IoThreads {
 public:
  IoThreads(net::io_context& ioc, int n) {
    running_ = n;
    for (int i = 0; i < n; ++i) {
      threads_.emplace_back([this, &ioc] {
        ioc.run();
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

}  // namespace

absl::Status RunServer(const ServiceConfig& config,
                       const std::function<void(const std::string&)>& ready) {
  absl::StatusOr<std::unique_ptr<Authenticator>> auth =
      Authenticator::Create(config.api_keys);
  if (!auth.ok()) return auth.status();
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
  ServiceContext context(config, **auth);
  ConnectionRegistry registry(config.max_connections);
  absl::StatusOr<std::shared_ptr<Listener>> listener =
      Listener::Create(ioc, config.listen_host, config.listen_port, context,
                       registry, tls.get());
  if (!listener.ok()) return listener.status();

  absl::Notification stop;
  net::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&stop](const boost::system::error_code& ec, int) {
    if (!ec) stop.Notify();
  });
  (*listener)->Start();
  IoThreads io(ioc, threads);

  // Serve /healthz (and 503s) while the database and GeoIP data open.
  PwnedSetup pwned;
  std::shared_ptr<Store> store;
  absl::StatusOr<std::unique_ptr<Engine>> engine = OpenEngine(config, &pwned, &store);
  absl::Status result = engine.status();
  std::unique_ptr<LogFlusher> flusher;
  if (engine.ok()) {
    if (config.group_commit) {
      flusher = std::make_unique<LogFlusher>(store.get(), ioc);
      context.set_log_flusher(flusher.get());
    }
    context.set_pwned(pwned.corpus.get(), pwned.checker.get());
    context.set_store(store.get());
    context.set_engine(engine->get());
    ready((*listener)->address());
    stop.WaitForNotification();
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
  if (!io.WaitIdle(config.shutdown_timeout)) ioc.stop();
  io.Join();
  FlushAccessLog();
  context.set_log_flusher(nullptr);
  context.set_engine(nullptr);
  context.set_store(nullptr);
  context.set_pwned(nullptr, nullptr);
  if (engine.ok()) engine->reset();
  pwned = PwnedSetup();  // the last owner of the store: flushes and closes it
  return result;
}

}  // namespace vigil::service
