#!/usr/bin/env bash
# Kiln inside a real cgroup v1 box (issue 10 §1): a 512 MiB memory limit and a 1-core CPU quota, offered 3× its
# capacity for 60 s, then a burst of 120 simultaneous renders of a 60 KB SVG. Checks that
#   - it is never OOM-killed (the group's oom_kill count stays 0 and the server is still up at the end);
#   - it loses no request: under overload every one ends as 200 or 429; in the burst every connection gets an
#     HTTP answer (no reset);
#   - its render pool shows 1 worker (/readyz).
# Needs root and a writable cgroup v1 hierarchy (/sys/fs/cgroup/memory, /sys/fs/cgroup/cpu). Run it as
#   flock /work/bench.lock scripts/cgroup-overload.sh
# Env: BOX_MEMORY (bytes, default 512 MiB), BOX_CPU_QUOTA_US (default 100000 of a 100000 µs period = 1 core),
#      CG_PORT (default 18120), OVER_SECS (60), KILN_DB_NAME (kiln_cgroup). Exit status 0 only if every check passes.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MEMORY=${BOX_MEMORY:-$((512 * 1024 * 1024))}
QUOTA=${BOX_CPU_QUOTA_US:-100000}
PORT=${CG_PORT:-18120}
OVER_SECS=${OVER_SECS:-60}
OUT="$ROOT/bench-results/cgroup-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
V1_MEM=/sys/fs/cgroup/memory V1_CPU=/sys/fs/cgroup/cpu
[ "$(id -u)" = 0 ] || { echo "cgroup-overload: needs root to make cgroups" >&2; exit 2; }
[ -w "$V1_MEM" ] && [ -w "$V1_CPU" ] || { echo "cgroup-overload: needs a writable cgroup v1 hierarchy" >&2; exit 2; }

# Nest under this shell's own memory group, so the box lives inside whatever limit that already has.
own() { awk -F: -v c="$1" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' /proc/self/cgroup; }
MEM_GROUP="$V1_MEM$(own memory)/kiln-box-$$"; MEM_GROUP=${MEM_GROUP//\/\//\/}
CPU_GROUP="$V1_CPU$(own cpu)/kiln-box-$$"; CPU_GROUP=${CPU_GROUP//\/\//\/}
mkdir -p "$MEM_GROUP" "$CPU_GROUP"
echo "$MEMORY" > "$MEM_GROUP/memory.limit_in_bytes"
echo 100000 > "$CPU_GROUP/cpu.cfs_period_us"
echo "$QUOTA" > "$CPU_GROUP/cpu.cfs_quota_us"

export KILN_HOME="$OUT/home" KILN_PORT="$PORT" KILN_DB_NAME="${KILN_DB_NAME:-kiln_cgroup}"
# Build (if sources changed) outside the box: Maven in 512 MiB and 1 core is not what is tested.
"$ROOT/kiln" keys --help > /dev/null
# The launcher, its sizing JVM and the server all start inside the box (children inherit the groups).
sh -c 'echo $$ > "$1/cgroup.procs"; echo $$ > "$2/cgroup.procs"; shift 2; exec "$@"' box "$MEM_GROUP" "$CPU_GROUP" \
  "$ROOT/kiln" up > "$OUT/server.log" 2>&1 &
LAUNCHER=$!
cleanup() {
  kill -TERM "$LAUNCHER" 2>/dev/null || true
  wait "$LAUNCHER" 2>/dev/null || true
  # A group can be removed once its last process has left.
  for _ in $(seq 1 50); do
    [ -z "$(cat "$MEM_GROUP/cgroup.procs" 2>/dev/null)" ] && break
    sleep 0.2
  done
  rmdir "$MEM_GROUP" "$CPU_GROUP" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 1 240); do
  curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$PORT/readyz" > "$OUT/readyz.json" || { echo "server did not start; $OUT/server.log" >&2; exit 1; }
JAVA_PID=$(pgrep -P "$LAUNCHER" java | head -n 1)
WORKERS=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["renderPool"]["workers"])' "$OUT/readyz.json")
HEAP=$(tr '\0' ' ' < "/proc/$JAVA_PID/cmdline" | grep -o -- '-Xmx[^ ]*' | head -n 1)
KEY=$(cat "$KILN_HOME/api-key")
echo "box: memory limit $((MEMORY / 1024 / 1024)) MiB, CPU quota $QUOTA/100000 µs; server pid $JAVA_PID, $HEAP, workers $WORKERS"
: > "$OUT/rss.txt"
( while kill -0 "$JAVA_PID" 2>/dev/null; do ps -o rss= -p "$JAVA_PID" >> "$OUT/rss.txt" || true; sleep 0.5; done ) &
SAMPLER=$!
bench() { "$ROOT/kiln" bench render --url "http://127.0.0.1:$PORT" --key "$KEY" "$@"; }
last_json() { ls -t "$1"/*.json | head -n 1; }

echo "== capacity: closed loop, 4 clients, 20 s (after 10 s of warm-up)"
bench --mode saturate --concurrency 4 --warmup 10s --duration 20s --out "$OUT/capacity" > "$OUT/capacity.md"
CAP=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["goodput_per_s"])' "$(last_json "$OUT/capacity")")
RATE=$(python3 -c "print(round(3 * $CAP, 1))")
echo "capacity $CAP/s -> offering $RATE/s for ${OVER_SECS}s"
bench --rate "$RATE" --duration "${OVER_SECS}s" --timeout-ms 15000 --out "$OUT/overload" | tee "$OUT/overload.md"

echo "== burst: 120 simultaneous renders of a 60 KB SVG, one connection each"
python3 "$ROOT/scripts/burst.py" "$PORT" "$KEY" 120 "$OUT/burst.json"
sleep 1
kill "$SAMPLER" 2>/dev/null || true

ALIVE=no; kill -0 "$JAVA_PID" 2>/dev/null && ALIVE=yes
OOM_KILLS=$(awk '/^oom_kill /{print $2}' "$MEM_GROUP/memory.oom_control" 2>/dev/null || echo "?")
PEAK_GROUP=$(( $(cat "$MEM_GROUP/memory.max_usage_in_bytes") / 1024 / 1024 ))
PEAK_RSS=$(( $(sort -n "$OUT/rss.txt" | tail -n 1) / 1024 ))
python3 - "$OUT" "$WORKERS" "$ALIVE" "$OOM_KILLS" "$PEAK_GROUP" "$PEAK_RSS" "$HEAP" "$(last_json "$OUT/overload")" <<'PY'
import json, sys
out, workers, alive, oom, peak_group, peak_rss, heap, over = sys.argv[1:]
o = json.load(open(over)); c = o["classes"]
cnt = lambda k: c.get(k, {}).get("count", 0)
lost = cnt("timeout_504") + cnt("http_error") + cnt("connection_error") + cnt("dropped")
burst = json.load(open(f"{out}/burst.json"))["tally"]
# The burst is about resets: every connection must get an HTTP answer. A 504 is an answer (a heavy document that
# was admitted behind others and ran out of its budget); only "no answer" loses a request.
burst_lost = sum(v for k, v in burst.items() if not k.isdigit())
checks = {
    "render pool shows 1 worker": workers == "1",
    "never OOM-killed (oom_kill 0, server alive)": oom == "0" and alive == "yes",
    "overload: every request 200 or 429": lost == 0,
    "burst: every connection got an HTTP answer": burst_lost == 0,
}
lines = [f"| heap | {heap} |", f"| render workers | {workers} |",
         f"| overload offered | {o['offered_rate_per_s']} req/s for {o['duration_s']} s |",
         f"| overload goodput | {o['goodput_per_s']:.1f}/s |",
         f"| 200 · 429 · other | {cnt('success')} · {cnt('rejected_429')} · {lost} |",
         f"| 429 p99 | {c.get('rejected_429', {}).get('p99_ms', 0):.1f} ms |",
         f"| burst of 120 (60 KB SVG) | {burst} |",
         f"| peak RSS (server) · peak memory (group) | {peak_rss} MiB · {peak_group} MiB |",
         f"| oom_kill · server alive at the end | {oom} · {alive} |"]
lines += [f"| check: {k} | {'PASS' if v else 'FAIL'} |" for k, v in checks.items()]
open(f"{out}/summary.md", "w").write("\n".join(["| figure | value |", "|---|---|"] + lines) + "\n")
print("\n".join(lines))
sys.exit(0 if all(checks.values()) else 1)
PY
