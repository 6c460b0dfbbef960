#!/usr/bin/env bash
# Sets up what is missing, builds everything and runs the whole test suite.
# This is the README's test command and what CI runs (.ci/run).
# The sanitizer builds are a separate command, scripts/sanitize.sh asan|tsan:
# on 2 cores their builds alone take longer than CI may (see its header).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup.sh
data/fetch.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j2
ctest --test-dir build --output-on-failure -j2 --timeout 900
