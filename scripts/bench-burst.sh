#!/usr/bin/env bash
# Burst rejections on a fresh replica (BENCHMARKS.md, "Burst rejections"): BURSTS bursts of 120 simultaneous renders
# of a 60 KB SVG (scripts/burst.py), one connection each, at 2 render workers and a queue of 8, against a Kiln
# started for the run and against the Node pooled peer (../shared/peers/node-render, PEER_MODE=pool) in the same run.
# The first burst meets a server that has just turned ready, as a replica added by an autoscaler does. Between bursts
# the script waits until a small render succeeds again, so every burst meets an idle server.
# Targets: kiln-cold (no AOT cache, no warm-up), kiln (the warm-up before /readyz, as `./kiln up` starts, without the
# AOT cache), kiln-aot (the warm-up and the cache `./kiln aot` trains; run that first) and peer.
# Usage: scripts/bench-burst.sh ; BURSTS=5 TARGETS="kiln-cold kiln kiln-aot peer" to change.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PEERS="${PEERS:-$ROOT/../shared/peers}"
BURSTS="${BURSTS:-5}"
TARGETS="${TARGETS:-kiln-cold kiln peer}"
PORT="${BENCH_PORT:-18095}"
OUT="$ROOT/bench-results/burst-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
SMALL='{"document":{"type":"svg","svg":"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"8\" height=\"8\"/>"},"output":{"format":"png"}}'

wait_ready() { # $1: a file that must exist too (the API key), or nothing
  for _ in $(seq 1 240); do
    { [ -z "${1:-}" ] || [ -s "$1" ]; } && curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && return
    sleep 0.25
  done
  echo "not ready; see $OUT" >&2; exit 1
}
wait_idle() { # until a small render gets its 200: the burst's accepted renders are done
  for _ in $(seq 1 600); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
      --data "$SMALL" "http://127.0.0.1:$PORT/v1/renders" || true)
    [ "$code" = 200 ] && return
    sleep 0.5
  done
}

# `kiln up` builds when sources changed; `kiln build` would always rebuild and so drop the AOT cache.
for target in $TARGETS; do
  if [ "$target" != peer ]; then
    # kiln-cold: neither the ahead-of-time cache nor the warm-up; kiln: the warm-up; kiln-aot: both
    if [ "$target" = kiln-aot ]; then export KILN_AOT=auto; else export KILN_AOT=off; fi
    if [ "$target" = kiln-cold ]; then export KILN_WARM_UP=0s; else unset KILN_WARM_UP; fi
    export KILN_HOME="$OUT/home-$target" KILN_PORT="$PORT" KILN_DB_NAME="${KILN_DB_NAME:-kiln_bench}" \
      KILN_RENDER_WORKERS=2 KILN_RENDER_QUEUE=8 KILN_RATE_LIMIT=0
    "$ROOT/kiln" up > "$OUT/server-$target.log" 2>&1 &
    SERVER=$!
    wait_ready "$KILN_HOME/api-key"
    KEY=$(cat "$KILN_HOME/api-key")
  else
    (cd "$PEERS/node-render" && PEER_MODE=pool PEER_QUEUE=8 PORT="$PORT" exec node server.mjs) \
      > "$OUT/server-peer.log" 2>&1 &
    SERVER=$!
    wait_ready
    KEY=none
  fi
  for i in $(seq 1 "$BURSTS"); do
    python3 "$ROOT/scripts/burst.py" "$PORT" "$KEY" 120 "$OUT/$target-$i.json" > /dev/null
    python3 - "$target" "$i" "$OUT/$target-$i.json" <<'PY' | tee -a "$OUT/summary.md"
import json, sys
t, i, f = sys.argv[1:]
r = json.load(open(f))
print(f"| {t} | {i}{' (fresh)' if i == '1' else ''} | {r['tally']} | {r['p50_429_ms']} | {r['p99_429_ms']} | {r['max_429_ms']} |")
PY
    wait_idle
  done
  kill -TERM "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true
done
echo "| target | burst | answers | 429 p50 ms | 429 p99 ms | 429 max ms |"
echo "results: $OUT"
