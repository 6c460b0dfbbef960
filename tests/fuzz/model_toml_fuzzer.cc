// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Fuzz target: the model TOML loader (vigil::Model::FromString,
// core/src/model/model_loader.cc), toml++ underneath.
//
// Invariants:
//   - any text is either a model or InvalidArgument "<source>:..." (no
//     exception escapes: toml++ is built with TOML_EXCEPTIONS=0);
//   - a loaded model satisfies what the loader promises to validate:
//     0 < low < medium < high <= 1, a name of 1-64 [A-Za-z0-9-_.], id
//     "name@version", weights in [0, 1];
//   - loading is deterministic (same id, same thresholds).
//
// `blocklists` names files, read relative to the working directory; inputs
// that mention device or proc paths are skipped so that the fuzzer cannot
// make the loader read /dev/zero or a terminal forever.

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "fuzz_check.h"
#include "model/model_config.h"
#include "signals/signal.h"
#include "vigil/model.h"

namespace {

bool InUnit(double w) { return w >= 0 && w <= 1; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  for (absl::string_view risky : {"/dev", "/proc", "/sys", "/run"}) {
    if (absl::StrContains(text, risky)) return 0;
  }
  absl::StatusOr<std::shared_ptr<const vigil::Model>> model =
      vigil::Model::FromString(text, "fuzz.toml");
  if (!model.ok()) {
    FUZZ_CHECK(model.status().code() == absl::StatusCode::kInvalidArgument,
               "code %d", static_cast<int>(model.status().code()));
    FUZZ_CHECK(absl::StartsWith(model.status().message(), "fuzz.toml"),
               "message '%s'", std::string(model.status().message()).c_str());
    return 0;
  }
  const vigil::Model& m = **model;
  const vigil::internal::ModelConfig& c = m.config();
  FUZZ_CHECK(0 < c.low && c.low < c.medium && c.medium < c.high && c.high <= 1);
  FUZZ_CHECK(!m.name().empty() && m.name().size() <= 64 &&
                 m.name().find_first_not_of(
                     "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                     "0123456789-_.") == std::string::npos,
             "name '%s'", m.name().c_str());
  FUZZ_CHECK(m.version() >= 0);
  FUZZ_CHECK(m.id() == absl::StrCat(m.name(), "@", m.version()));
  for (const auto& signal : vigil::internal::BuiltinSignals()) {
    FUZZ_CHECK(InUnit(signal->weight(c)), "weight of %s",
               std::string(signal->name()).c_str());
  }
  for (const auto& [code, share] : c.unfamiliar.country_share) {
    FUZZ_CHECK(code.size() == 2 && share > 0 && share <= 1, "share %s",
               code.c_str());
  }

  absl::StatusOr<std::shared_ptr<const vigil::Model>> again =
      vigil::Model::FromString(text, "fuzz.toml");
  FUZZ_CHECK(again.ok() && (*again)->id() == m.id() &&
             (*again)->config().low == c.low &&
             (*again)->config().high == c.high);
  return 0;
}
