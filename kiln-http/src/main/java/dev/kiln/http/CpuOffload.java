package dev.kiln.http;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the request path's CPU-bound work (parsing and validating documents) on a few platform threads, never on the
 * carriers of the request's virtual thread. A virtual thread is not preempted: one that parses a large document holds
 * its carrier until done, and with one carrier per core, a burst's few admitted requests parsing at once used to hold
 * up every other request, the cheap 429s included, until they finished. Here the caller's virtual thread unmounts
 * while it waits, and the carriers keep answering. The threads run below normal priority, as render workers do
 * ({@code docs/capacity-model.md}), so the OS also lets the request path go first.
 *
 * <p>Bounded: {@code threads} workers and a queue of {@code queueCapacity}; a full queue is a 429. The render route
 * already bounds its parses by the render pool's reservations, so the queue fills only under other routes' bursts.
 */
final class CpuOffload implements AutoCloseable {

    private final ThreadPoolExecutor executor;

    CpuOffload(int threads, int queueCapacity) {
        if (threads < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException(
                    "threads and queueCapacity must be positive, were " + threads + " and " + queueCapacity);
        }
        AtomicInteger seq = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(
                threads,
                threads,
                0,
                TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queueCapacity),
                r -> Thread.ofPlatform()
                        .name("kiln-prepare-" + seq.incrementAndGet())
                        .daemon(true)
                        .priority(Thread.MIN_PRIORITY)
                        .unstarted(r));
    }

    /** Threads = cores the render pool uses, at most; the queue holds a few requests per thread. */
    static CpuOffload forWorkers(int renderWorkers) {
        int threads = Math.max(1, Math.min(renderWorkers, Runtime.getRuntime().availableProcessors()));
        return new CpuOffload(threads, 64 * threads);
    }

    /**
     * Runs {@code work} on an offload thread and waits for it; its unchecked exceptions and errors are rethrown as
     * they are. On interruption the work is cancelled and the flag restored.
     */
    <T> T call(Callable<T> work) {
        Future<T> future;
        try {
            future = executor.submit(work);
        } catch (RejectedExecutionException e) {
            throw new ProblemException(
                    ProblemType.OVERLOADED,
                    "too many documents are being checked at once; retry after 1 s",
                    List.of(),
                    Map.of("Retry-After", "1"));
        }
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(/* mayInterruptIfRunning= */ true);
            Thread.currentThread().interrupt();
            throw ProblemException.of(ProblemType.SHUTTING_DOWN, "the server is shutting down");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("document check failed", cause);
        }
    }

    /** Work waiting for a thread; for tests. */
    int queued() {
        return executor.getQueue().size();
    }

    /** Stops the threads; work still queued is dropped (its callers are already gone when the server stops). */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}
