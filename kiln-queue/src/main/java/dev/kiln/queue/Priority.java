package dev.kiln.queue;

/** Claim order between jobs: every due interactive job is claimed before any batch job. */
public enum Priority {
    /** A user is waiting (a generation asked for now). */
    INTERACTIVE(0),
    /** Background work (thumbnails, bulk generations). */
    BATCH(1);

    private final int code;

    Priority(int code) {
        this.code = code;
    }

    /** The value stored in {@code kiln_queue_jobs.priority}; lower is claimed first. */
    public int code() {
        return code;
    }

    /** The priority stored as {@code code}. */
    public static Priority fromCode(int code) {
        return switch (code) {
            case 0 -> INTERACTIVE;
            case 1 -> BATCH;
            default -> throw new IllegalArgumentException("unknown priority code " + code);
        };
    }
}
