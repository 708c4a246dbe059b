#!/usr/bin/env bash
# The queue's claim and completion statements on the database alone (BENCHMARKS.md, "Queue", seventh sitting):
# 20,000 waiting jobs of one tenant, one pgbench session claiming 50 (Sql.CLAIM, as prepared statements) and
# completing what it claimed (Sql.COMPLETE) until all are done; variants alternated for ROUNDS rounds.
#   flock /work/bench.lock scripts/bench-queue-statements.sh            # the four single-session variants
#   PAIR=1 flock /work/bench.lock scripts/bench-queue-statements.sh     # one session of 50 against two of 25
# The statements in scripts/queue-statements/*.sql are Sql.java's with the parameters written in (2026-12-02, V1/V2);
# regenerate them if Sql.java changes. Uses and drops a scratch database of its own ($DB).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
Q="$HERE/queue-statements"
DB="${DB:-kiln_queue_statements_scratch}"
ROUNDS="${ROUNDS:-4}"
HOSTOPT=(-h "${KILN_DB_HOST:-127.0.0.1}" -p "${KILN_DB_PORT:-5432}" -U "${KILN_DB_USER:-postgres}")
P=(psql "${HOSTOPT[@]}" -X -q -v ON_ERROR_STOP=1)
"${P[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
trap '"${P[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)"' EXIT
for f in "$HERE"/../kiln-queue/src/main/resources/db/queue/V*.sql "$Q/archive.sql"; do "${P[@]}" -d "$DB" -f "$f"; done
# One run: fill, then 400 cycles on $2 sessions; prints jobs/s and each statement's mean latency.
run() {
  "${P[@]}" -d "$DB" -f "$Q/fill.sql"
  PGOPTIONS='-c synchronous_commit=off' pgbench "${HOSTOPT[@]}" -n -M prepared -c "$2" -j "$2" -t 400 -r \
      -f "$Q/$1.sql" "$DB" 2>&1 \
    | awk -v n="$3" '/^tps/ {printf "%d jobs/s", $3 * n} /^ +[0-9.]+ +[0-9]+ / {printf "  %s ms", $1} END {print ""}'
}
uptime
for r in $(seq "$ROUNDS"); do
  if [ -n "${PAIR:-}" ]; then
    echo -n "1x50: "; run cycle 1 50
    echo -n "2x25: "; run cycle25 2 25
  else
    for v in ${VARIANTS:-cycle del noprobe bare}; do echo -n "$v: "; run "$v" 1 50; done
  fi
done
uptime
