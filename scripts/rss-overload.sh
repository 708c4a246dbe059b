#!/usr/bin/env bash
# Peak RSS and goodput under overload, Kiln beside the Node pooled peer in one sitting (BENCHMARKS.md, "Memory").
# usage: scripts/rss-overload.sh LABEL kiln|peer [RATE] [SECONDS]
#   kiln: starts ./kiln up on RSS_PORT (default 18110) with the caller's KILN_* / KILN_JAVA_OPTS;
#   peer: starts the Node pooled peer (PEERS_DIR/node-render, PEER_MODE=pool, or the caller's PEER_MODE) on RSS_PORT.
#   Warm-up 10 s at RATE/3, then RATE req/s for SECONDS (default 150/s for 60 s) with the peers' open-loop
#   loadgen (PEERS_DIR/loadgen, npm ci'd); RSS of the server process and its children (Kiln's resvg hosts) summed,
#   sampled every 0.5 s from warm-up to the end.
# Prints one line: label, peak RSS (MiB), goodput (200/s), counts per status, p99 of 200s and 429s.
# PIN=split runs the server on core 0 and the load generator on core 1 (taskset); unset, both use every core.
# Wrap in flock /work/bench.lock so that two benchmarks never overlap.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
LABEL=${1:?label}; WHAT=${2:?kiln or peer}; RATE=${3:-150}; SECS=${4:-60}
PORT=${RSS_PORT:-18110}
PEERS_DIR=${PEERS_DIR:?set PEERS_DIR to a copy of /work/shared/peers with npm ci done in loadgen and node-render}
OUT=${OUT:-$ROOT/bench-results/rss-$(date -u +%Y%m%dT%H%M%SZ)-$LABEL}
mkdir -p "$OUT"
BODY=$PEERS_DIR/loadgen/card.json
AUTH=()
SERVER_CPUS=() LOADGEN_CPUS=()
if [ "${PIN:-}" = split ]; then SERVER_CPUS=(taskset -c 0) LOADGEN_CPUS=(taskset -c 1); fi
if [ "$WHAT" = kiln ]; then
  export KILN_HOME="$OUT/home" KILN_PORT="$PORT" KILN_DB_NAME="${KILN_DB_NAME:-kiln_rss}"
  # One API key sends all the load: Kiln's per-user rate limit (default 1200/min, 20/s) would cap goodput long
  # before the render pool does, and the peer has none. This benchmark measures the pool, so the limit is off.
  export KILN_RATE_LIMIT="${KILN_RATE_LIMIT:-0}"
  "${SERVER_CPUS[@]}" "$ROOT/kiln" up > "$OUT/server.log" 2>&1 &
else
  (cd "$PEERS_DIR/node-render" && PEER_MODE=${PEER_MODE:-pool} PEER_QUEUE=${PEER_QUEUE:-8} PORT=$PORT exec "${SERVER_CPUS[@]}" node server.mjs) \
    > "$OUT/server.log" 2>&1 &
fi
LAUNCHER=$!
trap 'kill -TERM $LAUNCHER 2>/dev/null; wait $LAUNCHER 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do
  curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$PORT/readyz" > "$OUT/readyz.json"
if [ "$WHAT" = kiln ]; then
  AUTH=(--header "Authorization: Bearer $(cat "$KILN_HOME/api-key")")
  PID=$(pgrep -P "$LAUNCHER" java | head -n 1)   # ./kiln up supervises the JVM as its child
else
  PID=$(pgrep -P "$LAUNCHER" node | head -n 1 || echo "$LAUNCHER")
fi
: > "$OUT/rss.txt"
( while kill -0 "$PID" 2>/dev/null; do
    { ps -o rss= -p "$PID"; ps -o rss= --ppid "$PID"; } | awk '{ s += $1 } END { print s }' >> "$OUT/rss.txt" || true
    sleep 0.5
  done ) &
SAMPLER=$!
WARM=$(awk "BEGIN { printf \"%g\", $RATE / 3 }")
"${LOADGEN_CPUS[@]}" node "$PEERS_DIR/loadgen/loadgen.mjs" --url "http://127.0.0.1:$PORT/v1/renders" --body "$BODY" "${AUTH[@]}" \
  --warmup 10 --warmup-rate "$WARM" --rate "$RATE" --duration "$SECS" --timeout 30 --quiet \
  --json "$OUT/load.json" > /dev/null
kill "$SAMPLER" 2>/dev/null || true
python3 - "$LABEL" "$OUT" <<'PY'
import json, sys
label, out = sys.argv[1:]
rss = [int(x) for x in open(f"{out}/rss.txt").read().split()]
r = json.load(open(f"{out}/load.json"))
p = r["phases"][0] if "phases" in r else r
c = p["classes"]
def g(k, f): return (c.get(k) or {}).get(f)
counts = {k: v.get("count") for k, v in c.items() if isinstance(v, dict) and v.get("count")}
fmt = lambda v: "-" if v is None else f"{v:.1f}"
print(f"| {label} | {max(rss)//1024} | {fmt(p.get('goodput_rps'))} | {counts} | {fmt(g('200','p99'))} | {fmt(g('429','p99'))} |")
PY
