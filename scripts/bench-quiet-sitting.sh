#!/usr/bin/env bash
# One quiet sitting (BENCHMARKS.md, "A quiet sitting on merged main"): every benchmark whose target is host-sensitive, in one flock hold.
set -u
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64} PEERS_DIR=${PEERS_DIR:-../shared/peers}
OUT=bench-results/final-$(date -u +%Y%m%dT%H%M%SZ); mkdir -p $OUT
log() { echo "== $(date -u +%H:%M:%S) $* | $(uptime | sed 's/.*load/load/')" | tee -a $OUT/sitting.log; }
log start
log dashboard; SKIP_BUILD=1 DASHBOARD_ONLY=1 scripts/bench-readpath.sh > $OUT/readpath.log 2>&1
log overload
for run in "kiln-split kiln split" "peer-split peer split" "kiln-all kiln all" "peer-all peer all"; do
  set -- $run
  if [ $3 = split ]; then PIN=split KILN_RATE_LIMIT=0 OUT=$OUT/rss-$1 scripts/rss-overload.sh $1 $2 150 60 >> $OUT/overload.md 2>>$OUT/overload.err
  else PIN= KILN_RATE_LIMIT=0 OUT=$OUT/rss-$1 scripts/rss-overload.sh $1 $2 150 60 >> $OUT/overload.md 2>>$OUT/overload.err; fi
done
log burst; TARGETS="kiln peer" BURSTS=4 scripts/bench-burst.sh > $OUT/burst.log 2>&1
log video; FORMATS=mp4 SKIP_RSS=true scripts/bench-video.sh > $OUT/video.log 2>&1
log queue; (cd "${QUEUE_PEERS:-/work/peers-queues}" && ONLY=graphile-batch ./run-all.sh) > $OUT/queue-peer.log 2>&1; ./kiln bench queue --database kiln_bench_burndown > $OUT/queue-kiln.log 2>&1
log end
