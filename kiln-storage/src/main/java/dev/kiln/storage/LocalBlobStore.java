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
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@link BlobStore} on a local directory, shared by every instance started from the same checkout. A blob lives at
 * {@code root/ab/cd/<key>} (two fan-out levels keep directories small). A write goes to a temporary file in
 * {@code root/tmp}, is flushed to disk, then renamed into place atomically, so a reader never sees a partial blob
 * and a crash leaves at most a temporary file behind.
 *
 * <p>A blob's stored time is its file's modification time, set from the store's clock by every put of its bytes.
 * {@link #deleteIfStoredBefore} first renames the file into {@code root/tmp} (atomic), then reads its time there:
 * a put that refreshed the time before the rename is seen, and the file goes back; a put after the rename finds no
 * file and writes it again.
 */
public final class LocalBlobStore implements BlobStore {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path root;
    private final Path tmp;
    private final InstantSource clock;

    private LocalBlobStore(Path root, InstantSource clock) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.tmp = this.root.resolve("tmp");
        this.clock = Objects.requireNonNull(clock, "clock");
        Files.createDirectories(tmp);
    }

    /** Opens (creating if needed) a store rooted at {@code root}, on the system clock. */
    public static LocalBlobStore open(Path root) throws IOException {
        return open(root, InstantSource.system());
    }

    /** Opens a store rooted at {@code root} whose puts read their stored time from {@code clock} (tests drive it). */
    public static LocalBlobStore open(Path root, InstantSource clock) throws IOException {
        return new LocalBlobStore(Objects.requireNonNull(root, "root"), clock);
    }

    /** The store's root directory. */
    public Path root() {
        return root;
    }

    @Override
    public BlobKey put(byte[] bytes, BlobType type) throws IOException {
        BlobKey key = BlobKey.of(bytes, type);
        Path target = pathOf(key);
        FileTime now = FileTime.from(clock.instant());
        try {
            // Content-addressed: the same bytes are already there. Touching (not just testing) the file is what makes
            // the put atomic against deleteIfStoredBefore: either the new time is seen, or the file is gone and is
            // written again below.
            Files.setLastModifiedTime(target, now);
            return key;
        } catch (NoSuchFileException e) {
            // Not stored (or just reaped): write it.
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
            Files.setLastModifiedTime(temp, now);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                // A concurrent put of the same bytes won; its file is identical, and as new.
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

    @Override
    public Stream<StoredBlob> list() throws IOException {
        // root/ab/cd/<key>: the fan-out directories are two hex digits each, which keeps tmp out.
        return Files.walk(root, 3)
                .filter(p -> p.getNameCount() == root.getNameCount() + 3
                        && !p.getName(root.getNameCount()).toString().equals("tmp"))
                .flatMap(p -> BlobKey.parse(p.getFileName().toString()).flatMap(k -> stat(k, p)).stream());
    }

    /** The listing entry of {@code key} at {@code p}; empty when it vanished meanwhile or is not a regular file. */
    private static Optional<StoredBlob> stat(BlobKey key, Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            return a.isRegularFile()
                    ? Optional.of(
                            new StoredBlob(key, a.size(), a.lastModifiedTime().toInstant()))
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean deleteIfStoredBefore(BlobKey key, Instant cutoff) throws IOException {
        Path target = pathOf(key);
        Path reaped = tmp.resolve("reap-" + key + "-" + Long.toHexString(RANDOM.nextLong()));
        try {
            Files.move(target, reaped, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return false;
        }
        // From here no put can touch the file: one that touched it before the move left its time on it.
        if (Files.getLastModifiedTime(reaped).toInstant().isBefore(cutoff)) {
            Files.delete(reaped);
            return true;
        }
        try {
            // Put again meanwhile: back it goes. Should a put have written it anew since, either copy is the bytes.
            Files.move(reaped, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            Files.delete(reaped);
        }
        return false;
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
