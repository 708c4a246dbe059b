/**
 * JMH benchmarks for the render engine, and {@link dev.kiln.bench.SuiteScan}, the conformance-suite hang scanner
 * (docs/hangs.md). Not part of the test suite: build with {@code ./mvnw -pl kiln-bench -am package -DskipTests}
 * and run {@code java -jar kiln-bench/target/benchmarks.jar}, or {@code scripts/suite-scan.sh SUITE_DIR}.
 */
package dev.kiln.bench;
