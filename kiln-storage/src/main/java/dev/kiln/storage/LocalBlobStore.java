package dev.kiln.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link BlobStore} on a local directory, shared by every instance started from the same checkout. A blob lives at
 * {@code root/ab/cd/<key>} (two fan-out levels keep directories small). A write goes to a temporary file in
 * {@code root/tmp}, is flushed to disk, then renamed into place atomically, so a reader never sees a partial blob
 * and a crash leaves at most a temporary file behind.
 */
public final class LocalBlobStore implements BlobStore {
    private final Path root;
    private final Path tmp;

    private LocalBlobStore(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.tmp = this.root.resolve("tmp");
        Files.createDirectories(tmp);
    }

    /** Opens (creating if needed) a store rooted at {@code root}. */
    public static LocalBlobStore open(Path root) throws IOException {
        return new LocalBlobStore(Objects.requireNonNull(root, "root"));
    }

    /** The store's root directory. */
    public Path root() {
        return root;
    }

    @Override
    public BlobKey put(byte[] bytes, BlobType type) throws IOException {
        BlobKey key = BlobKey.of(bytes, type);
        Path target = pathOf(key);
        if (Files.exists(target)) {
            return key; // content-addressed: the same bytes are already there
        }
        Files.createDirectories(target.getParent());
        Path temp = Files.createTempFile(tmp, "put-", ".part");
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE);
                    OutputStream out = Channels.newOutputStream(ch)) {
                out.write(bytes);
                out.flush();
                ch.force(/* metaData= */ true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                // A concurrent put of the same bytes won; its file is identical.
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the storage root must allow atomic renames: " + root, e);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        return key;
    }

    @Override
    public Optional<Long> size(BlobKey key) throws IOException {
        Path p = pathOf(key);
        try {
            return Optional.of(Files.size(p));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public InputStream open(BlobKey key, long offset, long length) throws IOException {
        Path p = pathOf(key);
        FileChannel ch = FileChannel.open(p, StandardOpenOption.READ);
        try {
            long size = ch.size();
            if (offset < 0 || length < 0 || offset + length > size) {
                throw new IllegalArgumentException(
                        "range " + offset + "+" + length + " lies outside the blob's " + size + " bytes");
            }
            ch.position(offset);
            return new BoundedInputStream(Channels.newInputStream(ch), length);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    @Override
    public boolean delete(BlobKey key) throws IOException {
        return Files.deleteIfExists(pathOf(key));
    }

    /** Where {@code key} lives; the key grammar cannot escape the root, and this checks it once more. */
    Path pathOf(BlobKey key) {
        String name = key.toString();
        Path p = root.resolve(name.substring(0, 2))
                .resolve(name.substring(2, 4))
                .resolve(name)
                .normalize();
        if (!p.startsWith(root)) {
            throw new IllegalArgumentException("key escapes the storage root: " + name);
        }
        return p;
    }

    /** Reads at most {@code remaining} bytes of the underlying stream. */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedInputStream(InputStream in, long remaining) {
            this.in = in;
            this.remaining = remaining;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(buf, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
