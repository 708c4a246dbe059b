/**
 * JMH benchmarks for the render engine. Not part of the test suite: build with {@code ./mvnw -pl kiln-bench -am
 * package -DskipTests} and run {@code java -jar kiln-bench/target/benchmarks.jar}.
 */
package dev.kiln.bench;
