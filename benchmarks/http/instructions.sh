#!/usr/bin/env bash
# Instructions per /v1/evaluate, counted by valgrind's callgrind: repeatable
# whatever else the machine does (wrk's req/s are not). Runs vigild (fresh
# temporary data folder, the MaxMind test databases, 127.0.0.1) under
# callgrind twice, for N1 and N2 evaluations of the same seeded sequence
# (seeded_evaluations.py, one keep-alive connection), and prints
# (total(N2) - total(N1)) / (N2 - N1): start-up and shut-down cancel out.
#
#   benchmarks/http/instructions.sh [--vigild PATH] [--n1 300] [--n2 1300]
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
vigild="$root/build/service/vigild"
n1=300
n2=1300
while [ $# -gt 0 ]; do
  case "$1" in
    --vigild) vigild=$2; shift 2 ;;
    --n1) n1=$2; shift 2 ;;
    --n2) n2=$2; shift 2 ;;
    *) echo "usage: $0 [--vigild PATH] [--n1 N] [--n2 N]" >&2; exit 2 ;;
  esac
done
command -v valgrind >/dev/null || { echo "instructions.sh: valgrind is not installed" >&2; exit 1; }
[ -x "$vigild" ] || { echo "instructions.sh: no vigild at $vigild (build first)" >&2; exit 1; }

work=$(mktemp -d /tmp/vigil-instructions.XXXXXX)
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid"; wait "$pid" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

. "$root/benchmarks/lib/vigild_config.sh"
vigild_throwaway_key vgl_cg
testdata="$root/tests/data/maxmind"

# Total instructions of one vigild run serving $1 evaluations.
count() {
  local n=$1 dir="$work/run-$1"
  mkdir -p "$dir"
  cat > "$dir/vigild.toml" <<TOML
[server]
listen = "127.0.0.1:0"
access_log = true
[storage]
data_dir = "$dir/data"
[model]
path = "$root/models/default.toml"
[geo]
city_dbs = ["$testdata/GeoIP2-City-Test.mmdb"]
asn_dbs = ["$testdata/GeoLite2-ASN-Test.mmdb"]
[[api_keys]]
name = "bench"
sha256 = "$key_sha"
scopes = ["evaluate"]
TOML
  valgrind --tool=callgrind --callgrind-out-file="$dir/callgrind.out" \
    "$vigild" --config "$dir/vigild.toml" > "$dir/out" 2> "$dir/err" &
  pid=$!
  for _ in $(seq 600); do grep -q '^listening on' "$dir/out" 2>/dev/null && break; sleep 0.2; done
  local address
  address=$(sed -n 's/^listening on //p' "$dir/out")
  [ -n "$address" ] || { echo "instructions.sh: vigild did not start" >&2; cat "$dir/err" >&2; exit 1; }
  python3 "$root/benchmarks/http/seeded_evaluations.py" "${address##*:}" "$key" "$n" >&2
  kill -TERM "$pid"; wait "$pid" || true; pid=""
  callgrind_annotate "$dir/callgrind.out" > "$dir/annotated" 2>/dev/null
  awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1; exit}' "$dir/annotated"
}

t1=$(count "$n1")
t2=$(count "$n2")
echo "vigild: $vigild"
echo "instructions: $t1 for $n1 evaluations, $t2 for $n2"
awk -v a="$t1" -v b="$t2" -v n1="$n1" -v n2="$n2" \
  'BEGIN { printf "per evaluation: %.0f\n", (b - a) / (n2 - n1) }'
