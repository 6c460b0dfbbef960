#!/usr/bin/env bash
# /v1/evaluate through several vigild on one local Redis Cluster, beside
# redis-benchmark's figure on the same machine for scale; and one vigild on
# the embedded RocksDB store, the same load, for comparison.
#
#   benchmarks/redis/run.sh [--vigild PATH] [--nodes 3] [--duration 10]
#                           [--connections 48] [--base-port 7300]
#
# Everything on 127.0.0.1: a 6-node cluster (scripts/redis-cluster.sh) in a
# temporary folder on ports BASE_PORT..+5, stopped at the end; NODES vigild
# processes on it (one namespace, one [mfa] key file); one wrk per vigild,
# in parallel, each with CONNECTIONS / NODES connections, for DURATION
# seconds after a 2 s warm-up; the sum is the fleet's rate.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
vigild="$root/build/service/vigild"
nodes=3
duration=10
connections=48
base_port=7300
while [ $# -gt 0 ]; do
  case "$1" in
    --vigild) vigild=$2; shift 2 ;;
    --nodes) nodes=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --base-port) base_port=$2; shift 2 ;;
    *) echo "usage: $0 [--vigild PATH] [--nodes N] [--duration S] [--connections N] [--base-port P]" >&2; exit 2 ;;
  esac
done
for tool in wrk redis-server redis-benchmark; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is not installed" >&2; exit 1; }
done
[ -x "$vigild" ] || { echo "run.sh: no vigild at $vigild (build first)" >&2; exit 1; }

work=$(mktemp -d /tmp/vigil-redisbench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]+"${pids[@]}"}"; do
    if kill -0 "$p" 2>/dev/null; then kill -TERM "$p"; wait "$p" || true; fi
  done
  "$root/scripts/redis-cluster.sh" stop "$work/cluster" "$base_port" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

. "$root/benchmarks/lib/vigild_config.sh"
vigild_geo_config
vigild_throwaway_key vgl_bench
(umask 077; printf 'k1 %s\n' "$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')" > "$work/mfa.key")

"$root/scripts/redis-cluster.sh" start "$work/cluster" "$base_port" >/dev/null
seeds="127.0.0.1:$base_port,127.0.0.1:$((base_port + 1)),127.0.0.1:$((base_port + 2))"

# Starts vigild NAME with [storage] line STORAGE; sets address.
start_vigild() {
  local name=$1 storage=$2
  cat > "$work/$name.toml" <<TOML
[server]
listen = "127.0.0.1:0"
access_log = false
[storage]
$storage
[model]
path = "$root/models/default.toml"
[mfa]
key_file = "$work/mfa.key"
[geo]
$geo
asn_csvs = $asn_csvs
[[api_keys]]
name = "bench"
sha256 = "$key_sha"
scopes = ["evaluate"]
TOML
  mkfifo "$work/$name.out"
  "$vigild" --config "$work/$name.toml" > "$work/$name.out" 2> "$work/$name.err" &
  pids+=($!)
  local line
  read -r -t 60 line < "$work/$name.out" || { echo "run.sh: vigild $name did not start:" >&2; cat "$work/$name.err" >&2; exit 1; }
  address=${line#listening on }
}

# wrk on every address in parallel; prints the summed req/s and errors.
load() {
  local per=$(( connections / $# )) i=0 address
  [ "$per" -ge 1 ] || per=1
  local wrks=()  # only these are waited for (vigild runs in the background too)
  for address in "$@"; do
    VIGIL_API_KEY=$key wrk -t1 -c"$per" -d2s -s "$root/benchmarks/http/evaluate.lua" "http://$address/v1/evaluate" > /dev/null &
    wrks+=($!)
  done
  wait "${wrks[@]}"
  wrks=()
  for address in "$@"; do
    VIGIL_API_KEY=$key wrk -t1 -c"$per" -d"${duration}s" --latency -s "$root/benchmarks/http/evaluate.lua" \
      "http://$address/v1/evaluate" > "$work/wrk.$i.txt" &
    wrks+=($!)
    i=$((i + 1))
  done
  wait "${wrks[@]}"
  awk '/^Requests\/sec:/ {rps += $2} /^non-2xx responses:/ {bad += $3}
       $1 == "99%" {p99 = p99 " " $2}
       END {printf "%.0f req/s (non-2xx: %d; p99 per vigild:%s)\n", rps, bad, p99}' "$work"/wrk.*.txt
  rm -f "$work"/wrk.*.txt
}

addresses=()
for n in $(seq "$nodes"); do
  start_vigild "node$n" "url = \"redis://$seeds/bench\""
  addresses+=("$address")
done
echo "machine: $(nproc) cores; cluster: 3 primaries + 3 replicas on 127.0.0.1:$base_port..$((base_port + 5)); geo: $geo_name"
echo "== evaluate through $nodes vigild on the Redis Cluster, ${duration}s, $connections connections in all"
load "${addresses[@]}"
for p in "${pids[@]}"; do kill -TERM "$p"; wait "$p" || true; done
pids=()

start_vigild rocksdb "url = \"rocksdb:$work/rocksdb\""
echo "== evaluate through 1 vigild on rocksdb: (the embedded store), same load"
load "$address"
kill -TERM "${pids[0]}"; wait "${pids[0]}" || true
pids=()

echo "== redis-benchmark --cluster on the same cluster, 50 clients, 200,000 requests per test"
redis-benchmark -p "$base_port" --cluster -c 50 -n 200000 -t set,get --csv 2>/dev/null |
  awk -F, '/^"(SET|GET)"/ {gsub("\"", ""); printf "%s: %.0f req/s, p99 %s ms\n", $1, $2, $7}'
