#!/usr/bin/env bash
# Scans the resvg conformance suite for renders that hang, error or are rejected (docs/hangs.md).
# Usage: scripts/suite-scan.sh SUITE_DIR [OUT_DIR] [-- extra SuiteScan options, e.g. --budget-ms 2000]
#   SUITE_DIR: resvg's crates/resvg/tests/tests, extracted outside this repository
#   OUT_DIR:   defaults to bench-results/suite-scan-<UTC stamp>; rerun with the same OUT_DIR to resume
# The scanner exits 3 after a stuck render (a thread that keeps burning a core); this loop starts a fresh
# JVM, which skips every file already in OUT_DIR/progress.tsv.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SUITE="${1:?usage: scripts/suite-scan.sh SUITE_DIR [OUT_DIR] [-- SuiteScan options]}"
shift
OUT="$ROOT/bench-results/suite-scan-$(date -u +%Y%m%dT%H%M%SZ)"
if [ $# -gt 0 ] && [ "$1" != "--" ]; then OUT="$1"; shift; fi
[ "${1:-}" = "--" ] && shift
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAR="$ROOT/kiln-bench/target/benchmarks.jar"
if [ ! -f "$JAR" ] || [ -n "$(find "$ROOT/kiln-render/src/main" "$ROOT/kiln-bench/src/main" -newer "$JAR" -print -quit)" ]; then
  (cd "$ROOT" && JAVA_HOME="$JAVA_HOME" ./mvnw -B -ntp -q -pl kiln-bench -am package -DskipTests >&2)
fi
mkdir -p "$OUT"
for run in $(seq 1 500); do
  set +e
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx2g -cp "$JAR" dev.kiln.bench.SuiteScan \
      --suite "$SUITE" --out "$OUT" "$@"
  rc=$?
  set -e
  case $rc in
    0) echo "report: $OUT/report.md" >&2; exit 0 ;;
    3) echo "suite-scan: restarting (run $run) after a stuck render" >&2 ;;
    *) echo "suite-scan: JVM exited $rc; resuming (the file in progress is recorded as crashed)" >&2 ;;
  esac
done
echo "suite-scan: gave up after 500 restarts" >&2
exit 1
