#!/usr/bin/env bash
# What the disconnect watcher costs under overload with many open connections (BENCHMARKS.md, "Disconnect
# watcher"). For each probe (netlink sock_diag, then the /proc/net/tcp table) it starts Kiln, holds HOLD idle
# keep-alive connections open, offers RATE renders/s of the SVG card for DURATION_S seconds, and reads the CPU
# time of the watcher's thread from /proc/<pid>/task/*/stat before and after.
# Usage: scripts/bench-disconnect.sh ; HOLD=2000 RATE=150 DURATION_S=30 PROBES="sock_diag proc" to change.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PORT="${BENCH_PORT:-18090}"
HOLD="${HOLD:-2000}"
RATE="${RATE:-150}"
DURATION_S="${DURATION_S:-30}"
PROBES="${PROBES:-sock_diag proc}"
OUT="$ROOT/bench-results/disconnect-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
ulimit -n "$(ulimit -Hn)"
"$ROOT/kiln" build >/dev/null
TICK=$(getconf CLK_TCK)

watcher_ticks() { # utime+stime of the watcher thread, in clock ticks
  local pid=$1 t
  for t in /proc/"$pid"/task/*; do
    if [ "$(cat "$t/comm" 2>/dev/null)" = "kiln-disconnect" ]; then
      awk '{print $14 + $15}' "$t/stat"; return
    fi
  done
  echo 0
}

for probe in $PROBES; do
  export KILN_HOME="$OUT/home-$probe" KILN_PORT="$PORT" KILN_DB_NAME="${KILN_DB_NAME:-kiln_bench}"
  KILN_JAVA_OPTS="-Dkiln.disconnect-probe=$probe" "$ROOT/kiln" up > "$OUT/server-$probe.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 120); do
    [ -s "$KILN_HOME/api-key" ] && curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.5
  done
  KEY=$(cat "$KILN_HOME/api-key")
  JVM=$(pgrep -P "$SERVER" java || echo "$SERVER") # `kiln up` supervises the JVM as its child
  # Idle keep-alive connections: each sends one health check, reads the answer and stays open.
  python3 - "$PORT" "$HOLD" "$((DURATION_S + 30))" <<'PY' &
import socket, sys, time
port, n, hold = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
socks = []
for _ in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    s.recv(4096)
    socks.append(s)
print(f"holding {len(socks)} connections", flush=True)
time.sleep(hold)
PY
  HOLDER=$!
  for _ in $(seq 1 120); do
    [ "$(ss -Htn state established "( sport = :$PORT )" | wc -l)" -ge "$HOLD" ] && break; sleep 0.5
  done
  "$ROOT/kiln" bench render --url "http://127.0.0.1:$PORT" --key "$KEY" --body "$ROOT/examples/card.json" \
    --mode saturate --concurrency 4 --duration 10s --out "$OUT/warmup-$probe" >/dev/null
  BEFORE=$(watcher_ticks "$JVM")
  "$ROOT/kiln" bench render --url "http://127.0.0.1:$PORT" --key "$KEY" --body "$ROOT/examples/card.json" \
    --rate "$RATE" --duration "${DURATION_S}s" --timeout-ms 15000 --out "$OUT/overload-$probe" > "$OUT/overload-$probe.md"
  AFTER=$(watcher_ticks "$JVM")
  OPEN=$(ss -Htn state established "( sport = :$PORT )" | wc -l)
  python3 - "$probe" "$BEFORE" "$AFTER" "$TICK" "$DURATION_S" "$OPEN" "$(ls -t "$OUT/overload-$probe"/*.json | head -n 1)" <<'PY' | tee -a "$OUT/summary.md"
import json, sys
probe, before, after, tick, dur, open_, f = sys.argv[1:]
cpu_ms = (int(after) - int(before)) * 1000 / int(tick)
o = json.load(open(f)); c = o["classes"]
g = lambda k, x: c.get(k, {}).get(x, 0)
print(f"| {probe} | {open_} | {cpu_ms / float(dur):.1f} ms/s ({cpu_ms / float(dur) / 10:.2f}% of a core) | "
      f"{o['goodput_per_s']:.1f}/s | {g('success','p99_ms'):.1f} ms | {g('rejected_429','p99_ms'):.2f} ms |")
PY
  kill "$HOLDER" 2>/dev/null || true
  kill -TERM "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true
done
echo "| probe | open connections | watcher CPU | goodput | 200 p99 | 429 p99 |"
echo "results: $OUT"
