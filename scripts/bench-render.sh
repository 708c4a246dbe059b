#!/usr/bin/env bash
# Render benchmarks for BENCHMARKS.md, all in one run on this machine:
#   1. single-client rate (sequential)  2. saturation throughput (closed loop)
#   3. capacity ratio = saturation ÷ (workers × single-client rate)
#   4. overload: open arrival at 3× saturation for OVERLOAD_S seconds
#   5. soak: SOAK_N renders at saturation, sampling the server's RSS every second
# Usage: scripts/bench-render.sh [body.json] ; results land in bench-results/<stamp>/
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BODY="${1:-$ROOT/examples/card.json}"
PORT="${BENCH_PORT:-18080}"
OVERLOAD_S="${OVERLOAD_S:-60}"
SOAK_N="${SOAK_N:-10000}"
SAT_CONCURRENCY="${SAT_CONCURRENCY:-8}"
OUT="$ROOT/bench-results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
export KILN_HOME="$OUT/home" KILN_PORT="$PORT" KILN_DB_NAME="${KILN_DB_NAME:-kiln_bench}"

"$ROOT/kiln" build >/dev/null
"$ROOT/kiln" up > "$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
READY=
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; then READY=1; break; fi
  sleep 0.5
done
[ -n "$READY" ] || { echo "server did not become ready; see $OUT/server.log" >&2; exit 1; }
JAVA_PID=$SERVER   # the launcher execs java, so this is the server JVM itself
KEY=$(cat "$KILN_HOME/api-key")
WORKERS=$(curl -fsS "http://127.0.0.1:$PORT/readyz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["renderPool"]["workers"])')
bench() { "$ROOT/kiln" bench render --url "http://127.0.0.1:$PORT" --key "$KEY" --body "$BODY" "$@"; }
last_json() { ls -t "$1"/*.json | head -n 1; }
field() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }

echo "== warm-up"; bench --mode saturate --concurrency 4 --duration 40s --out "$OUT/warmup" >/dev/null
echo "== sequential"; bench --mode sequential --requests 300 --out "$OUT/sequential" | tee "$OUT/sequential.md"
SEQ=$(field "$(last_json "$OUT/sequential")" 'd["goodput_per_s"]')
echo "== saturate"; bench --mode saturate --concurrency "$SAT_CONCURRENCY" --duration 30s --out "$OUT/saturate" | tee "$OUT/saturate.md"
SAT=$(field "$(last_json "$OUT/saturate")" 'd["goodput_per_s"]')
RATIO=$(python3 -c "print(round($SAT / ($WORKERS * $SEQ), 3))")
RATE=$(python3 -c "print(round(3 * $SAT, 1))")
echo "== overload at ${RATE}/s (3× $SAT/s) for ${OVERLOAD_S}s"
bench --rate "$RATE" --duration "${OVERLOAD_S}s" --timeout-ms 15000 --out "$OUT/overload" | tee "$OUT/overload.md"
OVER="$(last_json "$OUT/overload")"
sleep 1
READY_AFTER=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/readyz")

echo "== soak: $SOAK_N renders"
RSS_LOG="$OUT/rss.txt"; : > "$RSS_LOG"
( while kill -0 "$JAVA_PID" 2>/dev/null; do ps -o rss= -p "$JAVA_PID" >> "$RSS_LOG" || true; sleep 1; done ) &
SAMPLER=$!
RSS_BEFORE=$(ps -o rss= -p "$JAVA_PID")
SOAK_S=$(python3 -c "import math; print(math.ceil($SOAK_N / $SAT))")
bench --mode saturate --concurrency "$SAT_CONCURRENCY" --duration "${SOAK_S}s" --out "$OUT/soak" | tee "$OUT/soak.md"
kill "$SAMPLER" 2>/dev/null || true
SOAK_DONE=$(field "$(last_json "$OUT/soak")" 'd["classes"]["success"]["count"]')
PEAK=$(sort -n "$RSS_LOG" | tail -n 1)
RSS_AFTER=$(ps -o rss= -p "$JAVA_PID")

python3 - "$OUT" "$WORKERS" "$SEQ" "$SAT" "$RATIO" "$RATE" "$OVER" "$READY_AFTER" "$SOAK_DONE" "$RSS_BEFORE" "$PEAK" "$RSS_AFTER" <<'PY'
import json, sys
out, workers, seq, sat, ratio, rate, over, ready, soak, before, peak, after = sys.argv[1:]
o = json.load(open(over)); c = o["classes"]
def cls(k, f): return c.get(k, {}).get(f, 0)
good = o["goodput_per_s"]
lines = [
 f"| workers | {workers} |", f"| single-client rate | {float(seq):.1f}/s |", f"| saturation throughput | {float(sat):.1f}/s |",
 f"| capacity ratio (target ≥ 0.9) | {ratio} |", f"| overload offered | {rate}/s for {o['duration_s']} s |",
 f"| overload goodput | {good:.1f}/s ({good/float(sat):.2f} of saturation; target ≥ 0.9) |",
 f"| 200s: count · p50 · p99 · max | {cls('success','count')} · {cls('success','p50_ms'):.1f} · {cls('success','p99_ms'):.1f} · {cls('success','max_ms'):.1f} ms |",
 f"| 429s: count · p50 · p99 · max | {cls('rejected_429','count')} · {cls('rejected_429','p50_ms'):.2f} · {cls('rejected_429','p99_ms'):.2f} · {cls('rejected_429','max_ms'):.2f} ms |",
 f"| 504s | {cls('timeout_504','count')} |", f"| other errors | {cls('http_error','count') + cls('connection_error','count') + cls('dropped','count')} |",
 f"| max send lag | {o.get('max_send_lag_ms', 0):.1f} ms |", f"| /readyz 1 s after overload | {ready} |",
 f"| soak renders | {soak} |", f"| RSS before · peak · after soak | {int(before)//1024} · {int(peak)//1024} · {int(after)//1024} MiB |"]
open(f"{out}/summary.md","w").write("\n".join(["| figure | value |","|---|---|"]+lines)+"\n")
print("\n".join(lines))
PY
echo "results: $OUT"
