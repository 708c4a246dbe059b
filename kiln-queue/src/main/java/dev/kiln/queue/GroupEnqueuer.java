package dev.kiln.queue;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for {@link JobQueue#submit}: enqueues that need no transaction of the caller's are gathered while the
 * previous batch commits and stored together, one multi-row INSERT and one COMMIT (so one WAL flush and one NOTIFY)
 * per batch. A caller returns only once its job is committed, so a returned id is as durable as one from {@link
 * JobQueue#enqueue(Connection, JobRequest)}; what changes is that concurrent callers share a commit, which takes the
 * single-add rate past the database's commit rate.
 *
 * <p>Threads: {@value #FLUSHERS} platform threads, started with the first submit; each takes whatever is waiting (up to
 * {@value #MAX_BATCH} jobs), so one batch fills while another commits. The waiting list is bounded ({@value
 * #MAX_WAITING}); past it a submit waits for room, which only happens with more concurrent callers than that.
 */
final class GroupEnqueuer implements AutoCloseable {

    /** Most jobs in one INSERT. */
    static final int MAX_BATCH = 1_000;
    /** Most submits waiting for a batch. */
    static final int MAX_WAITING = 10_000;
    /** Batches in flight at once. */
    static final int FLUSHERS = 2;
    /** How long an idle flusher waits before checking whether the enqueuer was closed. */
    private static final long IDLE_POLL_MS = 100;

    private static final Logger log = LoggerFactory.getLogger(GroupEnqueuer.class);

    private final JobQueue queue;
    private final BlockingQueue<Pending> waiting = new ArrayBlockingQueue<>(MAX_WAITING);
    private final List<Thread> flushers = new ArrayList<>(FLUSHERS);
    /** Submits not yet answered: waiting, or in a batch being stored. */
    private final AtomicInteger unanswered = new AtomicInteger();

    private volatile boolean closed;

    private record Pending(JobRequest request, CompletableFuture<Long> id) {}

    GroupEnqueuer(JobQueue queue) {
        this.queue = queue;
        for (int i = 0; i < FLUSHERS; i++) {
            Thread t = Thread.ofPlatform()
                    .name("kiln-queue-enqueue-" + i)
                    .daemon(true)
                    .start(this::flushLoop);
            flushers.add(t);
        }
    }

    /** Enqueues {@code request} with other concurrent submits; returns its id once committed. */
    long submit(JobRequest request) throws SQLException, InterruptedException {
        if (closed) {
            throw new IllegalStateException("the job queue is closed");
        }
        Pending p = new Pending(request, new CompletableFuture<>());
        unanswered.incrementAndGet();
        p.id().whenComplete((id, e) -> unanswered.decrementAndGet());
        waiting.put(p);
        if (closed) {
            // close() may have drained the list before our put: make sure someone answers us.
            drainAndFail();
        }
        try {
            return p.id().get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException s) {
                throw s;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new SQLException("enqueue failed", cause);
        }
    }

    /** Submits not yet answered (for tests). */
    int unanswered() {
        return unanswered.get();
    }

    private void flushLoop() {
        List<Pending> batch = new ArrayList<>();
        while (true) {
            Pending first;
            try {
                first = waiting.poll(IDLE_POLL_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                first = waiting.poll();
            }
            if (first == null) {
                if (closed) {
                    return;
                }
                continue;
            }
            batch.add(first);
            waiting.drainTo(batch, MAX_BATCH - 1);
            flush(batch);
            batch.clear();
        }
    }

    /** Stores one batch; when a tenant's quota refuses it, stores each job alone so only the refused ones fail. */
    private void flush(List<Pending> batch) {
        List<JobRequest> requests = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            requests.add(p.request());
        }
        try {
            List<Long> ids = insert(requests);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).id().complete(ids.get(i));
            }
            return;
        } catch (QueueQuotaExceededException e) {
            if (batch.size() == 1) {
                batch.getFirst().id().completeExceptionally(e);
                return;
            }
        } catch (SQLException | RuntimeException e) {
            log.debug("group enqueue of {} jobs failed: {}", batch.size(), e.toString());
            for (Pending p : batch) {
                p.id().completeExceptionally(e);
            }
            return;
        }
        for (Pending p : batch) {
            try {
                p.id().complete(insert(List.of(p.request())).getFirst());
            } catch (SQLException | RuntimeException e) {
                p.id().completeExceptionally(e);
            }
        }
    }

    private List<Long> insert(List<JobRequest> requests) throws SQLException {
        try (Connection c = queue.dataSource().getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                List<Long> ids = queue.enqueueAll(c, requests);
                c.commit();
                return ids;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        }
    }

    private void drainAndFail() {
        List<Pending> left = new ArrayList<>();
        waiting.drainTo(left);
        for (Pending p : left) {
            p.id().completeExceptionally(new IllegalStateException("the job queue closed before the job was stored"));
        }
    }

    /** Stores what is already waiting, then stops the flushers; later submits are refused. */
    @Override
    public void close() {
        closed = true;
        for (Thread t : flushers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        drainAndFail();
    }
}
