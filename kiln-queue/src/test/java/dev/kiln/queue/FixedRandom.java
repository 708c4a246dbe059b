package dev.kiln.queue;

import java.util.random.RandomGenerator;

/** A "random" source that always draws the same fraction, so backoff delays are predictable. */
final class FixedRandom implements RandomGenerator {

    private final double fraction;

    FixedRandom(double fraction) {
        this.fraction = fraction;
    }

    @Override
    public long nextLong() {
        return (long) (fraction * Long.MAX_VALUE);
    }

    @Override
    public double nextDouble() {
        return fraction;
    }
}
