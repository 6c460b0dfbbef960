// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// service/service_context.h: what every request handler shares: the
// immutable config and key set, the metrics, and the engine once it is open.

#ifndef VIGIL_SERVICE_SERVICE_CONTEXT_H_
#define VIGIL_SERVICE_SERVICE_CONTEXT_H_

#include <atomic>
#include <memory>

#include "absl/synchronization/mutex.h"
#include "service/auth.h"
#include "service/config.h"
#include "service/dovecot_policy.h"
#include "service/log_flusher.h"
#include "service/metrics.h"
#include "service/op_log.h"
#include "vigil/engine.h"
#include "vigil/pwned.h"
#include "vigil/store.h"

namespace vigil::service {

class ServiceContext {
 public:
  // `config` and `auth` must outlive the context.
  ServiceContext(const ServiceConfig& config, const Authenticator& auth)
      : config_(config),
        auth_(auth),
        logger_(std::make_shared<JsonLogger>(config.log_level)) {}

  const ServiceConfig& config() const { return config_; }
  // The operational log (service/op_log.h), at [log] level.
  const std::shared_ptr<Logger>& logger() const { return logger_; }
  Logger& log() const { return *logger_; }
  const Authenticator& auth() const { return auth_; }
  Metrics& metrics() { return metrics_; }

  // The engine, or null while it is being opened. Not owned: whoever calls
  // set_engine() keeps it alive until every request has finished.
  Engine* engine() const { return engine_.load(std::memory_order_acquire); }
  void set_engine(Engine* engine) {
    engine_.store(engine, std::memory_order_release);
  }

  // The local breach corpus (null if [pwned] local = false or while the
  // engine is being opened) and the password checker the engine uses. Not
  // owned; set before set_engine() and kept alive as long as the engine.
  BreachCorpus* corpus() const { return corpus_.load(std::memory_order_acquire); }
  const PasswordChecker* checker() const {
    return checker_.load(std::memory_order_acquire);
  }
  void set_pwned(BreachCorpus* corpus, const PasswordChecker* checker) {
    corpus_.store(corpus, std::memory_order_release);
    checker_.store(checker, std::memory_order_release);
  }

  // Ready: the engine is open, its store accepts writes (not while writes
  // fail, e.g. on a full disk) and shutdown has not begun.
  bool ready() const {
    const Store* s = store();
    return engine() != nullptr && !draining() &&
           (s == nullptr || !s->WritesFailing());
  }
  bool draining() const { return draining_.load(std::memory_order_acquire); }
  void set_draining() { draining_.store(true, std::memory_order_release); }

  // Group commit of the store's log (null: every write is in the log file
  // when Write returns). Not owned; set with the engine.
  LogFlusher* log_flusher() const {
    return log_flusher_.load(std::memory_order_acquire);
  }
  void set_log_flusher(LogFlusher* f) {
    log_flusher_.store(f, std::memory_order_release);
  }

  // Serializes admin reloads (evaluations never wait for it).
  absl::Mutex& reload_mutex() { return reload_mu_; }

  // The engine's store, for readiness and backups; null while the engine is
  // not open. Not owned; set before set_engine() and kept alive as long as
  // the engine.
  Store* store() const { return store_.load(std::memory_order_acquire); }
  void set_store(Store* store) {
    store_.store(store, std::memory_order_release);
  }
  // Serializes backups (one BackupEngine per folder at a time).
  absl::Mutex& backup_mutex() { return backup_mu_; }

  // POST /v1/policy/dovecot's allow answers awaiting their report.
  DovecotSessions& dovecot_sessions() { return dovecot_sessions_; }

 private:
  const ServiceConfig& config_;
  const Authenticator& auth_;
  const std::shared_ptr<Logger> logger_;
  Metrics metrics_;
  std::atomic<Engine*> engine_{nullptr};
  std::atomic<BreachCorpus*> corpus_{nullptr};
  std::atomic<const PasswordChecker*> checker_{nullptr};
  std::atomic<bool> draining_{false};
  std::atomic<LogFlusher*> log_flusher_{nullptr};
  absl::Mutex reload_mu_;
  std::atomic<Store*> store_{nullptr};
  absl::Mutex backup_mu_;
  DovecotSessions dovecot_sessions_;
};

}  // namespace vigil::service

#endif  // VIGIL_SERVICE_SERVICE_CONTEXT_H_
