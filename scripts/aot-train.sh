#!/usr/bin/env bash
# Trains the JDK's ahead-of-time cache (JEP 483/514/515) for `kiln up`: starts Kiln with -XX:AOTCacheOutput on a
# throwaway home and database, drives the request paths a replica serves (renders of each document type and format,
# 429s under overload, problem answers, large bodies drained after an early answer), then stops it; the JVM
# writes the cache as it exits. `./kiln up` uses the cache when it is there and matches the build (the JVM checks
# the class path and ignores a stale cache). Run by `./kiln aot`; takes about a minute.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${1:?usage: aot-train.sh CACHE_FILE}"
PORT="${AOT_TRAIN_PORT:-18099}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export KILN_HOME="$WORK/home" KILN_PORT="$PORT" KILN_DB_NAME="kiln_aot_training" KILN_RATE_LIMIT=0 \
  KILN_STORAGE_DIR="$WORK/storage" KILN_LOG_FORMAT=text
rm -f "$CACHE"
KILN_AOT=off KILN_JAVA_OPTS="${KILN_JAVA_OPTS:-} -XX:AOTCacheOutput=$CACHE" "$ROOT/kiln" up > "$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 240); do
  [ -s "$KILN_HOME/api-key" ] && curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.25
done
curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
KEY=$(cat "$KILN_HOME/api-key")
bench() { "$ROOT/kiln" bench render --url "http://127.0.0.1:$PORT" --key "$KEY" "$@" --out "$WORK/bench" >/dev/null; }
for format in png jpeg webp; do
  bench --mode saturate --concurrency 4 --duration 4s --format "$format"
  bench --mode saturate --concurrency 4 --duration 4s --format "$format" --body "$ROOT/examples/card-scene.json"
done
bench --rate 300 --duration 8s --timeout-ms 5000 # overload: 429s and their drained bodies
python3 "$ROOT/scripts/burst.py" "$PORT" "$KEY" 60 >/dev/null
for path in /healthz /metrics /v1/nothing-here; do curl -s -o /dev/null "http://127.0.0.1:$PORT$path"; done
curl -s -o /dev/null -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' --data '{"document":1}' \
  "http://127.0.0.1:$PORT/v1/renders"
kill -TERM "$SERVER"
wait "$SERVER" || true
[ -s "$CACHE" ] || { echo "no AOT cache was written; see the server log:" >&2; tail -20 "$WORK/server.log" >&2; exit 1; }
echo "AOT cache: $CACHE ($(du -h "$CACHE" | cut -f1))"
