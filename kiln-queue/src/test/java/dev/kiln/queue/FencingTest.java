package dev.kiln.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Leases and fencing tokens at the SQL level: a stale holder's late reports change nothing. */
class FencingTest {

    @RegisterExtension
    static final QueueDatabase db = new QueueDatabase();

    private static final String[] KINDS = {"fenced"};
    private static final Duration LEASE = Duration.ofSeconds(5);

    private final ManualClock clock = new ManualClock();
    private final JobQueue queue =
            JobQueue.builder(db.dataSource()).clock(clock).build();

    private Claimed claimOne(String worker) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            List<Claimed> got = Worker.claim(c, clock.instant(), KINDS, 1, LEASE, worker);
            assertThat(got).hasSize(1);
            return got.getFirst();
        }
    }

    private List<Report.Applied> report(Report r) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            return Report.store(c, List.of(r), clock.instant());
        }
    }

    @Test
    void lateReportsWithAnOldTokenAreRefusedAndAJobNeverCompletesTwice() throws SQLException {
        long id = db.enqueue(queue, JobRequest.of("fenced", "fence-tenant", "{}"));
        Claimed first = claimOne("w1");
        assertThat(first.id()).isEqualTo(id);
        assertThat(first.attempt()).isEqualTo(1);

        // w1 stops heartbeating; once its lease is over, the rescuer hands the job back.
        clock.advance(LEASE.plusMillis(1));
        assertThat(queue.maintenance().rescue()).isEqualTo(1);
        JobSnapshot rescued = queue.find(id).orElseThrow();
        assertThat(rescued.state()).isEqualTo(JobState.AVAILABLE);
        assertThat(rescued.error()).contains("lease_expired").contains("w1");

        Claimed second = claimOne("w2");
        assertThat(second.token()).isGreaterThan(first.token());
        assertThat(second.attempt()).isEqualTo(2);

        // w1 wakes up: its heartbeat, progress and completion all carry the old token.
        try (Connection c = db.dataSource().getConnection()) {
            assertThat(Worker.extend(
                            c,
                            new long[] {id},
                            new long[] {first.token()},
                            clock.instant().plus(LEASE),
                            first.worker()))
                    .isEmpty();
        }
        assertThat(report(Report.completed(first))).isEmpty();
        assertThat(queue.find(id).orElseThrow().state()).isEqualTo(JobState.RUNNING);

        // w2 holds the lease and completes; a second completion (a retried flush) changes nothing.
        try (Connection c = db.dataSource().getConnection()) {
            assertThat(Worker.extend(
                            c,
                            new long[] {id},
                            new long[] {second.token()},
                            clock.instant().plus(LEASE),
                            second.worker()))
                    .containsEntry(id, false);
        }
        assertThat(report(Report.completed(second))).hasSize(1);
        assertThat(report(Report.completed(second))).isEmpty();
        JobSnapshot done = queue.find(id).orElseThrow();
        assertThat(done.state()).isEqualTo(JobState.COMPLETED);
        assertThat(done.token()).isEqualTo(second.token());
        assertThat(done.progress()).isEqualTo(100);
        assertThat(db.queryLong("SELECT pending FROM kiln_queue_pending WHERE tenant = 'fence-tenant'"))
                .isZero();
    }

    private int completeBatch(String worker, long[] ids, long[] tokens) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            return Report.complete(c, ids, tokens, worker, clock.instant());
        }
    }

    @Test
    void theBatchedCompletionIsFencedByTokenAndWorkerAndCompletesOnlyOnce() throws SQLException {
        long rescuedId = db.enqueue(queue, JobRequest.of("fenced", "batch-tenant", "{}"));
        Claimed stale = claimOne("w1#1");
        clock.advance(LEASE.plusMillis(1));
        assertThat(queue.maintenance().rescue()).isEqualTo(1);
        Claimed current = claimOne("w2#1");
        long otherId = db.enqueue(queue, JobRequest.of("fenced", "batch-tenant", "{}"));
        Claimed other = claimOne("w2#1");

        // w1's old token, and w2's jobs presented by another worker identity: nothing is applied.
        assertThat(completeBatch("w1#1", new long[] {rescuedId}, new long[] {stale.token()}))
                .isZero();
        assertThat(completeBatch("w3#1", new long[] {rescuedId, otherId}, new long[] {current.token(), other.token()}))
                .isZero();
        assertThat(queue.find(rescuedId).orElseThrow().state()).isEqualTo(JobState.RUNNING);

        // The holder's batch completes both; the same batch again (a retried flush) changes nothing.
        long[] ids = {rescuedId, otherId};
        long[] tokens = {current.token(), other.token()};
        assertThat(completeBatch("w2#1", ids, tokens)).isEqualTo(2);
        assertThat(completeBatch("w2#1", ids, tokens)).isZero();
        for (long id : ids) {
            JobSnapshot done = queue.find(id).orElseThrow();
            assertThat(done.state()).isEqualTo(JobState.COMPLETED);
            assertThat(done.progress()).isEqualTo(100);
            assertThat(done.finishedAt()).isEqualTo(clock.instant());
        }
        assertThat(db.queryLong("SELECT pending FROM kiln_queue_pending WHERE tenant = 'batch-tenant'"))
                .isZero();
    }

    @Test
    void theTokenAloneIsNotEnoughAnotherWorkerCannotReportOnTheJob() throws SQLException {
        long id = db.enqueue(queue, JobRequest.of("fenced", "impostor-tenant", "{}"));
        Claimed held = claimOne("w1#1");
        // The same id and token from another worker: what a claim lost with an asynchronous commit in a database
        // crash could hand out again (docs/queue.md, "Claims commit asynchronously").
        Claimed impostor = new Claimed(
                held.id(),
                held.kind(),
                held.tenant(),
                held.priority(),
                held.payload(),
                held.attempt(),
                held.maxAttempts(),
                held.token(),
                held.timeout(),
                "w2#1");
        try (Connection c = db.dataSource().getConnection()) {
            assertThat(Worker.extend(
                            c,
                            new long[] {id},
                            new long[] {held.token()},
                            clock.instant().plus(LEASE),
                            "w2#1"))
                    .isEmpty();
        }
        assertThat(report(Report.completed(impostor))).isEmpty();
        assertThat(queue.find(id).orElseThrow().state()).isEqualTo(JobState.RUNNING);
        assertThat(report(Report.completed(held))).hasSize(1);
        assertThat(queue.find(id).orElseThrow().state()).isEqualTo(JobState.COMPLETED);
    }

    @Test
    void aHeartbeatKeepsTheLeaseSoTheRescuerLeavesTheJobAlone() throws SQLException {
        db.enqueue(queue, JobRequest.of("fenced", "beat-tenant", "{}"));
        Claimed held = claimOne("w1");
        clock.advance(LEASE.minusSeconds(1));
        try (Connection c = db.dataSource().getConnection()) {
            Worker.extend(
                    c,
                    new long[] {held.id()},
                    new long[] {held.token()},
                    clock.instant().plus(LEASE),
                    held.worker());
        }
        clock.advance(LEASE.minusSeconds(1));
        assertThat(queue.maintenance().rescue()).isZero();
        assertThat(queue.find(held.id()).orElseThrow().state()).isEqualTo(JobState.RUNNING);
        assertThat(report(Report.completed(held))).hasSize(1);
    }

    @Test
    void theRescuerDiscardsAJobWhoseLastAttemptsLeaseExpired() throws SQLException {
        long id = db.enqueue(queue, JobRequest.of("fenced", "last-tenant", "{}").withMaxAttempts(1));
        claimOne("w1");
        clock.advance(LEASE.plusSeconds(1));
        queue.maintenance().rescue();
        JobSnapshot s = queue.find(id).orElseThrow();
        assertThat(s.state()).isEqualTo(JobState.DISCARDED);
        assertThat(s.error()).contains("lease_expired");
        assertThat(s.finishedAt()).isEqualTo(clock.instant());
        assertThat(db.queryLong("SELECT pending FROM kiln_queue_pending WHERE tenant = 'last-tenant'"))
                .isZero();
    }
}
