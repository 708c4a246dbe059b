/**
 * Kiln's built-in load generator: an open, constant arrival rate timed from each request's intended send time (no
 * coordinated omission), with latencies per outcome class in HdrHistogram. Entry points: {@link
 * dev.kiln.loadgen.LoadGenerator#run(LoadSpec)} and the picocli command {@link dev.kiln.loadgen.BenchCommand}.
 */
package dev.kiln.loadgen;
