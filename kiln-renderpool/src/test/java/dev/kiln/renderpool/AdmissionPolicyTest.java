package dev.kiln.renderpool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AdmissionPolicyTest {

    private static final long SECOND = 1_000_000_000L;
    /** One cost unit takes one millisecond. */
    private static final double MS_PER_UNIT = 1_000_000.0;

    private static AdmissionPolicy.Load load(
            int workers, int capacity, int queued, long queuedCost, int running, long remainingNanos, int overdue) {
        return new AdmissionPolicy.Load(
                workers, capacity, queued, 0, queuedCost, running, remainingNanos, overdue, false, MS_PER_UNIT);
    }

    @Test
    void predictedWaitIsWorkAheadDividedByWorkers() {
        // 2 workers busy with 500 ms left each, 3000 units (3 s) queued: (3 s + 1 s) / 2 = 2 s.
        AdmissionPolicy.Load load = load(2, 10, 3, 3000, 2, SECOND, 0);

        AdmissionPolicy.Decision admitted = AdmissionPolicy.decide(load, 500, 2 * SECOND + SECOND / 2);
        AdmissionPolicy.Decision refused = AdmissionPolicy.decide(load, 500, 2 * SECOND + SECOND / 2 - 1);

        assertThat(admitted.waitNanos()).isEqualTo(2 * SECOND);
        assertThat(admitted.serviceNanos()).isEqualTo(SECOND / 2);
        assertThat(admitted.admitted()).isTrue();
        assertThat(refused.reason()).isEqualTo(RejectReason.DEADLINE);
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void anIdleWorkerMeansNoWait() {
        // One of two workers is busy for 10 s more, nothing queued: the new task starts at once.
        AdmissionPolicy.Decision decision = AdmissionPolicy.decide(load(2, 4, 0, 0, 1, 10 * SECOND, 0), 100, SECOND);

        assertThat(decision.waitNanos()).isZero();
        assertThat(decision.admitted()).isTrue();
    }

    @Test
    void overdueWorkersAreNotCountedAsCapacity() {
        // Two workers, one wedged: 4 s of queued work drains on one worker only.
        AdmissionPolicy.Decision decision = AdmissionPolicy.decide(load(2, 10, 4, 4000, 2, 0, 1), 1, 100 * SECOND);

        assertThat(decision.waitNanos()).isEqualTo(4 * SECOND);
    }

    @Test
    void queueFullCountsIdleWorkersAsNotYetQueued() {
        // Capacity 2 and one idle worker: three tasks may sit in the queue before it is full.
        assertThat(AdmissionPolicy.decide(load(2, 2, 2, 2, 1, 0, 0), 1, 100 * SECOND)
                        .admitted())
                .isTrue();
        AdmissionPolicy.Decision full = AdmissionPolicy.decide(load(2, 2, 3, 3000, 1, 0, 0), 1, 100 * SECOND);
        assertThat(full.reason()).isEqualTo(RejectReason.QUEUE_FULL);
        // Queued 3 s of work ahead, on 2 workers: 1.5 s, rounded up.
        assertThat(full.retryAfter()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void ownServiceOverTheBudgetIsBudgetTooSmallWhateverTheQueue() {
        // Idle pool: 900 units take 900 ms; a budget one nanosecond shorter cannot hold it.
        AdmissionPolicy.Load idle = load(2, 4, 0, 0, 0, 0, 0);
        assertThat(AdmissionPolicy.decide(idle, 900, 900_000_000L).admitted()).isTrue();
        AdmissionPolicy.Decision small = AdmissionPolicy.decide(idle, 900, 900_000_000L - 1);
        assertThat(small.reason()).isEqualTo(RejectReason.BUDGET_TOO_SMALL);
        assertThat(small.serviceNanos()).isEqualTo(900_000_000L);

        // Queue full: the budget verdict comes first, because waiting for the queue to drain cannot help.
        AdmissionPolicy.Load full = load(2, 2, 2, 2000, 2, SECOND, 0);
        assertThat(AdmissionPolicy.decide(full, 900, SECOND).reason()).isEqualTo(RejectReason.QUEUE_FULL);
        assertThat(AdmissionPolicy.decide(full, 900, SECOND / 2).reason()).isEqualTo(RejectReason.BUDGET_TOO_SMALL);

        // Room in the queue but not in the budget once the wait is added: retryable, so DEADLINE.
        AdmissionPolicy.Load busy = load(2, 4, 2, 2000, 2, 0, 0);
        assertThat(AdmissionPolicy.decide(busy, 900, SECOND).reason()).isEqualTo(RejectReason.DEADLINE);
    }

    @Test
    void reservedSlotsFillTheQueueButAddNoPredictedWork() {
        // 1 worker busy, capacity 2: one task queued and one slot reserved make the queue full.
        AdmissionPolicy.Load withReservation = new AdmissionPolicy.Load(1, 2, 1, 1, 100, 1, 0, 0, false, MS_PER_UNIT);
        AdmissionPolicy.Load without = load(1, 2, 1, 100, 1, 0, 0);

        assertThat(withReservation.queueFull()).isTrue();
        assertThat(without.queueFull()).isFalse();
        assertThat(withReservation.waitNanos()).isEqualTo(without.waitNanos());
    }

    @Test
    void drainingWinsOverEveryOtherReason() {
        AdmissionPolicy.Load load = new AdmissionPolicy.Load(1, 0, 5, 0, 5, 1, 0, 0, true, MS_PER_UNIT);

        assertThat(AdmissionPolicy.decide(load, 1, 0).reason()).isEqualTo(RejectReason.DRAINING);
    }

    @Test
    void deadlineAlreadyPassedIsRefused() {
        // Nothing is left of the budget: even starting now cannot meet it, so it is the budget, not the queue.
        assertThat(AdmissionPolicy.decide(load(1, 1, 0, 0, 0, 0, 0), 1, -1).reason())
                .isEqualTo(RejectReason.BUDGET_TOO_SMALL);
    }

    @Test
    void retryAfterIsWholeSecondsRoundedUpAndAtLeastOne() {
        assertThat(AdmissionPolicy.retryAfter(0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(AdmissionPolicy.retryAfter(SECOND / 5)).isEqualTo(Duration.ofSeconds(1));
        assertThat(AdmissionPolicy.retryAfter(SECOND)).isEqualTo(Duration.ofSeconds(1));
        assertThat(AdmissionPolicy.retryAfter(SECOND + 1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(AdmissionPolicy.retryAfter(7 * SECOND)).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void hugeEstimatesDoNotOverflowIntoAdmission() {
        AdmissionPolicy.Load load =
                new AdmissionPolicy.Load(1, 10, 1, 0, Long.MAX_VALUE / 2, 1, Long.MAX_VALUE, 0, false, 1e12);

        assertThat(AdmissionPolicy.decide(load, Long.MAX_VALUE / 2, Long.MAX_VALUE)
                        .reason())
                .isEqualTo(RejectReason.DEADLINE);
    }
}
