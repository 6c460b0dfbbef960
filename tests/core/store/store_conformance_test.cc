// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The store port's conformance suite (store_conformance.h) on the embedded
// backends; tests/core/redis/redis_store_test.cc runs it on Redis Cluster.

#include "core/store/store_conformance.h"

namespace vigil::conformance {
namespace {

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformanceTest,
                         ::testing::Values("rocksdb", "memory"), BackendName);

}  // namespace
}  // namespace vigil::conformance
