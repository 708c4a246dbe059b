package dev.kiln.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.renderpool.PoolConfig;
import dev.kiln.renderpool.PoolListener;
import dev.kiln.renderpool.RenderPool;
import dev.kiln.renderpool.Ticker;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Generation jobs start only into idle render workers, and never into the ones kept for synchronous renders. */
class PoolShareTest {
    @Test
    void jobsTakeOnlyIdleWorkersOutsideTheReserve() throws Exception {
        try (RenderPool pool = RenderPool.start(
                new PoolConfig(3, 4, Duration.ofMillis(10), Duration.ofSeconds(5), Duration.ofSeconds(1)),
                Ticker.SYSTEM,
                PoolListener.NOOP)) {
            AtomicInteger jobs = new AtomicInteger();
            PoolShare share = new PoolShare(pool, jobs::get, 1);
            assertThat(share.getAsInt())
                    .as("3 idle workers, 1 kept for synchronous renders")
                    .isEqualTo(2);

            jobs.set(2);
            assertThat(share.getAsInt()).as("the jobs' share is used up").isZero();

            jobs.set(0);
            CountDownLatch release = new CountDownLatch(1);
            long far = Ticker.SYSTEM.nanos() + Duration.ofMinutes(1).toNanos();
            for (int i = 0; i < 2; i++) { // two synchronous renders hold two workers
                pool.submit(ctx -> release.await(30, java.util.concurrent.TimeUnit.SECONDS), 1, far);
            }
            Awaitility.await().until(() -> pool.snapshot().running() == 2);
            assertThat(share.getAsInt()).as("only one worker is idle").isEqualTo(1);

            pool.submit(ctx -> release.await(30, java.util.concurrent.TimeUnit.SECONDS), 1, far);
            pool.submit(
                    ctx -> release.await(30, java.util.concurrent.TimeUnit.SECONDS),
                    1,
                    far); // queued: a synchronous render is waiting
            Awaitility.await().until(() -> pool.snapshot().queued() == 1);
            assertThat(share.getAsInt())
                    .as("a waiting synchronous render goes first")
                    .isZero();
            release.countDown();
        }
    }

    @Test
    void theReserveMustLeaveTheJobsAWorker() throws Exception {
        try (RenderPool pool = RenderPool.start(
                new PoolConfig(2, 4, Duration.ofMillis(10), Duration.ofSeconds(5), Duration.ofSeconds(1)),
                Ticker.SYSTEM,
                PoolListener.NOOP)) {
            assertThatThrownBy(() -> new PoolShare(pool, () -> 0, 2)).hasMessageContaining("reservedForSync");
        }
        assertThat(PoolShare.defaultReserve(1)).isZero();
        assertThat(PoolShare.defaultReserve(2)).isEqualTo(1);
        assertThat(PoolShare.defaultReserve(8)).isEqualTo(2);
    }
}
