#!/usr/bin/env bash
# Builds the libFuzzer targets (clang 14, ASan + UBSan, in build-fuzz/) and
# runs each for a bounded time, one after the other, on a copy of its seed
# corpus (tests/fuzz/corpus/<target>/ plus tests/fuzz/regressions/<target>/);
# nothing is written into the repository. Prints a table of target / runs /
# execs/s / new coverage / result. See tests/fuzz/README.md.
#
# Usage: scripts/fuzz.sh [--time SECONDS] [--rss-mb MB] [--timeout SECONDS]
#                        [--out DIR] [--no-build] [TARGET...]
#   --time      seconds per target (default 60)
#   --rss-mb    libFuzzer -rss_limit_mb (default 2048)
#   --timeout   libFuzzer -timeout, per input (default 10)
#   --out       where logs, the corpus copies and crash inputs go
#               (default build-fuzz/runs/<date-time>)
#   --no-build  use the binaries as they are
# TARGET: evaluate_json user_agent cidr asn_csv model_toml pwned_line
#         replay_jsonl rba_csv http_request feedback_token mmdb_decoder
#         webauthn
#         (default: all)
#
# Exit status: 0 if every target ran its time without a finding, 1 if one
# found something (its crash input is in the --out folder; the log says
# what), 2 for a usage or build error.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"

ALL_TARGETS=(evaluate_json user_agent cidr asn_csv model_toml pwned_line
             replay_jsonl rba_csv http_request feedback_token mmdb_decoder
             webauthn)
TIME=60
RSS_MB=2048
TIMEOUT=10
OUT=""
BUILD=1
TARGETS=()

usage() {
  sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --time) TIME="${2:?}"; shift 2 ;;
    --rss-mb) RSS_MB="${2:?}"; shift 2 ;;
    --timeout) TIMEOUT="${2:?}"; shift 2 ;;
    --out) OUT="${2:?}"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) usage ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; usage ;;
    *) TARGETS+=("$1"); shift ;;
  esac
done
[[ "$TIME" =~ ^[0-9]+$ && "$TIME" -gt 0 ]] || { echo "fuzz.sh: --time must be a positive integer" >&2; exit 2; }
[[ ${#TARGETS[@]} -gt 0 ]] || TARGETS=("${ALL_TARGETS[@]}")
for t in "${TARGETS[@]}"; do
  [[ " ${ALL_TARGETS[*]} " == *" $t "* ]] || { echo "fuzz.sh: unknown target $t (have: ${ALL_TARGETS[*]})" >&2; exit 2; }
done

BUILD_DIR="$ROOT/build-fuzz"
if [[ $BUILD -eq 1 ]]; then
  if [[ ! -f "$BUILD_DIR/CMakeCache.txt" ]]; then
    CC=clang-14 CXX=clang++-14 cmake -S . -B "$BUILD_DIR" \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
      -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g" -DVIGIL_FUZZ=ON \
      -DVIGIL_BUILD_TESTS=OFF -DVIGIL_BUILD_BENCHMARKS=OFF >/dev/null \
      || { echo "fuzz.sh: configure failed" >&2; exit 2; }
  fi
  nice -n 10 cmake --build "$BUILD_DIR" -j2 \
    --target $(printf '%s_fuzzer ' "${TARGETS[@]}") \
    || { echo "fuzz.sh: build failed" >&2; exit 2; }
fi

[[ -n "$OUT" ]] || OUT="$BUILD_DIR/runs/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
FUZZ_SRC="$ROOT/tests/fuzz"

export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
# The suite's LeakSanitizer suppressions (third-party frames only, each with
# its reason: tests/sanitizers/lsan.supp).
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$ROOT/tests/sanitizers/lsan.supp:print_suppressions=0}"

declare -a ROWS
FOUND=0
for t in "${TARGETS[@]}"; do
  bin="$BUILD_DIR/tests/fuzz/${t}_fuzzer"
  [[ -x "$bin" ]] || { echo "fuzz.sh: $bin not built" >&2; exit 2; }
  work="$OUT/$t"
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts"
  cp -r "$FUZZ_SRC/corpus/$t/." "$work/corpus/"
  if [[ -d "$FUZZ_SRC/regressions/$t" ]]; then
    cp -r "$FUZZ_SRC/regressions/$t/." "$work/corpus/"
  fi
  args=(-max_total_time="$TIME" -rss_limit_mb="$RSS_MB" -timeout="$TIMEOUT"
        -print_final_stats=1 -artifact_prefix="$work/artifacts/")
  [[ -f "$FUZZ_SRC/dict/$t.dict" ]] && args+=(-dict="$FUZZ_SRC/dict/$t.dict")
  echo "fuzz.sh: $t for ${TIME}s (log: $work/log)" >&2
  set +e
  # The targets read relative paths from the working folder (model
  # blocklists): run them in the scratch folder.
  (cd "$work" && nice -n 10 "$bin" "${args[@]}" "$work/corpus") \
    >"$work/log" 2>&1
  rc=$?
  set -e
  # (A target that fails on a seed has no INITED line: no pipefail here.)
  set +o pipefail
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
  eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log" | tail -1)
  new=$(sed -n 's/^stat::new_units_added: *//p' "$work/log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$work/log" | tail -1 | awk '{print $2}')
  cov0=$(grep -E 'INITED' "$work/log" | grep -o 'cov: [0-9]*' | head -1 | awk '{print $2}')
  set -o pipefail
  if [[ $rc -eq 0 ]]; then
    result="ok"
  else
    FOUND=1
    crash=$(ls -1 "$work/artifacts" 2>/dev/null | head -1)
    kind=$(grep -m1 -oE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer): [a-z-]+|runtime error|FUZZ_CHECK\([^)]*\)' "$work/log" || true)
    result="FOUND (${kind:-exit $rc}) ${crash:+$work/artifacts/$crash}"
  fi
  ROWS+=("$(printf '%-14s %10s %8s %12s  %s' "$t" "${runs:--}" "${eps:--}" \
    "${new:--} (cov ${cov0:-?}->${cov:-?})" "$result")")
done

printf '\n%-14s %10s %8s %12s  %s\n' target runs execs/s "new units" result
printf '%s\n' "${ROWS[@]}"
echo "logs and corpus copies: $OUT"
exit $FOUND
