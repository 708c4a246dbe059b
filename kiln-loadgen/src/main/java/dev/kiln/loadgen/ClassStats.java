package dev.kiln.loadgen;

import org.HdrHistogram.Histogram;

/**
 * Count and latency percentiles (milliseconds) of one outcome class; all latencies are 0 when the class is empty or
 * has no latency ({@link Outcome#DROPPED}).
 */
record ClassStats(
        Outcome outcome,
        long count,
        double minMs,
        double meanMs,
        double p50Ms,
        double p95Ms,
        double p99Ms,
        double p999Ms,
        double maxMs) {

    private static final double MICROS_PER_MILLI = 1_000.0;

    /** Validates the count. */
    public ClassStats {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, was " + count);
        }
    }

    /** Stats from a histogram of latencies recorded in microseconds. */
    static ClassStats of(Outcome outcome, Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return countOnly(outcome, 0);
        }
        return new ClassStats(
                outcome,
                micros.getTotalCount(),
                ms(micros.getMinValue()),
                micros.getMean() / MICROS_PER_MILLI,
                ms(micros.getValueAtPercentile(50.0)),
                ms(micros.getValueAtPercentile(95.0)),
                ms(micros.getValueAtPercentile(99.0)),
                ms(micros.getValueAtPercentile(99.9)),
                ms(micros.getMaxValue()));
    }

    /** Stats of a class that carries no latency. */
    static ClassStats countOnly(Outcome outcome, long count) {
        return new ClassStats(outcome, count, 0, 0, 0, 0, 0, 0, 0);
    }

    private static double ms(long micros) {
        return micros / MICROS_PER_MILLI;
    }
}
