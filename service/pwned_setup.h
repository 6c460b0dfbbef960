// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// service/pwned_setup.h: vigild's breach corpus and password checker from
// the [pwned] config: the local corpus in the database (seeded at startup
// from the configured password list when it is empty or came from an older
// seed), and the remote range client if a remote_url is set.

#ifndef VIGIL_SERVICE_PWNED_SETUP_H_
#define VIGIL_SERVICE_PWNED_SETUP_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "service/config.h"
#include "vigil/pwned.h"
#include "vigil/store.h"

namespace vigil::service {

struct PwnedSetup {
  std::shared_ptr<BreachCorpus> corpus;            // null if local = false
  std::shared_ptr<const PasswordChecker> checker;  // never null once set up
};

// Opens the corpus in `store`, imports the seed file if due (progress and
// warnings go to stderr), and builds the checker. Errors name the key.
// Opens the local corpus (seeding it from [pwned] seed_file) and the remote
// checker. Reports to `logger` (null: DefaultLogger()): breach_corpus (the
// mode and the corpus size), breach_corpus_seeded, breach_corpus_degraded
// (no seed file, or its import failed: the corpus stays as it was).
absl::StatusOr<PwnedSetup> SetUpPwned(const ServiceConfig& config,
                                      std::shared_ptr<Store> store,
                                      std::shared_ptr<Logger> logger = nullptr);

// "sha256:<hex>" of a file's contents, for telling seed files apart.
absl::StatusOr<std::string> FileFingerprint(const std::string& path);

}  // namespace vigil::service

#endif  // VIGIL_SERVICE_PWNED_SETUP_H_
