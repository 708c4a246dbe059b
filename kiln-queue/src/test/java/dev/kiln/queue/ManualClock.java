package dev.kiln.queue;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

/** A clock that moves only when the test says so. */
final class ManualClock implements InstantSource {

    private final AtomicReference<Instant> now;

    ManualClock() {
        this(Instant.parse("2030-01-01T00:00:00Z"));
    }

    ManualClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    Instant advance(Duration d) {
        return now.updateAndGet(t -> t.plus(d));
    }
}
