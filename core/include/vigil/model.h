// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// vigil/model.h: a scoring model and its policy, loaded from a TOML file
// (models/default.toml documents every key).
//
// A Model is immutable once loaded and shared read-only by every thread; to
// change it, load a new one and hand it to Engine::SetModel().

#ifndef VIGIL_MODEL_H_
#define VIGIL_MODEL_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace vigil {

namespace internal {
struct ModelConfig;
}

class Model {
 public:
  ~Model();

  // Loads and validates a model file. A bad file is refused as a whole with
  // InvalidArgument "<file>: <key>: <reason>"; nothing is half-loaded.
  static absl::StatusOr<std::shared_ptr<const Model>> LoadFile(
      const std::string& path);
  // The same from TOML text; `source_name` stands for the file in errors.
  static absl::StatusOr<std::shared_ptr<const Model>> FromString(
      absl::string_view toml, absl::string_view source_name);

  const std::string& name() const;
  int version() const;
  // "name@version"
  const std::string& id() const;

  // The validated contents; not part of the public API.
  const internal::ModelConfig& config() const { return *config_; }

 private:
  explicit Model(std::unique_ptr<internal::ModelConfig> config);
  std::unique_ptr<internal::ModelConfig> config_;
};

}  // namespace vigil

#endif  // VIGIL_MODEL_H_
