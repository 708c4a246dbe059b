package dev.kiln.renderpool;

/** Why a submission was refused at admission time. */
public enum RejectReason {
    /** The bounded wait queue is full. */
    QUEUE_FULL("queue_full"),
    /** The predicted completion time would overrun the caller's deadline. */
    DEADLINE("deadline"),
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
