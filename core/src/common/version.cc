// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "vigil/version.h"

#include "vigil_git_commit.h"  // generated at build time: VIGIL_GIT_COMMIT

namespace vigil {

const char* GitCommit() { return VIGIL_GIT_COMMIT; }

const char* VersionString() {
  static const char* const kText = sizeof(VIGIL_GIT_COMMIT) > 1
                                       ? VIGIL_VERSION " (git " VIGIL_GIT_COMMIT ")"
                                       : VIGIL_VERSION;
  return kText;
}

}  // namespace vigil
