// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// TOTP verification on liboath with a window of +-1 step (target: < 3 us
// median), and with the AES-256-GCM decryption of the stored secret.
//
//   build/benchmarks/vigil_totp_benchmark --benchmark_repetitions=5 \
//       --benchmark_report_aggregates_only=true

#include <benchmark/benchmark.h>

#include <string>

#include "mfa/keyring.h"
#include "mfa/totp.h"

namespace vigil::internal {
namespace {

const std::string kSecret = "12345678901234567890";  // 160 bits
constexpr int64_t kNow = 1767225615;

// The code of the current step (found first).
void BM_TotpVerifyWindow1_CurrentStep(benchmark::State& state) {
  const TotpParams p;
  const std::string code = TotpCode(kSecret, kNow, p);
  int64_t step;
  for (auto _ : state) {
    benchmark::DoNotOptimize(TotpVerify(kSecret, code, kNow, 1, p, &step));
  }
}
BENCHMARK(BM_TotpVerifyWindow1_CurrentStep);

// The code of the next step (a phone clock a little ahead).
void BM_TotpVerifyWindow1_NextStep(benchmark::State& state) {
  const TotpParams p;
  const std::string code = TotpCode(kSecret, kNow + 30, p);
  int64_t step;
  for (auto _ : state) {
    benchmark::DoNotOptimize(TotpVerify(kSecret, code, kNow, 1, p, &step));
  }
}
BENCHMARK(BM_TotpVerifyWindow1_NextStep);

// A wrong code: all three steps are computed (the worst case).
void BM_TotpVerifyWindow1_WrongCode(benchmark::State& state) {
  const TotpParams p;
  std::string code = TotpCode(kSecret, kNow + 300, p);
  int64_t step;
  for (auto _ : state) {
    benchmark::DoNotOptimize(TotpVerify(kSecret, code, kNow, 1, p, &step));
  }
}
BENCHMARK(BM_TotpVerifyWindow1_WrongCode);

// As stored: open the AES-256-GCM box, then verify (wrong code, worst case).
void BM_OpenSecretAndVerifyWindow1(benchmark::State& state) {
  KeyRing ring = *KeyRing::Generate("k1");
  const SealedBox box = *ring.Seal(kSecret, "vigil-totp:alice");
  const TotpParams p;
  const std::string code = TotpCode(kSecret, kNow + 300, p);
  int64_t step;
  for (auto _ : state) {
    absl::StatusOr<SecretBytes> secret = ring.Open(box, "vigil-totp:alice");
    benchmark::DoNotOptimize(
        TotpVerify(secret->reveal(), code, kNow, 1, p, &step));
  }
}
BENCHMARK(BM_OpenSecretAndVerifyWindow1);

}  // namespace
}  // namespace vigil::internal

BENCHMARK_MAIN();
