#!/bin/sh
# The eighth sitting's hold (BENCHMARKS.md, Queue): expects the branch's build in /tmp/cf and main's in /tmp/cfmain
# (kiln-app-0.1.0-SNAPSHOT.jar and lib/ copied from kiln-app/target). Run under: timeout 560 flock /work/bench.lock
uptime; date -u
g() { echo "== graphile-batch $(date -u +%T)"; (cd /work/peers-queues && ONLY=graphile-batch ./run-all.sh) 2>&1 | grep -E "graphile-worker|jobs/s|proc" ; }
k() { echo "== kiln $1 $2 $(date -u +%T)"; /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -Xmx512m -XX:+UseSerialGC -cp "/tmp/$1/kiln-app-0.1.0-SNAPSHOT.jar:/tmp/$1/lib/*" dev.kiln.app.Main bench queue --database kiln_bench_claimfast $2 2>&1 | grep -v "^WARNING" | tail -25; }
g; k cf; k cf "--warm-up 20000"; k cfmain
g; k cf; k cf "--warm-up 20000"; k cfmain
g; k cf; k cf "--warm-up 20000"
uptime; date -u
