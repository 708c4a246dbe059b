package dev.kiln.storage;

import java.time.Instant;
import java.util.Objects;

/**
 * A blob as the store lists it.
 *
 * @param key its key
 * @param bytes its size
 * @param storedAt when it was last stored: its first {@link BlobStore#put}, or a later put of the same bytes
 */
public record StoredBlob(BlobKey key, long bytes, Instant storedAt) {
    public StoredBlob {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(storedAt, "storedAt");
    }
}
