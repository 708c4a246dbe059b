package dev.kiln.loadgen;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/** Thread-safe tally of one phase (warm-up or measured): a latency recorder per outcome class plus counters. */
final class Tally {

    /** Three significant digits: 1 µs resolution below 1 ms, 1 ms resolution near 1 s. */
    private static final int SIGNIFICANT_DIGITS = 3;

    private final Map<Outcome, Recorder> recorders = new EnumMap<>(Outcome.class);
    private final LongAdder offered = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final AtomicLong lastCompletionNanos = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong maxSendLagNanos = new AtomicLong();

    Tally() {
        for (Outcome outcome : Outcome.values()) {
            if (outcome != Outcome.DROPPED) {
                recorders.put(outcome, new Recorder(SIGNIFICANT_DIGITS));
            }
        }
    }

    /** Counts one request that was due to be sent, whether or not it was. */
    void offered() {
        offered.increment();
    }

    /** Counts one request that was never sent because of the outstanding cap. */
    void dropped() {
        dropped.increment();
    }

    /** Notes how late the scheduler sent a request, to tell the reader if the generator itself fell behind. */
    void sendLag(long nanos) {
        maxSendLagNanos.accumulateAndGet(nanos, Math::max);
    }

    /** Records one finished request; latency runs from {@code startNanos} (the intended send time when open). */
    void record(Outcome outcome, long startNanos, long endNanos) {
        long micros = Math.max(1, (endNanos - startNanos) / 1_000);
        recorders.get(outcome).recordValue(micros);
        lastCompletionNanos.accumulateAndGet(endNanos, Math::max);
    }

    long offeredCount() {
        return offered.sum();
    }

    long maxSendLagNanos() {
        return maxSendLagNanos.get();
    }

    /** The latest completion time, or {@code Long.MIN_VALUE} if nothing completed. */
    long lastCompletionNanos() {
        return lastCompletionNanos.get();
    }

    /** Snapshot of every class; call once all recording has stopped. */
    Map<Outcome, ClassStats> stats() {
        Map<Outcome, ClassStats> out = new EnumMap<>(Outcome.class);
        for (Outcome outcome : Outcome.values()) {
            out.put(
                    outcome,
                    outcome == Outcome.DROPPED
                            ? ClassStats.countOnly(outcome, dropped.sum())
                            : ClassStats.of(outcome, recorders.get(outcome).getIntervalHistogram()));
        }
        return out;
    }
}
