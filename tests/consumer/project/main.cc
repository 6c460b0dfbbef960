// A minimal auth server: one engine, one sign-in, its decision.
// usage: auth_server DATA_DIR MODEL_FILE

#include <iostream>

#include "vigil/engine.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: auth_server DATA_DIR MODEL_FILE\n";
    return 2;
  }
  vigil::EngineOptions options;
  options.data_dir = argv[1];
  options.model_path = argv[2];
  absl::StatusOr<std::unique_ptr<vigil::Engine>> engine =
      vigil::Engine::Create(options);
  if (!engine.ok()) {
    std::cerr << engine.status() << "\n";
    return 1;
  }
  vigil::Attempt attempt;
  attempt.user_id = "alice";
  attempt.ip = "203.0.113.7";
  attempt.user_agent = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";
  attempt.outcome = vigil::Outcome::kSuccess;
  absl::StatusOr<vigil::Decision> d = (*engine)->Evaluate(attempt);
  if (!d.ok()) {
    std::cerr << d.status() << "\n";
    return 1;
  }
  std::cout << "decision=" << vigil::VerdictName(d->verdict)
            << " level=" << vigil::RiskLevelName(d->level)
            << " model=" << d->model << "\n";
  attempt.outcome = vigil::Outcome::kUnknown;
  d = (*engine)->Evaluate(attempt);
  if (!d.ok()) return 1;
  std::cout << "second: baseline=" << d->baseline.successful_sign_ins << "\n";
  return 0;
}
