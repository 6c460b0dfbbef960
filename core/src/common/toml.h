// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// core/src/common/toml.h: toml++ as vigil's TOML readers (model files,
// vigild.toml) use it: header-only, no exceptions. Include this instead of
// <toml++/toml.h>.
//
// Contract: a malformed document is a parse error, never an abort and never
// undefined behaviour. toml++ 3.3 (Debian) checks some of its parser's
// preconditions with TOML_ASSERT_ASSUME, and malformed table headers break
// them ("[+x]", "[&", "[[[1]]]"; upstream issue marzer/tomlplusplus#294,
// PR #301, found by tests/fuzz/model_toml_fuzzer). With assertions on that
// aborts the process; with NDEBUG under clang it becomes __builtin_assume of
// a false condition. The parser reports such input as an error right after
// the check, so the checks are compiled out here in every build, which is
// what g++ -DNDEBUG (no __builtin_assume) already did.

#ifndef VIGIL_CORE_SRC_COMMON_TOML_H_
#define VIGIL_CORE_SRC_COMMON_TOML_H_

#define TOML_EXCEPTIONS 0
#define TOML_HEADER_ONLY 1
// Without NDEBUG toml++ maps TOML_ASSERT_ASSUME to TOML_ASSERT, which is
// ours (a no-op) when defined before the include.
#pragma push_macro("NDEBUG")
#undef NDEBUG
#define TOML_ASSERT(expr) static_assert(true)
#include <toml++/toml.h>
#pragma pop_macro("NDEBUG")

#endif  // VIGIL_CORE_SRC_COMMON_TOML_H_
