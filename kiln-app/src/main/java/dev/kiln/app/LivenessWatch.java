package dev.kiln.app;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * The last line of defence against a render that ignores cancellation: once the render pool reports itself not
 * live (an abandoned worker still running past the wedge limit), the process drains what it can and exits with
 * {@link #EXIT_RESTART}, which {@code ./kiln up} and orchestrators answer with a restart. Only a restart stops a
 * thread that ignores interrupts.
 */
final class LivenessWatch implements AutoCloseable {
    /** How often liveness is checked. */
    static final Duration INTERVAL = Duration.ofSeconds(1);

    /** Exit code asking for a restart (EX_TEMPFAIL): the launcher restarts on it, and only on it. */
    static final int EXIT_RESTART = 75;

    /** Longest drain before a self-restart: the wedged thread burns a core meanwhile. */
    static final Duration RESTART_DRAIN = Duration.ofSeconds(10);

    private final BooleanSupplier live;
    private final Runnable onWedged;
    private final AtomicBoolean fired = new AtomicBoolean();
    private volatile Thread thread;

    LivenessWatch(BooleanSupplier live, Runnable onWedged) {
        this.live = Objects.requireNonNull(live, "live");
        this.onWedged = Objects.requireNonNull(onWedged, "onWedged");
    }

    /** Starts checking every {@link #INTERVAL} on a daemon thread. */
    LivenessWatch start() {
        thread = Thread.ofPlatform().name("kiln-liveness").daemon(true).start(() -> {
            while (!Thread.currentThread().isInterrupted() && !fired.get()) {
                try {
                    Thread.sleep(INTERVAL);
                } catch (InterruptedException e) {
                    return;
                }
                checkOnce();
            }
        });
        return this;
    }

    /** One check; runs {@code onWedged} the first time liveness is lost. Returns whether it fired now. */
    boolean checkOnce() {
        if (live.getAsBoolean() || !fired.compareAndSet(false, true)) {
            return false;
        }
        onWedged.run();
        return true;
    }

    @Override
    public void close() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }
}
