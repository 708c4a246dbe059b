#!/usr/bin/env bash
# Chunked speed-up for BENCHMARKS.md (issue 8, "Video (issue 8)"): one 60 s MP4 (1,800 frames at 30 fps, 1200x630,
# the card scene with its glow drifting and its panel turning), split into 2 chunks of 900 frames
# (KILN_VIDEO_CHUNK_FRAMES), rendered by 1 worker process against 2.
#   - one API instance (KILN_ROLE=api: it renders nothing) and N worker processes (KILN_ROLE=worker, each its own
#     KILN_HOME and port), all from `./kiln up`, sharing one database (KILN_DB_NAME, dropped before each run), one
#     storage root and one Redis db/prefix;
#   - pinned runs put worker i on core i alone (`taskset -c i`): one core per worker process, as one machine per
#     worker would have; unpinned runs let every worker use every core;
#   - each worker has KILN_RENDER_WORKERS=1 (WORKER_RENDER_WORKERS), so it claims one job at a time: one chunk per
#     worker process, whatever the cores;
#   - the timed span is from the POST of the generation to the first poll (every 0.2 s) that sees it completed; the
#     processes are started and ready before it. The output is downloaded and ffprobe counts its frames (-count_frames,
#     decoding every frame); anything but 1,800 fails the run. The workers' CPU time over the same span (their JVMs
#     and ffmpeg children, from /proc) tells a slower chunk that got less CPU from one that needed more.
# Usage (RUNS is a list of mode:workers, ROUNDS repeats it):
#   flock /work/bench.lock scripts/bench-chunked.sh
#   RUNS="pinned:1 pinned:2 unpinned:1 unpinned:2" ROUNDS=2 flock /work/bench.lock scripts/bench-chunked.sh
# SKIP_BUILD=1 uses the build that is there. Results land in bench-results/<stamp>-chunked/ (results.md, logs).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RUNS="${RUNS:-pinned:1 pinned:2}"
ROUNDS="${ROUNDS:-2}"
API_PORT="${BENCH_PORT:-18130}"
DB="${KILN_DB_NAME:-kiln_bench_chunk}"
DURATION_MS="${DURATION_MS:-60000}"
FPS="${FPS:-30}"
WORKER_RENDER_WORKERS="${WORKER_RENDER_WORKERS:-1}"
OUT="$ROOT/bench-results/$(date -u +%Y%m%dT%H%M%SZ)-chunked"
mkdir -p "$OUT"
PSQL=(psql -X -q -h 127.0.0.1 -U postgres)
BASE="http://127.0.0.1:$API_PORT"
CORES="$(nproc --all)"

if [ "${SKIP_BUILD:-0}" != 1 ]; then "$ROOT/kiln" build >/dev/null; fi

PIDS=()
# CPU seconds (user + system, its reaped ffmpeg children included) of the JVM that launcher $1 supervises.
cpu_seconds() {
  local java
  java="$(pgrep -P "$1" -x java | head -n 1)"
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15 + $16 + $17) / hz }' "/proc/$java/stat"
}
stop_all() {
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  PIDS=()
}
trap stop_all EXIT

wait_ready() { # url log
  for _ in $(seq 1 600); do
    if curl -fsS "$1/readyz" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  echo "bench-chunked: $1 not ready after 300 s; see $2" >&2
  exit 1
}

# The generation request: the card scene, DURATION_MS long at FPS, glow and panel animated (as scripts/VideoBench.java).
python3 - "$ROOT/examples/card-scene.json" "$DURATION_MS" "$FPS" > "$OUT/scene.json" <<'PY'
import json, sys
scene = json.load(open(sys.argv[1])); d = int(sys.argv[2]); doc = scene["document"]
doc["duration"] = d; doc["fps"] = int(sys.argv[3])
doc["layers"][0]["animations"] = [{"property": "x", "keyframes": [{"t": 0, "value": 820}, {"t": d, "value": -200}]}]
doc["layers"][1]["animations"] = [{"property": "rotation", "keyframes": [{"t": 0, "value": 0}, {"t": d, "value": 12}]}]
json.dump(scene, sys.stdout)
PY

echo "| round | mode | workers | wall time, submit → completed (s) | workers' CPU (s) | frames (ffprobe) | chunks: worker · seconds |" \
  > "$OUT/results.md"
echo "|---|---|---:|---:|---:|---:|---|" >> "$OUT/results.md"

run_one() { # round mode workers
  local round="$1" mode="$2" n="$3" dir="$OUT/r$1-$2-$3" i
  mkdir -p "$dir"
  "${PSQL[@]}" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" postgres
  # Shared by every instance of this run: database, storage root, Redis db and prefix.
  export KILN_DB_NAME="$DB" KILN_STORAGE_DIR="$dir/storage" KILN_RATE_LIMIT=0 KILN_NEW_USER_CREDITS=1000000000
  export KILN_REDIS_URL="${KILN_REDIS_URL:-redis://127.0.0.1:6379/5}" KILN_REDIS_PREFIX="bench-chunk-$$-r$round-$mode-$n"
  # The API renders nothing here, so its warm-up of the render path would only delay the start.
  export KILN_DB_CONNECT_TIMEOUT=30s KILN_LOG_FORMAT=text KILN_WARM_UP=0s
  KILN_ROLE=api KILN_HOME="$dir/api" KILN_PORT="$API_PORT" "$ROOT/kiln" up > "$dir/api.log" 2>&1 &
  PIDS+=($!)
  wait_ready "$BASE" "$dir/api.log"
  local workers=()
  for i in $(seq 0 $((n - 1))); do
    local pin=()
    if [ "$mode" = pinned ]; then pin=(taskset -c "$((i % CORES))"); fi
    KILN_ROLE=worker KILN_HOME="$dir/worker$i" KILN_PORT="$((API_PORT + 1 + i))" \
      KILN_RENDER_WORKERS="$WORKER_RENDER_WORKERS" "${pin[@]}" "$ROOT/kiln" up > "$dir/worker$i.log" 2>&1 &
    PIDS+=($!)
    workers+=($!)
  done
  for i in $(seq 0 $((n - 1))); do wait_ready "http://127.0.0.1:$((API_PORT + 1 + i))" "$dir/worker$i.log"; done
  uptime | tee "$dir/uptime-before.txt"
  local before=() p
  for p in "${workers[@]}"; do before+=("$(cpu_seconds "$p")"); done
  python3 - "$BASE" "$(cat "$dir/api/api-key")" "$OUT/scene.json" "$dir" <<'PY'
import http.client, json, sys, time, urllib.parse
base, key, scene_file, out = sys.argv[1:5]
u = urllib.parse.urlparse(base)
c = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
h = {"Authorization": "Bearer " + key, "Content-Type": "application/json"}
def call(method, path, body=None):
    c.request(method, path, None if body is None else json.dumps(body), h)
    r = c.getresponse(); data = r.read()
    if r.status >= 300: raise SystemExit(f"{method} {path}: {r.status} {data[:400]!r}")
    return data
project = json.loads(call("POST", "/v1/projects", {"name": "chunked"}))["id"]
scene = json.loads(call("POST", f"/v1/projects/{project}/scenes", json.load(open(scene_file))))["id"]
t0 = time.monotonic()
gen = json.loads(call("POST", f"/v1/scenes/{scene}/generations", {"output": {"format": "mp4"}}))
while True:
    g = json.loads(call("GET", f"/v1/generations/{gen['id']}"))
    if g["status"] == "completed": break
    if g["status"] in ("failed", "canceled"): raise SystemExit(f"generation {g['status']}: {g.get('error')}")
    time.sleep(0.2)
wall = time.monotonic() - t0
with open(f"{out}/wall.txt", "w") as f: f.write(f"{wall:.1f}\n")
with open(f"{out}/generation.json", "w") as f: json.dump(g, f, indent=1)
c.request("GET", g["output"]["url"], headers=h); r = c.getresponse(); data = r.read()
if r.status != 200: raise SystemExit(f"GET {g['output']['url']}: {r.status}")
with open(f"{out}/output.mp4", "wb") as f: f.write(data)
print(f"wall {wall:.1f} s, output {g['output']}")
PY
  uptime | tee "$dir/uptime-after.txt"
  # The workers' CPU time during the video (the chunks' ffmpeg children are reaped by then: only the join's
  # ffprobe/poster processes could be missing, a fraction of a second).
  local cpu=0
  for i in "${!workers[@]}"; do
    cpu="$(awk -v a="$cpu" -v b="$(cpu_seconds "${workers[$i]}")" -v c="${before[$i]}" 'BEGIN { printf "%.1f", a + b - c }')"
  done
  local ffprobe="${KILN_FFPROBE:-$(ls /tmp/kiln-ffmpeg-*/ffprobe 2>/dev/null | head -n 1)}"
  local frames
  # The bundled ffprobe finds its libraries beside it (as Kiln runs it: dev.kiln.video.Ffmpeg).
  frames="$(LD_LIBRARY_PATH="$(dirname "$ffprobe")" "$ffprobe" -v error -select_streams v:0 -count_frames -show_entries stream=nb_read_frames \
    -of csv=p=0 "$dir/output.mp4")"
  # Which worker process ran each job, and for how long (the queue's own record).
  "${PSQL[@]}" -At -F ' ' -c "SELECT kind, worker, attempt,
      round(extract(epoch FROM finished_at - attempted_at)::numeric, 1) FROM kiln_queue_jobs ORDER BY id" "$DB" \
    | tee "$dir/jobs.txt"
  local chunks
  chunks="$(awk '$1 == "generation.video.chunk" { printf "%s%s · %s", sep, $2, $4; sep = "; " }' "$dir/jobs.txt")"
  echo "| $round | $mode | $n | $(cat "$dir/wall.txt") | $cpu | $frames | $chunks |" | tee -a "$OUT/results.md"
  stop_all
  if [ "$frames" != "$((DURATION_MS * FPS / 1000))" ]; then
    echo "bench-chunked: the joined MP4 has $frames frames, expected $((DURATION_MS * FPS / 1000))" >&2
    exit 1
  fi
  rm -rf "$dir/storage"
}

echo "machine: $CORES cores; $(uptime)" | tee "$OUT/machine.txt"
for round in $(seq 1 "$ROUNDS"); do
  for run in $RUNS; do
    run_one "$round" "${run%%:*}" "${run##*:}"
  done
done
echo "machine after: $(uptime)" | tee -a "$OUT/machine.txt"
cat "$OUT/results.md"
echo "results: $OUT"
