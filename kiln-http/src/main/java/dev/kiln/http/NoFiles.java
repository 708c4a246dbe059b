package dev.kiln.http;

import dev.kiln.storage.BlobKey;
import dev.kiln.storage.BlobStore;
import dev.kiln.storage.BlobType;
import dev.kiln.storage.StoredBlob;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;

/** A store that holds nothing, for servers started without output storage: every file is 404. */
final class NoFiles implements BlobStore {
    static final BlobStore STORE = new NoFiles();

    private NoFiles() {}

    @Override
    public BlobKey put(byte[] bytes, BlobType type) throws IOException {
        throw new IOException("this server has no output storage");
    }

    @Override
    public Optional<Long> size(BlobKey key) {
        return Optional.empty();
    }

    @Override
    public InputStream open(BlobKey key, long offset, long length) throws IOException {
        throw new NoSuchFileException(key.toString());
    }

    @Override
    public boolean delete(BlobKey key) {
        return false;
    }

    @Override
    public Stream<StoredBlob> list() {
        return Stream.empty();
    }

    @Override
    public boolean deleteIfStoredBefore(BlobKey key, Instant cutoff) {
        return false;
    }
}
