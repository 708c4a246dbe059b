package dev.kiln.renderpool;

/**
 * The limit policy's input: an exponentially weighted moving average of service time per cost unit. Reports follow
 * concurrency-limits' listener: {@link #onSuccess} and {@link #onDropped} are samples, {@link #onIgnore} is not.
 * Not thread-safe: the pool calls it under its lock.
 */
final class ServiceTimeEstimator {

    /** Weight of the newest sample: about the last ten renders dominate, so a shift shows within a second at load. */
    static final double WEIGHT = 0.2;

    private double nanosPerUnit;

    /** Seeds the average so a task of {@code referenceCostUnits} is predicted to take {@code initialNanos}. */
    ServiceTimeEstimator(long initialNanos, long referenceCostUnits) {
        this.nanosPerUnit = (double) initialNanos / referenceCostUnits;
    }

    double nanosPerUnit() {
        return nanosPerUnit;
    }

    /** The task completed: its service time is a true sample. */
    void onSuccess(long costUnits, long serviceNanos) {
        sample(costUnits, serviceNanos);
    }

    /**
     * The task ran past its deadline: still a sample, because it held the worker that long; ignoring it would bias the
     * estimate low exactly when the pool is overloaded.
     */
    void onDropped(long costUnits, long serviceNanos) {
        sample(costUnits, serviceNanos);
    }

    /** Failed or cancelled: the work was cut short, so its time says nothing about a full render. */
    void onIgnore() {}

    private void sample(long costUnits, long serviceNanos) {
        double perUnit = (double) Math.max(0, serviceNanos) / costUnits;
        nanosPerUnit += WEIGHT * (perUnit - nanosPerUnit);
    }
}
