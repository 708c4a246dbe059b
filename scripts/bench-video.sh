#!/usr/bin/env bash
# Video benchmarks for BENCHMARKS.md ("Video"): end-to-end fps against ffmpeg's own ceiling on the same raw frames,
# and the peak RSS of two concurrent 1080p MP4 jobs. No server, no database.
# Usage: flock /work/bench.lock scripts/bench-video.sh   (FRAMES=90 by default; SKIP_RSS=true to skip part 2;
#        FORMATS=mp4 and WIDTHS=1920 for a subset; WARMUPS=3 for three untimed encodes of each video before the timed
#        one instead of one: a JVM that has run a few videos, as a serving worker has; ROUNDS=5 for five alternations
#        of the timed encode and the baseline, each its own ratio, and their median)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
"$ROOT/kiln" build >/dev/null
# The launcher's JDK 25 (the java on the PATH may be older).
JAVA="${JAVA_HOME:-}/bin/java"
if ! [ -x "$JAVA" ] || ! "$JAVA" -version 2>&1 | grep -q 'version "2[5-9]'; then
  JAVA="$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -n 1)"
fi
[ -x "$JAVA" ] || { echo "bench-video: no JDK 25 found (set JAVA_HOME)" >&2; exit 1; }
exec "$JAVA" -Xmx1g -XX:+UseZGC --enable-native-access=ALL-UNNAMED -Dframes="${FRAMES:-90}" -Dwarmups="${WARMUPS:-1}" -Drounds="${ROUNDS:-1}" -DskipRss="${SKIP_RSS:-false}" \
  -Dformats="${FORMATS:-mp4,webp-animated,gif}" -Dwidths="${WIDTHS:-1200,1920}" \
  -Dexamples="$ROOT/examples" -cp "$ROOT/kiln-app/target/lib/*" "$ROOT/scripts/VideoBench.java"
