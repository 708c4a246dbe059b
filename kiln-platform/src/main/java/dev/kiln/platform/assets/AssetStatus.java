package dev.kiln.platform.assets;

import java.util.Locale;
import java.util.Optional;

/**
 * Where an asset's thumbnail is.
 *
 * <pre>
 * processing ──(worker: thumbnail stored)──► ready
 *      └──────(worker: the image does not decode, or the job's attempts are spent)──► failed
 * </pre>
 */
public enum AssetStatus {
    /** Stored; its thumbnail job is queued or running. {@link Assets#create} makes this state. */
    PROCESSING,
    /** The thumbnail exists ({@link Assets#thumbnailReady}, by the worker). */
    READY,
    /** No thumbnail will come ({@link Assets#thumbnailFailed}, by the worker); {@code error} says why. */
    FAILED;

    /** The name on the wire and in the database. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status named {@code name}, if any. */
    public static Optional<AssetStatus> parse(String name) {
        for (AssetStatus s : values()) {
            if (s.wireName().equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
