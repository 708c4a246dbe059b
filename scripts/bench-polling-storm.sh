#!/usr/bin/env bash
# Polling storm for BENCHMARKS.md (issue 7): 1,000 clients each polling one generation's status once a second (an
# open arrival rate of 1,000 GETs/s over 1,000 ids) while the workers complete jobs, on one Kiln (--role all: the API
# and 2 render workers share the default pool of 8 database connections).
#   - 1,000 generations of examples/card-scene.json (1200x630 PNG) are submitted just before the storm: the workers
#     burn them down during it, and a submitter adds STORM_SUBMIT_RATE (10) more a second throughout, so statuses
#     keep changing (every change invalidates that generation in the cache) for the whole run;
#   - the pool: HikariCP's own meters (hikaricp_connections_acquire_seconds max, hikaricp_connections_timeout_total)
#     and kiln_db_pool_pending sampled every 250 ms; a request that waited past KILN_DB_CONNECT_TIMEOUT (2 s) would
#     be a 503 database-unavailable in the load report;
#   - what the cache absorbs: kiln_cache_requests_total by layer, before and after.
# Rate limits are off (one API key stands for the 1,000 clients). Wrap it in flock:
#   flock /work/bench.lock scripts/bench-polling-storm.sh
# SKIP_BUILD=1 uses the build that is there. Results land in bench-results/<stamp>-storm/.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PORT="${BENCH_PORT:-18230}"
DB="${KILN_DB_NAME:-kiln_bench_storm}"
CLIENTS="${STORM_CLIENTS:-1000}"
DURATION="${STORM_DURATION:-60s}"
SUBMIT_RATE="${STORM_SUBMIT_RATE:-10}"
OUT="$ROOT/bench-results/$(date -u +%Y%m%dT%H%M%SZ)-storm"
mkdir -p "$OUT"
export KILN_HOME="$OUT/home" KILN_PORT="$PORT" KILN_DB_NAME="$DB" KILN_RATE_LIMIT=0 KILN_ROLE=all
export KILN_NEW_USER_CREDITS=1000000000 KILN_RENDER_WORKERS="${KILN_RENDER_WORKERS:-2}"
export KILN_REDIS_URL="${KILN_REDIS_URL:-redis://127.0.0.1:6379/4}" KILN_REDIS_PREFIX="bench-storm-$$"
PSQL=(psql -X -q -h 127.0.0.1 -U postgres)
BASE="http://127.0.0.1:$PORT"

"${PSQL[@]}" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" postgres
if [ "${SKIP_BUILD:-0}" != 1 ]; then "$ROOT/kiln" build >/dev/null; fi
"$ROOT/kiln" up > "$OUT/server.log" 2>&1 &
SERVER=$!
SAMPLER=""
SUBMITTER=""
stop() {
  [ -n "$SAMPLER" ] && kill "$SAMPLER" 2>/dev/null
  [ -n "$SUBMITTER" ] && kill "$SUBMITTER" 2>/dev/null
  kill -TERM "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true
}
trap stop EXIT
for _ in $(seq 1 240); do
  if curl -fsS "$BASE/readyz" >/dev/null 2>&1; then break; fi
  sleep 0.5
done
KEY=$(cat "$KILN_HOME/api-key")

# One project and scene; then $CLIENTS generations, whose status URLs the storm polls.
python3 - "$BASE" "$KEY" "$CLIENTS" "$ROOT/examples/card-scene.json" "$OUT/paths.txt" <<'PY'
import http.client, json, sys, urllib.parse
base, key, n, scene_file, paths = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
u = urllib.parse.urlparse(base)
c = http.client.HTTPConnection(u.hostname, u.port)
h = {"Authorization": "Bearer " + key, "Content-Type": "application/json"}
def call(method, path, body):
    c.request(method, path, json.dumps(body), h)
    r = c.getresponse(); data = r.read()
    if r.status >= 300: raise SystemExit(f"{method} {path}: {r.status} {data[:300]!r}")
    return json.loads(data)
project = call("POST", "/v1/projects", {"name": "storm"})["id"]
scene = call("POST", f"/v1/projects/{project}/scenes", json.load(open(scene_file)))["id"]
with open(paths, "w") as f:
    for _ in range(n):
        f.write(f"/v1/generations/{call('POST', f'/v1/scenes/{scene}/generations', {'output': {'format': 'png'}})['id']}\n")
with open(paths + ".scene", "w") as f:
    f.write(str(scene))
PY
SCENE=$(cat "$OUT/paths.txt.scene")
COMPLETED="SELECT count(*) FILTER (WHERE status = 'completed') || ' completed, ' || count(*) FILTER (WHERE status IN ('queued', 'processing')) || ' queued or processing' FROM generations"
echo "before the storm: $("${PSQL[@]}" -At -c "$COMPLETED" "$DB")" | tee "$OUT/jobs.txt"
curl -fsS "$BASE/metrics" > "$OUT/metrics-before.txt"
uptime | tee "$OUT/uptime.txt"

# Submits $SUBMIT_RATE more generations a second for the whole storm (new work for the workers).
python3 - "$BASE" "$KEY" "$SCENE" "$SUBMIT_RATE" > "$OUT/submitter.log" 2>&1 <<'PY' &
import http.client, json, sys, time, urllib.parse
base, key, scene, rate = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
u = urllib.parse.urlparse(base)
c = http.client.HTTPConnection(u.hostname, u.port)
h = {"Authorization": "Bearer " + key, "Content-Type": "application/json"}
t0 = time.monotonic(); i = 0; codes = {}
while True:
    i += 1
    time.sleep(max(0, t0 + i / rate - time.monotonic()))
    c.request("POST", f"/v1/scenes/{scene}/generations", json.dumps({"output": {"format": "png"}}), h)
    r = c.getresponse(); r.read(); codes[r.status] = codes.get(r.status, 0) + 1
    if i % 50 == 0: print(json.dumps(codes), flush=True)
PY
SUBMITTER=$!
# The pool's waiters, every 250 ms.
( while true; do
    curl -fsS "$BASE/metrics" 2>/dev/null | grep -E '^kiln_db_pool_(pending|active) ' | tr '\n' ' '; echo
    sleep 0.25
  done > "$OUT/pool-samples.txt" ) &
SAMPLER=$!

echo "== storm: $CLIENTS generations polled once a second each ($CLIENTS GET/s, open arrival) for $DURATION"
"$ROOT/kiln" bench http --url "$BASE" --key "$KEY" --paths-file "$OUT/paths.txt" --mode open --rate "$CLIENTS" \
  --duration "$DURATION" --warmup 5s --out "$OUT/storm" | tee "$OUT/storm.md"
kill "$SUBMITTER" "$SAMPLER" 2>/dev/null || true
SUBMITTER=""; SAMPLER=""
curl -fsS "$BASE/metrics" > "$OUT/metrics-after.txt"
echo "after the storm: $("${PSQL[@]}" -At -c "$COMPLETED" "$DB")" | tee -a "$OUT/jobs.txt"

python3 - "$OUT" <<'PY'
import re, sys
out = sys.argv[1]
def read(name):
    m = {}
    for line in open(f"{out}/{name}"):
        if line.startswith("#") or not line.strip(): continue
        k, _, v = line.rpartition(" ")
        try: m[k] = float(v)
        except ValueError: pass
    return m
b, a = read("metrics-before.txt"), read("metrics-after.txt")
def delta(prefix):
    return {k: a[k] - b.get(k, 0) for k in a if k.startswith(prefix)}
cache = delta("kiln_cache_requests_total")
for k in sorted(cache): print(f"{k} +{cache[k]:.0f}")
l1 = sum(v for k, v in cache.items() if 'layer="l1"' in k)
l1_hit = sum(v for k, v in cache.items() if 'layer="l1"' in k and 'result="hit"' in k)
l2_hit = sum(v for k, v in cache.items() if 'layer="l2"' in k and 'result="hit"' in k)
src = sum(v for k, v in cache.items() if 'layer="source"' in k)  # loads that reached PostgreSQL (found or not)
if l1: print(f"status reads: {l1:.0f}; L1 {100 * l1_hit / l1:.1f}%, L2 {100 * l2_hit / l1:.1f}%, "
             f"loaded from PostgreSQL {src:.0f} ({100 * src / l1:.1f}%)")
for k in sorted(a):
    if k.startswith(("hikaricp_connections_timeout_total", "hikaricp_connections_acquire_seconds_max",
                     "hikaricp_connections_max", "hikaricp_connections_pending")):
        print(k, a[k])
acq_n = sum(v for k, v in delta("hikaricp_connections_acquire_seconds_count").items())
acq_s = sum(v for k, v in delta("hikaricp_connections_acquire_seconds_sum").items())
if acq_n: print(f"connection acquisitions during the storm: {acq_n:.0f}, mean wait {1000 * acq_s / acq_n:.3f} ms")
pend = [float(x) for x in re.findall(r'kiln_db_pool_pending (\S+)', open(f"{out}/pool-samples.txt").read())]
act = [float(x) for x in re.findall(r'kiln_db_pool_active (\S+)', open(f"{out}/pool-samples.txt").read())]
if pend: print(f"pool samples: {len(pend)}, max pending {max(pend):.0f}, max active {max(act):.0f}")
PY
tail -1 "$OUT/submitter.log" | sed 's/^/submitter answers: /'
echo "results: $OUT"
