package dev.kiln.storage;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Immutable, content-addressed blob storage: a key names the bytes' SHA-256, so storing the same output twice keeps
 * one copy, and a stored key never changes (which is what lets files be served as immutable). The local filesystem
 * implements it by default ({@link LocalBlobStore}); an object store can implement the same calls.
 *
 * <p>Every blob has a stored time, which each put of its bytes moves to now: a reaper deletes only blobs stored
 * before its grace period ({@link #deleteIfStoredBefore}), so bytes that a writer has just put, or put again, are
 * never deleted under it before it records its reference (docs/storage.md).
 */
public interface BlobStore {

    /**
     * Stores {@code bytes} and returns their key. When the same bytes are already stored they are not written again,
     * but their stored time becomes now.
     */
    BlobKey put(byte[] bytes, BlobType type) throws IOException;

    /** The size of the stored blob, or empty when there is none. */
    Optional<Long> size(BlobKey key) throws IOException;

    /**
     * Opens {@code length} bytes of the blob from {@code offset} (a byte range); the caller closes the stream.
     *
     * @throws java.nio.file.NoSuchFileException when the blob does not exist
     * @throws IllegalArgumentException when the range lies outside the blob
     */
    InputStream open(BlobKey key, long offset, long length) throws IOException;

    /** Deletes the blob; returns whether it existed. For retention, never for a key that is still referenced. */
    boolean delete(BlobKey key) throws IOException;

    /**
     * Every blob stored, in no order; the caller closes the stream. Blobs put or deleted while it is read may or may
     * not appear.
     */
    Stream<StoredBlob> list() throws IOException;

    /**
     * Deletes the blob only if it was last stored before {@code cutoff}, atomically with respect to a concurrent
     * {@link #put} of the same bytes: a put that returned before this call decided is kept (its stored time is not
     * before the cutoff), and a put that comes after finds no blob and stores it again. Returns whether it deleted.
     */
    boolean deleteIfStoredBefore(BlobKey key, Instant cutoff) throws IOException;
}
