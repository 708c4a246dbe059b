package dev.kiln.worker;

import dev.kiln.renderpool.PoolSnapshot;
import dev.kiln.renderpool.RenderPool;
import java.util.Objects;
import java.util.function.IntSupplier;

/**
 * How many generation jobs may start now on a render pool that synchronous renders also use: only into workers that
 * are idle with nothing queued (a waiting synchronous render goes first), and never into the last
 * {@code reservedForSync} workers, so a job backlog cannot turn the synchronous API into 429s.
 */
public final class PoolShare implements IntSupplier {
    private final RenderPool pool;
    private final IntSupplier jobsInFlight;
    private final int reservedForSync;

    /**
     * A share of {@code pool}; {@code reservedForSync} workers (less than the pool's) stay for synchronous renders.
     */
    public PoolShare(RenderPool pool, IntSupplier jobsInFlight, int reservedForSync) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.jobsInFlight = Objects.requireNonNull(jobsInFlight, "jobsInFlight");
        int workers = pool.snapshot().workers();
        if (reservedForSync < 0 || reservedForSync >= workers) {
            throw new IllegalArgumentException("reservedForSync must be between 0 and workers - 1 (" + (workers - 1)
                    + "), was " + reservedForSync);
        }
        this.reservedForSync = reservedForSync;
    }

    /** The reserve for an instance that serves both: a quarter of the workers, none when there is only one. */
    public static int defaultReserve(int workers) {
        return workers <= 1 ? 0 : Math.max(1, workers / 4);
    }

    @Override
    public int getAsInt() {
        PoolSnapshot s = pool.snapshot();
        if (s.draining() || s.queued() > 0) {
            return 0;
        }
        int idle = s.workers() - s.running();
        int share = s.workers() - reservedForSync - jobsInFlight.getAsInt();
        return Math.max(0, Math.min(idle, share));
    }
}
