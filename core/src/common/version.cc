// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "vigil/version.h"

#include "vigil_git_commit.h"  // generated at build time: VIGIL_GIT_COMMIT

namespace vigil {

const char* GitCommit() { return VIGIL_GIT_COMMIT; }

namespace {
constexpr char kWithCommit[] = VIGIL_VERSION " (git " VIGIL_GIT_COMMIT ")";
}  // namespace

const char* VersionString() {
  return sizeof(VIGIL_GIT_COMMIT) > 1 ? kWithCommit : VIGIL_VERSION;
}

}  // namespace vigil
