#!/usr/bin/env bash
# A local Redis Cluster for tests and development: 6 nodes (3 primaries with
# one replica each) on 127.0.0.1, ports BASE_PORT..BASE_PORT+5 (cluster bus on
# port+10000), each node's files (nodes.conf, AOF, log, pid) in DIR/<port>.
#
#   scripts/redis-cluster.sh start DIR BASE_PORT
#     Starts the nodes and waits until every node says cluster_state:ok with
#     all 16384 slots served and every replica's link to its primary is up.
#     A new DIR: the nodes are started empty and joined with
#     `redis-cli --cluster create`. A DIR that already holds a cluster: its
#     nodes that are not running are started again from their files
#     (nodes.conf, AOF), so a restart of the whole cluster keeps its data and
#     a killed node rejoins. Running nodes are left alone (one stopped with
#     kill -STOP is continued).
#   scripts/redis-cluster.sh stop DIR BASE_PORT
#     SHUTDOWN of each running node (the AOF is synced), kill -9 of one that
#     does not end in time, and waits until every process has ended.
#   scripts/redis-cluster.sh status DIR BASE_PORT
#     Exit 0 if the cluster is up and healthy, 1 if not.
#
# Both are idempotent. Node timeout 2000 ms: a failover takes a few seconds.
# REDIS_CLUSTER_WAIT (seconds, default 30) bounds every wait.
set -euo pipefail

NODES=6
NODE_TIMEOUT_MS=2000
WAIT_S=${REDIS_CLUSTER_WAIT:-30}

# Nodes this call started; a start that fails stops them again.
started_ports=()

die() {
  echo "redis-cluster: error: $*" >&2
  if [ ${#started_ports[@]} -gt 0 ]; then
    local port pid
    for port in "${started_ports[@]}"; do
      pid=$(node_pid "$port")
      [ -n "$pid" ] || continue
      echo "redis-cluster: stopping the node on port $port started by this call" >&2
      kill -KILL "$pid" 2>/dev/null || true
    done
  fi
  exit 1
}

if [ $# -ne 3 ]; then
  echo "usage: $0 start|stop|status DIR BASE_PORT" >&2
  exit 2
fi
cmd=$1
dir=$2
base=$3
case "$cmd" in start | stop | status) ;; *) die "unknown command \"$cmd\" (start, stop or status)" ;; esac
[ -n "$dir" ] || die "DIR is empty"
if ! [[ $base =~ ^[0-9]{4,5}$ ]] || [ "$base" -lt 1024 ] || [ $((base + NODES - 1 + 10000)) -gt 65535 ]; then
  die "BASE_PORT must be a number in 1024..$((65535 - 10000 - NODES + 1)) (the cluster bus uses port+10000)"
fi
for tool in redis-server redis-cli timeout; do
  command -v "$tool" >/dev/null || die "$tool not found (scripts/setup.sh installs redis-server)"
done
if [ "$cmd" = start ]; then
  mkdir -p "$dir" || die "cannot make $dir"
elif [ ! -d "$dir" ]; then
  if [ "$cmd" = stop ]; then
    echo "redis-cluster: no $dir, nothing to stop"
    exit 0
  fi
  echo "redis-cluster: no $dir"
  exit 1
fi
dir=$(cd "$dir" && pwd)
marker="$dir/cluster-created"

ports() { seq "$base" $((base + NODES - 1)); }

cli() {
  local port=$1
  shift
  timeout 5 redis-cli -h 127.0.0.1 -p "$port" "$@" 2>/dev/null
}

# The pid of this DIR's redis-server for port $1, if it runs (not a zombie,
# not another process that took the pid).
node_pid() {
  local file="$dir/$1/redis.pid" pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file" 2>/dev/null || true)
  [[ $pid =~ ^[0-9]+$ ]] || return 0
  if [ -r "/proc/$pid/cmdline" ] &&
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "redis-server.*:$1\b"; then
    echo "$pid"
  fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

log_tail() {
  local port=$1
  if [ -f "$dir/$port/redis.log" ]; then
    echo "--- last lines of $dir/$port/redis.log:" >&2
    tail -n 15 "$dir/$port/redis.log" >&2
  fi
}

start_node() {
  local port=$1
  mkdir -p "$dir/$port"
  if ! redis-server --port "$port" --bind 127.0.0.1 --protected-mode yes \
    --daemonize yes --dir "$dir/$port" --pidfile "$dir/$port/redis.pid" \
    --logfile "$dir/$port/redis.log" --cluster-enabled yes \
    --cluster-config-file nodes.conf --cluster-node-timeout "$NODE_TIMEOUT_MS" \
    --appendonly yes --appendfsync everysec --save ""; then
    log_tail "$port"
    die "redis-server on port $port did not start"
  fi
  started_ports+=("$port")
}

wait_ping() {
  local port=$1 since=$SECONDS deadline=$((SECONDS + WAIT_S))
  until [ "$(cli "$port" ping || true)" = PONG ]; do
    # (The pid file appears a moment after redis-server returns.)
    if [ -z "$(node_pid "$port")" ] && [ $SECONDS -gt $((since + 2)) ]; then
      log_tail "$port"
      die "redis-server on port $port exited"
    fi
    [ $SECONDS -lt $deadline ] || {
      log_tail "$port"
      die "redis-server on port $port does not answer PING after ${WAIT_S}s"
    }
    sleep 0.1
  done
}

# Empty if port $1 is healthy, else why not.
node_problem() {
  local port=$1 info repl
  info=$(cli "$port" cluster info | tr -d '\r') || {
    echo "no answer"
    return
  }
  for want in cluster_state:ok cluster_slots_assigned:16384 cluster_slots_ok:16384 cluster_known_nodes:$NODES; do
    grep -qx "$want" <<<"$info" || {
      echo "CLUSTER INFO lacks $want"
      return
    }
  done
  repl=$(cli "$port" info replication | tr -d '\r') || {
    echo "no answer"
    return
  }
  if grep -qx role:slave <<<"$repl" && ! grep -qx master_link_status:up <<<"$repl"; then
    echo "replica not linked to its primary"
  fi
}

cluster_problem() {
  local port problem
  for port in $(ports); do
    problem=$(node_problem "$port")
    if [ -n "$problem" ]; then
      echo "127.0.0.1:$port: $problem"
      return
    fi
  done
}

wait_healthy() {
  local deadline=$((SECONDS + WAIT_S)) problem
  while true; do
    problem=$(cluster_problem)
    [ -n "$problem" ] || return 0
    [ $SECONDS -lt $deadline ] || die "cluster not healthy after ${WAIT_S}s: $problem"
    sleep 0.2
  done
}

do_start() {
  local port started=0
  if [ ! -f "$marker" ]; then
    for port in $(ports); do
      if [ -f "$dir/$port/nodes.conf" ]; then
        die "$dir holds nodes of a cluster that was not completely created: run stop, remove $dir, start again"
      fi
    done
  fi
  local to_start=() pid
  for port in $(ports); do
    pid=$(node_pid "$port")
    if [ -n "$pid" ]; then
      kill -CONT "$pid" 2>/dev/null || true # in case a test stopped it
    else
      for p in "$port" $((port + 10000)); do
        if port_in_use "$p"; then
          die "port $p is in use by a process that is not this cluster's node in $dir/$port"
        fi
      done
      to_start+=("$port")
    fi
  done
  for port in "${to_start[@]+"${to_start[@]}"}"; do
    start_node "$port"
    started=$((started + 1))
  done
  for port in $(ports); do wait_ping "$port"; done
  if [ ! -f "$marker" ]; then
    local addresses=()
    for port in $(ports); do addresses+=("127.0.0.1:$port"); done
    if ! timeout "$WAIT_S" redis-cli --cluster create "${addresses[@]}" \
      --cluster-replicas 1 --cluster-yes >"$dir/create.log" 2>&1; then
      tail -n 20 "$dir/create.log" >&2
      die "redis-cli --cluster create failed (log: $dir/create.log)"
    fi
    touch "$marker"
    echo "redis-cluster: created a cluster in $dir"
  fi
  wait_healthy
  echo "redis-cluster: up on 127.0.0.1:$base..$((base + NODES - 1)) ($started node(s) started)"
}

do_stop() {
  local port pid pids=() stopped=0 deadline
  for port in $(ports); do
    pid=$(node_pid "$port")
    [ -n "$pid" ] || continue
    kill -CONT "$pid" 2>/dev/null || true # in case a test stopped it
    cli "$port" shutdown >/dev/null || true
    pids+=("$port:$pid")
  done
  for entry in "${pids[@]+"${pids[@]}"}"; do
    port=${entry%%:*}
    pid=${entry#*:}
    deadline=$((SECONDS + 15))
    while [ -n "$(node_pid "$port")" ] && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
    if [ -n "$(node_pid "$port")" ]; then
      echo "redis-cluster: port $port (pid $pid) did not shut down; kill -9" >&2
      kill -KILL "$pid" 2>/dev/null || true
      deadline=$((SECONDS + 5))
      while [ -n "$(node_pid "$port")" ] && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
      [ -z "$(node_pid "$port")" ] || die "port $port (pid $pid) still runs after kill -9"
    fi
    stopped=$((stopped + 1))
  done
  echo "redis-cluster: stopped $stopped node(s) in $dir"
}

case "$cmd" in
start) do_start ;;
stop) do_stop ;;
status)
  problem=$(cluster_problem)
  if [ -n "$problem" ]; then
    echo "redis-cluster: not healthy: $problem"
    exit 1
  fi
  echo "redis-cluster: healthy on 127.0.0.1:$base..$((base + NODES - 1))"
  ;;
esac
