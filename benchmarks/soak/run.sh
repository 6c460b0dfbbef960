#!/usr/bin/env bash
# The soak: a long mixed load on one vigild (soak.lua: evaluate, outcomes,
# history reads, MFA verify, range queries) with wrk on 127.0.0.1, sampling
# vigild's memory all along. Passes when there were no errors and memory is
# flat after warm-up.
#
#   benchmarks/soak/run.sh [--vigild PATH] [--duration SECONDS]
#                          [--connections N] [--threads N] [--timeout SECONDS]
#                          [--block-cache-mb N] [--write-buffer-mb N] [--out DIR]
#
# Defaults: 600 s, 32 connections, 2 wrk threads, wrk's 2 s timeout. vigild
# runs from a fresh temporary data folder with the shipped default model, a
# throwaway API key (scopes evaluate, mfa, admin), GeoIP data from data/ if
# fetched (else the MaxMind test databases), the breach corpus seeded from
# data/pwned/zxcvbn-common.txt (data/fetch.sh) so that /range has data, and
# an [sms] sender pointed at a closed port (no code is ever sent: it only
# lets users enable SMS). Before the load, every SOAK_MFA_EVERY-th user
# (default: every 2nd) of the 50,000 gets SMS as a factor, so that their
# risky attempts are challenged and the load has challenges to verify.
#
# Memory bounds: vigild's memory grows until its caches are full, so the
# soak sets them small enough to fill during warm-up: RocksDB block cache
# 64 MiB (default 256) and memtables 8 MiB per table (default 32); the
# engine's profile/counter cache keeps its default of 2^20 entries each,
# which the load's working set (50,000 users, 2 x 20,000 pre-built attempts'
# addresses) never reaches.
#
# Memory: VmRSS (and RssAnon, RssFile) of vigild from /proc every 10 s
# (every duration/30 s for runs shorter than 300 s) into rss.csv, with a few
# /metrics gauges. "Flat after warm-up": the mean VmRSS of the last 20% of
# the samples against the mean of the samples between 20% and 30% of the run;
# the run fails if it grew by more than 10% AND by more than 20 MB.
#
# Errors: the run fails on any wrk socket error or timeout, any answer other
# than the route's expected 200 (soak.lua counts them), any non-200 in
# vigild's own per-route counters, or vigild exiting.
#
# Results (wrk output, rss.csv, the /metrics before and after, vigild's
# stderr without access-log lines, summary.txt) stay in --out, default
# /tmp/vigil-soak-<time>. Exit status: 0 pass, 1 fail, 2 usage.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
vigild="$root/build/service/vigild"
duration=600
connections=32
threads=2
timeout=2
out=""
block_cache_mb=64
write_buffer_mb=8
mfa_every=${SOAK_MFA_EVERY:-2}
users=50000  # as soak.lua
while [ $# -gt 0 ]; do
  case "$1" in
    --vigild) vigild=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --block-cache-mb) block_cache_mb=$2; shift 2 ;;
    --write-buffer-mb) write_buffer_mb=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "usage: $0 [--vigild PATH] [--duration S] [--connections N] [--threads N] [--timeout S] [--block-cache-mb N] [--write-buffer-mb N] [--out DIR]" >&2; exit 2 ;;
  esac
done
for tool in wrk curl awk; do
  command -v "$tool" >/dev/null || { echo "soak: $tool is not installed" >&2; exit 1; }
done
[ -x "$vigild" ] || { echo "soak: no vigild at $vigild (build first)" >&2; exit 1; }
[ "$duration" -ge 30 ] 2>/dev/null || { echo "soak: --duration must be at least 30 s" >&2; exit 2; }

[ -n "$out" ] || out=/tmp/vigil-soak-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d /tmp/vigil-soak.XXXXXX)
pid=""
sampler=""
cleanup() {
  if [ -n "$sampler" ] && kill -0 "$sampler" 2>/dev/null; then
    kill "$sampler" 2>/dev/null || true
    wait "$sampler" 2>/dev/null || true
  fi
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"; wait "$pid" || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

. "$root/benchmarks/lib/vigild_config.sh"
vigild_geo_config
seed="$root/data/pwned/zxcvbn-common.txt"
if [ -f "$seed" ]; then
  seed_name="$(wc -l < "$seed") passwords (data/pwned)"
else
  seed_name="none: /range answers empty ranges (run data/fetch.sh)"
fi

# A throwaway key for this run only.
vigild_throwaway_key vgl_soak
od -An -N32 -tx1 /dev/urandom | tr -d ' \n' > "$work/sms.key"
cat > "$work/vigild.toml" <<TOML
[server]
listen = "127.0.0.1:0"
access_log = true
[storage]
data_dir = "$work/data"
block_cache_mb = $block_cache_mb
write_buffer_mb = $write_buffer_mb
[model]
path = "$root/models/default.toml"
[geo]
$geo
asn_csvs = $asn_csvs
[pwned]
seed_file = "$seed"
[sms]
# Nothing listens on port 9; the soak never sends a code.
url = "http://127.0.0.1:9/sms"
key_file = "$work/sms.key"
[[api_keys]]
name = "soak"
sha256 = "$key_sha"
scopes = ["evaluate", "mfa", "admin"]
TOML

# vigild's stderr without the access-log lines (one per request: gigabytes
# over a long run); warnings and errors stay.
mkfifo "$work/out"
"$vigild" --config "$work/vigild.toml" > "$work/out" \
  2> >(grep --line-buffered -v '^{"time":' > "$out/vigild.stderr") &
pid=$!
read -r -t 120 line < "$work/out" || { echo "soak: vigild did not start:" >&2; cat "$out/vigild.stderr" >&2; exit 1; }
address=${line#listening on }
base="http://$address"

# SMS as a factor for every mfa_every-th user, in one curl process.
{
  for ((u = mfa_every; u <= users; u += mfa_every)); do
    [ "$u" -eq "$mfa_every" ] || echo next
    printf 'url = "%s/v1/users/user-%d/mfa"\nrequest = "PUT"\n' "$base" "$u"
    printf 'header = "Content-Type: application/json"\nheader = "Authorization: Bearer %s"\n' "$key"
    printf 'data = "{\\"enabled\\":[\\"sms\\"],\\"phone\\":\\"+4915100%06d\\"}"\n' "$u"
    printf 'output = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n'
  done
} > "$work/mfa.curl"
mfa_users=$((users / mfa_every))
mfa_ok=$(curl -sS -K "$work/mfa.curl" | grep -c '^200$' || true)
if [ "$mfa_ok" -ne "$mfa_users" ]; then
  echo "soak: SMS set up for only $mfa_ok of $mfa_users users" >&2; exit 1
fi

interval=10
if [ "$duration" -lt 300 ]; then interval=$(awk -v d="$duration" 'BEGIN { printf "%g", d / 30 }'); fi

{
  echo "vigild $address (pid $pid), geo: $geo_name, breach corpus seed: $seed_name"
  echo "SMS factor for $mfa_users of $users users; access log on (filtered out of stderr)"
  echo "memory bounds: block cache ${block_cache_mb} MiB, memtables ${write_buffer_mb} MiB per table"
  echo "wrk: $threads threads, $connections connections, ${duration}s, timeout ${timeout}s; $(nproc) cores shared"
  echo "memory sampled every ${interval}s; results in $out"
} | tee "$out/summary.txt"

metric() {  # file, metric name (with labels, exact) -> value or empty
  awk -v m="$2" '$1 == m { print $2; exit }' "$1"
}
curl -sS "$base/metrics" > "$out/metrics-before.txt"

# The sampler: time_s, rss_kb, rss_anon_kb, rss_file_kb, threads,
# connections_open, evaluations_total, outbox_pending.
sample() {  # seconds since start
  local status m="$work/metrics.txt"
  status=$(cat "/proc/$pid/status" 2>/dev/null) || return 1
  curl -sS -m 5 "$base/metrics" > "$m" 2>/dev/null || : > "$m"
  printf '%s,%s,%s,%s,%s,%s,%s,%s\n' "$1" \
    "$(awk '/^VmRSS:/ {print $2}' <<<"$status")" \
    "$(awk '/^RssAnon:/ {print $2}' <<<"$status")" \
    "$(awk '/^RssFile:/ {print $2}' <<<"$status")" \
    "$(awk '/^Threads:/ {print $2}' <<<"$status")" \
    "$(metric "$m" vigil_http_connections_open)" \
    "$(metric "$m" vigil_evaluations_total)" \
    "$(metric "$m" vigil_outbox_pending)"
}
echo "time_s,rss_kb,rss_anon_kb,rss_file_kb,threads,connections_open,evaluations_total,outbox_pending" > "$out/rss.csv"
(
  start=$(date +%s.%N)
  next=0
  while :; do
    now=$(awk -v s="$start" -v n="$(date +%s.%N)" 'BEGIN { printf "%.1f", n - s }')
    sample "$now" >> "$out/rss.csv" || exit 0
    next=$(awk -v n="$next" -v i="$interval" 'BEGIN { print n + i }')
    delay=$(awk -v s="$start" -v n="$(date +%s.%N)" -v t="$next" 'BEGIN { d = t - (n - s); print (d > 0 ? d : 0) }')
    sleep "$delay"
  done
) &
sampler=$!

wrk_rc=0
VIGIL_API_KEY=$key SOAK_MFA_EVERY=$mfa_every \
  wrk -t"$threads" -c"$connections" -d"${duration}s" --timeout "${timeout}s" --latency \
  -s "$root/benchmarks/soak/soak.lua" "$base" > "$out/wrk.txt" 2>&1 || wrk_rc=$?

kill "$sampler" 2>/dev/null || true
wait "$sampler" 2>/dev/null || true
sampler=""
sample "$duration" >> "$out/rss.csv" || true
curl -sS "$base/metrics" > "$out/metrics-after.txt" || : > "$out/metrics-after.txt"

alive=1
kill -0 "$pid" 2>/dev/null || alive=0

# vigild's own per-route status counters over the run (after minus before),
# without /metrics (the sampler's) and the SMS set-up.
routes=$(awk '
  /^vigil_http_requests_total\{/ {
    match($1, /route="[^"]*"/); r = substr($1, RSTART + 7, RLENGTH - 8)
    match($1, /code="[^"]*"/); c = substr($1, RSTART + 6, RLENGTH - 7)
    if (r == "/metrics" || r == "/v1/users/{user}/mfa") next
    k = r " " c  # summed over the method label
    if (FILENAME ~ /before/) before[k] += $2; else after[k] += $2
  }
  END {
    for (k in after) if (after[k] - before[k] > 0) printf "%s %d\n", k, after[k] - before[k]
  }' "$out/metrics-before.txt" "$out/metrics-after.txt" | sort)
server_bad=$(awk '$2 != "200" { n += $3 } END { print n + 0 }' <<<"$routes")
# vigild's time per route (last byte read to response handed to the socket),
# from its histogram over the run: the bucket bound each percentile falls in.
server_latency=$(awk '
  /^vigil_http_request_duration_seconds_bucket\{/ {
    match($1, /route="[^"]*"/); r = substr($1, RSTART + 7, RLENGTH - 8)
    match($1, /le="[^"]*"/); le = substr($1, RSTART + 4, RLENGTH - 5)
    if (r == "/metrics" || r == "/v1/users/{user}/mfa") next
    k = r SUBSEP le  # summed over the method label
    if (FILENAME ~ /before/) { before[k] += $2; next }
    after[k] += $2
    if (!(r in seen)) { seen[r] = 1; order[++nr] = r }
    if (!((r, le) in seenle)) { seenle[r, le] = 1; nb[r]++; les[r, nb[r]] = le }
  }
  function bound(le) { return le == "+Inf" ? "inf" : sprintf("%.2g ms", le * 1000) }
  END {
    for (i = 1; i <= nr; i++) {
      r = order[i]; total = after[r, "+Inf"] - before[r, "+Inf"]
      if (total <= 0) continue
      line = sprintf("%-32s", r)
      split("50 90 99 99.9", ps, " ")
      for (j = 1; j <= 4; j++) {
        for (b = 1; b <= nb[r]; b++) {
          le = les[r, b]
          if (after[r, le] - before[r, le] >= total * ps[j] / 100) break
        }
        line = line sprintf("  p%s <= %s", ps[j], bound(le))
      }
      print line
    }
  }' "$out/metrics-before.txt" "$out/metrics-after.txt")

# Memory: warm = samples in [20%, 30%] of the run, end = the last 20%.
rss=$(awk -F, -v d="$duration" 'NR > 1 && $2 != "" {
    t = $1; kb = $2
    if (n == 0) first = kb
    n++; last = kb
    if (kb > max) max = kb
    if (t >= 0.2 * d && t <= 0.3 * d) { ws += kb; wn++ }
    if (t >= 0.8 * d) { es += kb; en++ }
  }
  END {
    if (wn == 0 || en == 0) { print "error no samples in the warm-up or end window"; exit }
    w = ws / wn / 1024; e = es / en / 1024; g = e - w
    printf "ok %.1f %.1f %.1f %.1f %.1f %.1f %d %d\n", first / 1024, w, e, g, 100 * g / w, max / 1024, wn, en
  }' "$out/rss.csv")
if [ "${rss%% *}" = ok ]; then
  read -r _ first warm end growth pct max wn en <<<"$rss"
fi

{
  sed -n '/Thread Stats/,$p' "$out/wrk.txt"
  echo
  echo "== vigild per route and status (its /metrics counters, over the run)"
  if [ -n "$routes" ]; then printf '%s\n' "$routes" | awk '{ printf "%-32s %s %10d\n", $1, $2, $3 }'; fi
  echo "non-200 answers counted by vigild: $server_bad"
  echo "vigild's own time per route (bucket bounds of its histogram):"
  printf '%s\n' "$server_latency"
  echo
  echo "== memory (VmRSS; rss.csv)"
  if [ "${rss%% *}" = ok ]; then
    echo "start ${first} MB, warm (20-30% of the run, $wn samples) ${warm} MB, end (last 20%, $en samples) ${end} MB, max ${max} MB"
    echo "growth after warm-up: ${growth} MB (${pct}%); fails if > 10% and > 20 MB"
    if [ "$duration" -lt 300 ]; then
      echo "(a run under 300 s: the caches may still be filling in the warm-up window; judge memory on the 600 s run)"
    fi
  else
    echo "${rss#error }"
  fi
} | tee -a "$out/summary.txt"

failed=()
[ "$wrk_rc" -eq 0 ] || failed+=("wrk/soak.lua exited $wrk_rc (socket errors or unexpected answers)")
[ "$server_bad" -eq 0 ] || failed+=("vigild answered $server_bad non-200")
[ "$alive" -eq 1 ] || failed+=("vigild is no longer running")
if [ "${rss%% *}" != ok ]; then
  failed+=("memory: too few samples")
elif awk -v g="$growth" -v p="$pct" 'BEGIN { exit !(g > 20 && p > 10) }'; then
  failed+=("memory grew ${growth} MB (${pct}%) after warm-up")
fi
if [ -s "$out/vigild.stderr" ]; then
  echo "vigild stderr (not access log): $(wc -l < "$out/vigild.stderr") lines, in $out/vigild.stderr" | tee -a "$out/summary.txt"
fi
if [ ${#failed[@]} -eq 0 ]; then
  echo "SOAK PASSED" | tee -a "$out/summary.txt"
  exit 0
fi
for f in "${failed[@]}"; do echo "SOAK FAILED: $f"; done | tee -a "$out/summary.txt"
exit 1
