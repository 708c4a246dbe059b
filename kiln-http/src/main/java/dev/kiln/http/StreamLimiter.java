package dev.kiln.http;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts open event streams per instance and per user; {@link #acquire} hands out a permit or nothing. The policy (the
 * two caps) lives in {@link EventStreamConfig}; this class only enforces it.
 */
final class StreamLimiter {
    /** Why no permit was given. */
    enum Refusal {
        INSTANCE,
        USER
    }

    /** An open stream's slot; close it exactly once when the stream ends (later closes do nothing). */
    final class Permit implements AutoCloseable {
        private final long userId;
        private final AtomicBoolean open = new AtomicBoolean(true);

        private Permit(long userId) {
            this.userId = userId;
        }

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                release(userId);
            }
        }
    }

    /** A permit, or why there is none. */
    record Outcome(Optional<Permit> permit, Refusal refusal) {}

    private final int maxStreams;
    private final int maxPerUser;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<Long, Integer> perUser = new ConcurrentHashMap<>();

    StreamLimiter(int maxStreams, int maxPerUser) {
        this.maxStreams = maxStreams;
        this.maxPerUser = maxPerUser;
    }

    Outcome acquire(long userId) {
        if (open.incrementAndGet() > maxStreams) {
            open.decrementAndGet();
            return new Outcome(Optional.empty(), Refusal.INSTANCE);
        }
        boolean[] granted = {false};
        perUser.compute(userId, (k, n) -> {
            int held = n == null ? 0 : n;
            if (held >= maxPerUser) {
                return n;
            }
            granted[0] = true;
            return held + 1;
        });
        if (!granted[0]) {
            open.decrementAndGet();
            return new Outcome(Optional.empty(), Refusal.USER);
        }
        return new Outcome(Optional.of(new Permit(userId)), null);
    }

    /** Streams open now on this instance. */
    int open() {
        return open.get();
    }

    private void release(long userId) {
        perUser.computeIfPresent(userId, (k, n) -> n <= 1 ? null : n - 1);
        open.decrementAndGet();
    }
}
