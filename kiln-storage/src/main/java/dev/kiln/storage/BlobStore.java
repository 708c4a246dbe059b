package dev.kiln.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Immutable, content-addressed blob storage: a key names the bytes' SHA-256, so storing the same output twice keeps
 * one copy, and a stored key never changes (which is what lets files be served as immutable). The local filesystem
 * implements it by default ({@link LocalBlobStore}); an object store can implement the same four calls.
 */
public interface BlobStore {

    /** Stores {@code bytes} (no-op when the same bytes are already stored) and returns their key. */
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
}
