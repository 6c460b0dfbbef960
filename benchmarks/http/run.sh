#!/usr/bin/env bash
# Runs the /v1/evaluate load (evaluate.lua) next to a bare GET /healthz load on
# the same vigild, on 127.0.0.1 only, and prints both and their ratio.
#
#   benchmarks/http/run.sh [--vigild PATH] [--duration SECONDS]
#                          [--connections N] [--threads N] [--access-log true|false]
#
# vigild runs from a fresh temporary data folder with the shipped default
# model; GeoIP data is the fetched DB-IP Lite files under data/ if present,
# else the MaxMind test databases. Each run is preceded by a short warm-up.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
vigild="$root/build/service/vigild"
duration=15
connections=64
threads=2
access_log=true
while [ $# -gt 0 ]; do
  case "$1" in
    --vigild) vigild=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --access-log) access_log=$2; shift 2 ;;
    *) echo "usage: $0 [--vigild PATH] [--duration S] [--connections N] [--threads N] [--access-log true|false]" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "run.sh: wrk is not installed" >&2; exit 1; }
[ -x "$vigild" ] || { echo "run.sh: no vigild at $vigild (build first)" >&2; exit 1; }

work=$(mktemp -d /tmp/vigil-httpbench.XXXXXX)
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"; wait "$pid" || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

. "$root/benchmarks/lib/vigild_config.sh"
vigild_geo_config

# A throwaway key for this run only.
vigild_throwaway_key vgl_bench
cat > "$work/vigild.toml" <<TOML
[server]
listen = "127.0.0.1:0"
access_log = $access_log
[storage]
data_dir = "$work/data"
[model]
path = "$root/models/default.toml"
[geo]
$geo
asn_csvs = $asn_csvs
[[api_keys]]
name = "bench"
sha256 = "$key_sha"
scopes = ["evaluate"]
TOML

mkfifo "$work/out"
"$vigild" --config "$work/vigild.toml" > "$work/out" 2> "$work/stderr" &
pid=$!
read -r -t 60 line < "$work/out" || { echo "run.sh: vigild did not start:" >&2; cat "$work/stderr" >&2; exit 1; }
address=${line#listening on }
echo "vigild $address (pid $pid), geo: $geo_name, access log: $access_log"
echo "wrk: $threads threads, $connections connections, ${duration}s per run; $(nproc) cores shared"

run() {  # name, wrk args...
  local name=$1; shift
  wrk -t"$threads" -c"$connections" -d2s "$@" > /dev/null  # warm-up
  wrk -t"$threads" -c"$connections" -d"${duration}s" --latency "$@" > "$work/$name.txt"
  local rps p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$work/$name.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$work/$name.txt")
  echo "== $name"; sed -n '/Thread Stats/,$p' "$work/$name.txt"
  eval "${name}_rps=$rps; ${name}_p99=$p99"
}

run healthz "http://$address/healthz"
VIGIL_API_KEY=$key run evaluate -s "$root/benchmarks/http/evaluate.lua" "http://$address/v1/evaluate"

echo
printf 'GET /healthz      %10.0f req/s   p99 %s\n' "$healthz_rps" "$healthz_p99"
printf 'POST /v1/evaluate %10.0f req/s   p99 %s\n' "$evaluate_rps" "$evaluate_p99"
awk -v e="$evaluate_rps" -v h="$healthz_rps" 'BEGIN { printf "evaluate / healthz: %.1f%%\n", 100 * e / h }'
