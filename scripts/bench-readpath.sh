#!/usr/bin/env bash
# Read-path benchmarks for BENCHMARKS.md (issue 7), all in one run on this machine:
#   1. dashboard, uncached (KILN_CACHE=off) and cached: p50/p99 of GET /v1/dashboard?limit=30 for a user with 30
#      projects and 150 scenes, in a database of ~2,000,000 generations
#   2. status, cached: saturation throughput of GET /v1/generations/{id} (200, and 304 with If-None-Match) against a
#      trivial authenticated route (GET /v1/ping-unknown: auth, then a small 404 problem) on the same server
#   Beside each server's dashboard runs, the trivial authenticated route, sequentially too: the same sitting's floor.
#   Each dashboard run goes once as the load generator sends by default (identity) and once with
#   Accept-Encoding: gzip, as browsers send (the client reads the compressed bytes and does not inflate them).
# Wrap it in flock: flock /work/bench.lock scripts/bench-readpath.sh
# Results land in bench-results/<stamp>/; the seeded database kiln_bench_read is kept (set RESEED=1 to rebuild it).
# SKIP_BUILD=1 uses the build that is there; DASHBOARD_ONLY=1 stops after the dashboard runs.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PORT="${BENCH_PORT:-18200}"
DB="${KILN_DB_NAME:-kiln_bench_read}"
OUT="$ROOT/bench-results/$(date -u +%Y%m%dT%H%M%SZ)-readpath"
mkdir -p "$OUT"
export KILN_HOME="$OUT/home" KILN_PORT="$PORT" KILN_DB_NAME="$DB" KILN_RATE_LIMIT=0 KILN_ROLE=api
export KILN_REDIS_URL="${KILN_REDIS_URL:-redis://127.0.0.1:6379/4}" KILN_REDIS_PREFIX="bench-readpath-$$"
PSQL=(psql -X -q -h 127.0.0.1 -U postgres)

if [ "${RESEED:-0}" = 1 ]; then "${PSQL[@]}" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" postgres; fi
if [ "${SKIP_BUILD:-0}" != 1 ]; then "$ROOT/kiln" build >/dev/null; fi

start() { # start <cache on|off>
  KILN_CACHE="$1" "$ROOT/kiln" up > "$OUT/server-$1.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 240); do
    if curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  echo "server did not become ready; see $OUT/server-$1.log" >&2; exit 1
}
stop() { kill -TERM "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true; }
trap stop EXIT

start off
KEY=$(cat "$KILN_HOME/api-key")
KEY_ID=$(echo "$KEY" | cut -d_ -f2)
USER_ID=$("${PSQL[@]}" -At -c "SELECT user_id FROM api_keys WHERE key_id = '$KEY_ID'" "$DB")
if [ "$("${PSQL[@]}" -At -c "SELECT count(*) FROM generations" "$DB")" -lt 1000000 ]; then
  echo "== seeding $DB (once)"
  time "${PSQL[@]}" -v bench_user="$USER_ID" -f "$ROOT/scripts/bench-readpath-seed.sql" "$DB"
fi
# The key of this run belongs to a new user when the database was seeded by an earlier run: give it the bench data.
SEEDED=$("${PSQL[@]}" -At -c "SELECT user_id FROM projects WHERE name = 'bench project 1' LIMIT 1" "$DB")
"${PSQL[@]}" -c "UPDATE api_keys SET user_id = $SEEDED WHERE key_id = '$KEY_ID'" "$DB" >/dev/null
# Check it: the run measures nothing if the key reads an empty dashboard.
[ "$(curl -fsS -H "Authorization: Bearer $KEY" "http://127.0.0.1:$PORT/v1/dashboard?limit=30" \
  | python3 -c 'import json,sys; print(sum(len(p["scenes"]) for p in json.load(sys.stdin)["items"]))')" = 150 ] \
  || { echo "the bench key does not see the seeded dashboard" >&2; exit 1; }
GEN=$("${PSQL[@]}" -At -c "SELECT max(id) FROM generations WHERE user_id = $SEEDED AND status = 'completed'" "$DB")
"${PSQL[@]}" -At -c "SELECT 'generations: ' || count(*) FROM generations" "$DB" | tee "$OUT/db.txt"
"${PSQL[@]}" -At -c "SELECT 'bench user: ' || (SELECT count(*) FROM projects WHERE user_id = $SEEDED) || ' projects, '
  || (SELECT count(*) FROM scenes WHERE user_id = $SEEDED) || ' scenes, '
  || (SELECT count(*) FROM generations WHERE user_id = $SEEDED) || ' generations'" "$DB" | tee -a "$OUT/db.txt"
uptime | tee "$OUT/uptime.txt"

bench() { "$ROOT/kiln" bench http --url "http://127.0.0.1:$PORT" --key "$KEY" "$@"; }
DASH="/v1/dashboard?limit=30"

echo "== dashboard, uncached (KILN_CACHE=off)"
bench --path "$DASH" --mode sequential --requests 1000 --out "$OUT/warm-off" >/dev/null
bench --path "/v1/ping-unknown" --mode sequential --requests 2000 --out "$OUT/trivial-seq-off" | tee "$OUT/trivial-seq-off.md"
bench --path "$DASH" --mode sequential --requests 2000 --out "$OUT/dashboard-uncached" | tee "$OUT/dashboard-uncached.md"
bench --path "$DASH" --header "Accept-Encoding=gzip" --mode sequential --requests 2000 --out "$OUT/dashboard-uncached-gzip" \
  | tee "$OUT/dashboard-uncached-gzip.md"
stop

start on
echo "== dashboard, cached"
bench --path "$DASH" --mode sequential --requests 5000 --out "$OUT/warm-on" >/dev/null; bench --path "$DASH" --header "Accept-Encoding=gzip" --mode sequential --requests 5000 --out "$OUT/warm-on-gzip" >/dev/null
bench --path "/v1/ping-unknown" --mode sequential --requests 5000 --out "$OUT/trivial-seq-on" | tee "$OUT/trivial-seq-on.md"
bench --path "$DASH" --mode sequential --requests 5000 --out "$OUT/dashboard-cached" | tee "$OUT/dashboard-cached.md"
bench --path "$DASH" --header "Accept-Encoding=gzip" --mode sequential --requests 5000 --out "$OUT/dashboard-cached-gzip" \
  | tee "$OUT/dashboard-cached-gzip.md"
curl -sS -o /dev/null -w 'dashboard page: %{size_download} bytes identity, ' -H "Authorization: Bearer $KEY" \
  "http://127.0.0.1:$PORT$DASH" | tee -a "$OUT/db.txt"
curl -sS -o /dev/null -w '%{size_download} bytes gzip\n' -H "Authorization: Bearer $KEY" -H 'Accept-Encoding: gzip' \
  "http://127.0.0.1:$PORT$DASH" | tee -a "$OUT/db.txt"
if [ "${DASHBOARD_ONLY:-0}" = 1 ]; then echo "results: $OUT"; exit 0; fi

echo "== status (cached) vs a trivial authenticated route, saturating with 8 clients"
bench --path "/v1/generations/$GEN" --mode saturate --concurrency 8 --duration 10s --out "$OUT/warm-status" >/dev/null
bench --path "/v1/ping-unknown" --mode saturate --concurrency 8 --duration 20s --out "$OUT/trivial" | tee "$OUT/trivial.md"
bench --path "/v1/generations/$GEN" --mode saturate --concurrency 8 --duration 20s --out "$OUT/status" | tee "$OUT/status.md"
ETAG=$(curl -fsS -D - -o /dev/null -H "Authorization: Bearer $KEY" "http://127.0.0.1:$PORT/v1/generations/$GEN" \
  | tr -d '\r' | sed -n 's/^[Ee][Tt][Aa][Gg]: //p')
bench --path "/v1/generations/$GEN" --header "If-None-Match=$ETAG" --mode saturate --concurrency 8 --duration 20s \
  --out "$OUT/status-304" | tee "$OUT/status-304.md"
curl -fsS "http://127.0.0.1:$PORT/metrics" | grep -E '^kiln_cache_requests_total|^kiln_redis_state' > "$OUT/cache-metrics.txt"
cat "$OUT/cache-metrics.txt"
echo "results: $OUT"
