// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The engine's current model and the state derived from it (the scores
// behind a derived medium threshold), swapped together under one lock.
// Read by the engine, the user state and the MFA service; set by the
// engine (Engine::SetModel).

#ifndef VIGIL_CORE_SRC_MODEL_MODEL_SLOT_H_
#define VIGIL_CORE_SRC_MODEL_MODEL_SLOT_H_

#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "model/model_config.h"
#include "model/score_quantile.h"
#include "vigil/model.h"

namespace vigil::internal {

class ModelSlot {
 public:
  explicit ModelSlot(std::shared_ptr<const Model> model) {
    absl::MutexLock lock(&mu_);
    target_ = MakeTarget(nullptr, *model);
    model_ = std::move(model);
  }

  void Set(std::shared_ptr<const Model> model) {
    absl::MutexLock lock(&mu_);
    target_ = MakeTarget(model_.get(), *model);
    model_ = std::move(model);
  }
  std::shared_ptr<const Model> model() const {
    absl::ReaderMutexLock lock(&mu_);
    return model_;
  }
  std::shared_ptr<ScoreQuantile> target() const {
    absl::ReaderMutexLock lock(&mu_);
    return target_;
  }
  // Both, read under one lock.
  void Read(std::shared_ptr<const Model>* model,
            std::shared_ptr<ScoreQuantile>* target) const {
    absl::ReaderMutexLock lock(&mu_);
    *model = model_;
    *target = target_;
  }

 private:
  // The scores behind a derived medium threshold ([levels]
  // target_challenge_rate), kept while the model's scoring and target stay
  // the same (a reload of an unchanged file); null when the model sets none.
  std::shared_ptr<ScoreQuantile> MakeTarget(const Model* old, const Model& next)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    const ModelConfig& n = next.config();
    if (n.target_challenge_rate <= 0) return nullptr;
    if (old != nullptr && target_ != nullptr && old->id() == next.id() &&
        old->config().target_challenge_rate == n.target_challenge_rate &&
        old->config().target_window == n.target_window &&
        old->config().target_min_samples == n.target_min_samples) {
      return target_;
    }
    return std::make_shared<ScoreQuantile>(
        n.target_challenge_rate, n.target_window, n.target_min_samples);
  }

  mutable absl::Mutex mu_;
  std::shared_ptr<const Model> model_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<ScoreQuantile> target_ ABSL_GUARDED_BY(mu_);
};

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_MODEL_MODEL_SLOT_H_
