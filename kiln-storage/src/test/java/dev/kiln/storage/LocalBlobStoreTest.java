package dev.kiln.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalBlobStoreTest {
    @TempDir
    Path dir;

    private static final byte[] HELLO = "hello, kiln".getBytes(StandardCharsets.UTF_8);

    @Test
    void putThenReadBackWholeAndByRange() throws Exception {
        LocalBlobStore store = LocalBlobStore.open(dir);
        BlobKey key = store.put(HELLO, BlobType.PNG);

        assertThat(key.toString()).matches("[0-9a-f]{64}\\.png");
        assertThat(store.size(key)).hasValue((long) HELLO.length);
        try (InputStream in = store.open(key, 0, HELLO.length)) {
            assertThat(in.readAllBytes()).isEqualTo(HELLO);
        }
        try (InputStream in = store.open(key, 7, 4)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("kiln");
        }
        assertThatThrownBy(() -> store.open(key, 8, 10)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sameBytesSameKeyOneCopy() throws Exception {
        LocalBlobStore store = LocalBlobStore.open(dir);
        BlobKey a = store.put(HELLO, BlobType.PNG);
        BlobKey b = store.put(HELLO.clone(), BlobType.PNG);

        assertThat(a).isEqualTo(b);
        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.filter(Files::isRegularFile).count()).isEqualTo(1);
        }
    }

    @Test
    void concurrentPutsOfTheSameBytesAllSucceedAndLeaveNoTemporaryFiles() throws Exception {
        LocalBlobStore store = LocalBlobStore.open(dir);
        byte[] big = new byte[1 << 20];
        new java.util.Random(7).nextBytes(big);
        CountDownLatch gate = new CountDownLatch(1);
        List<Future<BlobKey>> puts = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 8; i++) {
                puts.add(pool.submit(() -> {
                    gate.await();
                    return store.put(big, BlobType.MP4);
                }));
            }
            gate.countDown();
            BlobKey first = puts.getFirst().get();
            for (Future<BlobKey> f : puts) {
                assertThat(f.get()).isEqualTo(first);
            }
            try (InputStream in = store.open(first, 0, big.length)) {
                assertThat(in.readAllBytes()).isEqualTo(big);
            }
        }
        try (Stream<Path> temps = Files.list(dir.resolve("tmp"))) {
            assertThat(temps).isEmpty();
        }
    }

    @Test
    void missingBlobHasNoSizeAndCannotBeOpened() throws Exception {
        LocalBlobStore store = LocalBlobStore.open(dir);
        BlobKey absent = BlobKey.parse("0".repeat(64) + ".png").orElseThrow();

        assertThat(store.size(absent)).isEmpty();
        assertThatThrownBy(() -> store.open(absent, 0, 0)).isInstanceOf(NoSuchFileException.class);
        assertThat(store.delete(absent)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "../../etc/passwd",
                "..%2F..%2Fetc%2Fpasswd",
                "/etc/passwd",
                "0000000000000000000000000000000000000000000000000000000000000000.png/../../x",
                "0000000000000000000000000000000000000000000000000000000000000000.exe",
                "0000000000000000000000000000000000000000000000000000000000000000",
                "000000000000000000000000000000000000000000000000000000000000000G.png",
                "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.png",
                "0000000000000000000000000000000000000000000000000000000000000000.png\u0000",
                "",
            })
    void keysThatCouldEscapeTheRootDoNotParse(String text) {
        assertThat(BlobKey.parse(text)).isEmpty();
    }

    @Test
    void everyTypeRoundTripsThroughItsKey() {
        for (BlobType t : BlobType.values()) {
            BlobKey key = new BlobKey("ab".repeat(32), t);
            assertThat(BlobKey.parse(key.toString())).hasValue(key);
            assertThat(BlobType.fromMediaType(t.mediaType())).hasValue(t);
        }
    }

    @Test
    void listsBlobsWithTheirStoredTimeWhichEveryPutOfTheSameBytesRenews() throws Exception {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2030-01-01T00:00:00Z"));
        LocalBlobStore store = LocalBlobStore.open(dir, now::get);
        BlobKey hello = store.put(HELLO, BlobType.PNG);
        now.set(now.get().plusSeconds(60));
        BlobKey other = store.put("other".getBytes(StandardCharsets.UTF_8), BlobType.WEBP);
        Files.writeString(dir.resolve("tmp").resolve("put-left-by-a-crash.part"), "x");

        assertThat(listed(store))
                .containsExactlyInAnyOrder(
                        new StoredBlob(hello, HELLO.length, Instant.parse("2030-01-01T00:00:00Z")),
                        new StoredBlob(other, 5, Instant.parse("2030-01-01T00:01:00Z")));

        now.set(now.get().plusSeconds(60));
        store.put(HELLO.clone(), BlobType.PNG);
        assertThat(listed(store)).contains(new StoredBlob(hello, HELLO.length, Instant.parse("2030-01-01T00:02:00Z")));
    }

    @Test
    void deletesOnlyWhatWasLastStoredBeforeTheCutoff() throws Exception {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2030-01-01T00:00:00Z"));
        LocalBlobStore store = LocalBlobStore.open(dir, now::get);
        BlobKey old = store.put(HELLO, BlobType.PNG);
        BlobKey renewed = store.put("renewed".getBytes(StandardCharsets.UTF_8), BlobType.PNG);
        now.set(now.get().plusSeconds(3600));
        store.put("renewed".getBytes(StandardCharsets.UTF_8), BlobType.PNG);
        Instant cutoff = now.get().minusSeconds(60);

        assertThat(store.deleteIfStoredBefore(old, cutoff)).isTrue();
        assertThat(store.deleteIfStoredBefore(renewed, cutoff)).isFalse();
        assertThat(store.deleteIfStoredBefore(old, cutoff)).isFalse();

        assertThat(store.size(old)).isEmpty();
        try (InputStream in = store.open(renewed, 0, 7)) {
            assertThat(in.readAllBytes()).isEqualTo("renewed".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(listed(store)).extracting(StoredBlob::key).containsExactly(renewed);
        // Nothing is left behind in tmp by either outcome.
        try (Stream<Path> left = Files.list(dir.resolve("tmp"))) {
            assertThat(left).isEmpty();
        }
        // Reaped bytes put again are stored again.
        assertThat(store.put(HELLO, BlobType.PNG)).isEqualTo(old);
        assertThat(store.size(old)).hasValue((long) HELLO.length);
    }

    private static List<StoredBlob> listed(BlobStore store) throws Exception {
        try (Stream<StoredBlob> blobs = store.list()) {
            return blobs.toList();
        }
    }
}
