#!/usr/bin/env bash
# usage: run_consumer_test.sh BUILD_DIR PROJECT_DIR MODEL_FILE
set -euo pipefail
build_dir="$1"
project_dir="$2"
model="$3"
work="$(mktemp -d "${TMPDIR:-/tmp}/vigil-consumer.XXXXXX")"
trap 'rm -rf "${work}"' EXIT

# README.md's C++ example is this project's main.cc, as is.
python3 - "${project_dir}/../../../README.md" "${project_dir}/main.cc" <<'PY'
import re, sys
readme, main = open(sys.argv[1]).read(), open(sys.argv[2]).read()
if main not in re.findall(r"```cpp\n(.*?)```", readme, re.S):
    sys.exit("README.md: the C++ example is not tests/consumer/project/main.cc as is")
PY

cmake --install "${build_dir}" --prefix "${work}/prefix" >/dev/null
test -f "${work}/prefix/lib/cmake/vigil/vigilConfig.cmake"
test -f "${work}/prefix/include/vigil/engine.h"
# The installed headers are the public API only.
if ls "${work}/prefix/include/vigil" | grep -vE '\.h$'; then
  echo "unexpected files in include/vigil" >&2
  exit 1
fi

cmake -S "${project_dir}" -B "${work}/build" -DCMAKE_PREFIX_PATH="${work}/prefix" \
  -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "${work}/build" -j2 >/dev/null
out="$("${work}/build/auth_server" "${work}/db" "${model}")"
echo "${out}"
[[ "${out}" == *"decision=allow level=none model=default@1"* ]]
[[ "${out}" == *"second: baseline=1"* ]]
echo "consumer project built against the installed vigil package and ran"
