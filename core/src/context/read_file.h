// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Reading small-to-medium data files (netsets, ASN CSVs) whole.

#ifndef VIGIL_CORE_SRC_CONTEXT_READ_FILE_H_
#define VIGIL_CORE_SRC_CONTEXT_READ_FILE_H_

#include <string>

#include "absl/status/statusor.h"

namespace vigil {

// The contents of the file at `path`. InvalidArgument naming the file and
// the system's reason if it cannot be opened or read (missing, a directory,
// no permission).
absl::StatusOr<std::string> ReadFileToString(const std::string& path);

}  // namespace vigil

#endif  // VIGIL_CORE_SRC_CONTEXT_READ_FILE_H_
