package dev.kiln.queue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A claimed job inside one worker: the handler's {@link JobContext}, its cancellation token, and the one-shot flag
 * that lets exactly one of handler return, timeout, lease loss or shutdown decide its outcome.
 */
final class RunningJob implements JobContext {

    private final Worker worker;
    final Claimed claim;
    final Instant deadline;
    private final AtomicBoolean decided = new AtomicBoolean();
    private volatile CancelReason cancelReason;
    private volatile boolean completedInTx;
    // Guarded by this: the thread running the handler, so timeouts and shutdown can interrupt it.
    private Thread thread;

    RunningJob(Worker worker, Claimed claim, Instant deadline) {
        this.worker = worker;
        this.claim = claim;
        this.deadline = deadline;
    }

    /** Claims the right to report this attempt's outcome; true for exactly one caller. */
    boolean decide() {
        return decided.compareAndSet(false, true);
    }

    /** Whether nobody has decided this attempt's outcome yet. */
    boolean undecided() {
        return !decided.get();
    }

    boolean completedInTx() {
        return completedInTx;
    }

    /** Asks the handler to stop; the first reason sticks. */
    void cancel(CancelReason reason) {
        if (cancelReason == null) {
            cancelReason = reason;
        }
    }

    synchronized void bind(Thread t) {
        thread = t;
    }

    synchronized void unbind() {
        thread = null;
    }

    /** Interrupts the handler's thread, if it is still in the handler. */
    synchronized void interrupt() {
        if (thread != null) {
            thread.interrupt();
        }
    }

    @Override
    public long id() {
        return claim.id();
    }

    @Override
    public String kind() {
        return claim.kind();
    }

    @Override
    public String tenant() {
        return claim.tenant();
    }

    @Override
    public String payload() {
        return claim.payload();
    }

    @Override
    public int attempt() {
        return claim.attempt();
    }

    @Override
    public int maxAttempts() {
        return claim.maxAttempts();
    }

    @Override
    public long token() {
        return claim.token();
    }

    @Override
    public boolean isCancelled() {
        return cancelReason != null;
    }

    @Override
    public CancelReason cancelReason() {
        return cancelReason;
    }

    @Override
    public boolean progress(int percent, String stage) throws SQLException {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("percent must be in 0..100, was " + percent);
        }
        try (Connection c = worker.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(Sql.PROGRESS)) {
            ps.setInt(1, percent);
            ps.setString(2, stage);
            ps.setLong(3, claim.id());
            ps.setLong(4, claim.token());
            ps.setString(5, claim.worker());
            boolean held = ps.executeUpdate() == 1;
            if (!held) {
                worker.listener().staleReports(1);
            }
            return held;
        }
    }

    @Override
    public boolean complete(Connection tx) throws SQLException {
        if (!undecided()) {
            // A timeout, lease loss or shutdown already ended this attempt, even if its report is still on the way.
            worker.listener().staleReports(1);
            return false;
        }
        List<Report.Applied> applied = Report.store(tx, List.of(Report.completed(claim)), worker.now());
        // Applied means the row is ours until tx ends: commit makes it completed, rollback leaves it running for
        // the rescuer, and a timeout racing this waits on the row lock and then finds it no longer running.
        boolean ok = !applied.isEmpty() && applied.getFirst().state() == JobState.COMPLETED;
        if (ok) {
            completedInTx = true;
            worker.listener().completed(1);
        } else {
            worker.listener().staleReports(1);
        }
        return ok;
    }
}
