package dev.kiln.platform.generations;

import java.util.Locale;
import java.util.Optional;

/**
 * Where a generation is in its life. Transitions and who makes them:
 *
 * <pre>
 * queued ──(worker claims)──► processing ──(worker)──► completed
 *   │                           │  └──(worker, retries spent: Generations.failPermanently)──► failed
 *   └──(client: cancel)─────────┴──► canceled
 * </pre>
 *
 * {@code failed} and {@code canceled} refund the cost once; {@code completed} keeps it.
 */
public enum GenerationStatus {
    /** Submitted and paid for; waiting for a worker. The submit (Generations.submit) creates this state. */
    QUEUED,
    /** A worker is rendering it; moved by the worker on claim. */
    PROCESSING,
    /** The output is stored; moved by the worker. Terminal. */
    COMPLETED,
    /** Failed for good after its last attempt; moved by the worker through Generations.failPermanently. Terminal. */
    FAILED,
    /** Cancelled by its owner before completing; moved by Generations.cancel. Terminal. */
    CANCELED;

    /** Every status, once: {@link #values()} copies its array on each call, and every row read parses one. */
    private static final GenerationStatus[] ALL = values();

    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** The name in the database and in JSON. */
    public String wireName() {
        return wireName;
    }

    /** Whether no further transition can happen. */
    public boolean terminal() {
        return this == COMPLETED || this == FAILED || this == CANCELED;
    }

    /** The status whose {@link #wireName()} is {@code name}, if any. */
    public static Optional<GenerationStatus> parse(String name) {
        for (GenerationStatus s : ALL) {
            if (s.wireName().equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
