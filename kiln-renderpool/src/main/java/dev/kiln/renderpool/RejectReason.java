package dev.kiln.renderpool;

/** Why a submission was refused at admission time. */
public enum RejectReason {
    /** The bounded wait queue is full. */
    QUEUE_FULL("queue_full"),
    /** The predicted completion time (queue wait plus service) would overrun the caller's deadline. */
    DEADLINE("deadline"),
    /**
     * The task's own predicted service time alone exceeds what is left of its budget: no queue, however short,
     * lets it finish, so retrying with the same budget cannot help (HTTP answers 504, not 429).
     */
    BUDGET_TOO_SMALL("budget_too_small"),
    /** The pool is draining (shutting down) and admits nothing new. */
    DRAINING("draining");

    private final String wireName;

    RejectReason(String wireName) {
        this.wireName = wireName;
    }

    /** Stable lower-case name for metrics labels and problem documents. */
    public String wireName() {
        return wireName;
    }
}
