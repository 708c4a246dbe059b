package dev.kiln.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.kiln.cache.testing.OwnRedis;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The two-layer cache against real Redis: the shared one (DB 1, a fresh key prefix per test) for coherence, and a
 * private {@code redis-server} on port 18210 for failures.
 */
class TieredCacheTest {
    static final URI SHARED = URI.create("redis://127.0.0.1:6379/1");
    static final int OWN_PORT = 18210;

    /** A source of truth the tests change, and how often each key was loaded. */
    final Map<String, String> source = new ConcurrentHashMap<>();

    final Map<String, AtomicInteger> loads = new ConcurrentHashMap<>();
    final Counting listener = new Counting();
    final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
    }

    /** Counts lookups per layer and result. */
    static final class Counting implements CacheListener {
        final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

        @Override
        public void hit(Layer layer) {
            counts.computeIfAbsent(layer + " hit", k -> new AtomicLong()).incrementAndGet();
        }

        @Override
        public void miss(Layer layer) {
            counts.computeIfAbsent(layer + " miss", k -> new AtomicLong()).incrementAndGet();
        }

        @Override
        public void loadTime(Layer layer, long nanos) {
            counts.computeIfAbsent(layer + " time", k -> new AtomicLong()).incrementAndGet();
        }

        long get(String name) {
            AtomicLong n = counts.get(name);
            return n == null ? 0 : n.get();
        }
    }

    Redis redis(URI uri, String prefix) {
        RedisConfig config = RedisConfig.at(uri).withKeyPrefix(prefix);
        // The coherence tests are not about timeouts: on a loaded host the default 100 ms bound can open the breaker
        // and drop the write-back they wait for (1 fresh-clone run in 2 at load 35). The failure tests keep it.
        if (uri.equals(SHARED)) {
            config = config.withCommandTimeout(Duration.ofSeconds(2));
        }
        Redis r = Redis.connect(config);
        closing.add(r);
        return r;
    }

    ReadCache cache(Redis redis, Ticker ticker) {
        ReadCache c = ReadCache.tiered(CacheConfig.defaults(), redis, listener, ticker);
        closing.add(c);
        return c;
    }

    String read(ReadCache cache, String key) {
        return cache.get(key, "", () -> {
                    loads.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                    String v = source.get(key);
                    return v == null
                            ? Optional.empty()
                            : Optional.of(
                                    new ReadCache.Loaded(v.getBytes(StandardCharsets.UTF_8), v.startsWith("done")));
                })
                .map(b -> new String(b, StandardCharsets.UTF_8))
                .orElse(null);
    }

    int loadsOf(String key) {
        AtomicInteger n = loads.get(key);
        return n == null ? 0 : n.get();
    }

    static String prefix() {
        return "tct-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void servesFromL1ThenL2AndLoadsOnce() {
        String prefix = prefix();
        Redis shared = redis(SHARED, prefix);
        ReadCache a = cache(shared, Ticker.systemTicker());
        ReadCache b = cache(redis(SHARED, prefix), Ticker.systemTicker());
        source.put("g:1", "done-1");

        assertThat(read(a, "g:1")).isEqualTo("done-1");
        assertThat(read(a, "g:1")).isEqualTo("done-1");
        assertThat(loadsOf("g:1")).isEqualTo(1);
        assertThat(listener.get("L1 hit")).isEqualTo(1);
        // The write-back is asynchronous; another instance finds the value in L2 once it has landed. Each poll asks
        // a new instance: one that missed L2 loads the value and answers from its own L1 from then on.
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    long before = listener.get("L2 hit");
                    read(cache(redis(SHARED, prefix), Ticker.systemTicker()), "g:1");
                    return listener.get("L2 hit") > before;
                });
        int loaded = loadsOf("g:1");
        assertThat(read(b, "g:1")).isEqualTo("done-1");
        assertThat(loadsOf("g:1")).as("served from L2, not loaded again").isEqualTo(loaded);

        assertThat(read(a, "missing")).isNull();
        assertThat(read(a, "missing")).isNull();
        assertThat(loadsOf("missing")).as("not-found is never cached").isEqualTo(2);
    }

    /**
     * Each layer's counters name the layer that answered: an L2 hit is not a database load, a database load is counted
     * once under {@code SOURCE} (hit when found, miss when not), and every lookup of a layer has a time.
     */
    @Test
    void eachLayerIsCountedUnderItsOwnLabel() {
        String prefix = prefix();
        ReadCache a = cache(redis(SHARED, prefix), Ticker.systemTicker());
        source.put("g:7", "done-7");

        assertThat(read(a, "g:7")).isEqualTo("done-7");
        assertThat(listener.counts)
                .as("first read: L1 and L2 miss, the database answers")
                .containsOnlyKeys("L1 miss", "L1 time", "L2 miss", "L2 time", "SOURCE hit", "SOURCE time");
        assertThat(listener.get("SOURCE hit")).isEqualTo(1);
        assertThat(listener.get("SOURCE time")).isEqualTo(1);

        assertThat(read(a, "g:7")).isEqualTo("done-7");
        assertThat(listener.get("L1 hit")).isEqualTo(1);
        assertThat(listener.get("L1 time")).as("a hit's lookup is timed too").isEqualTo(2);

        // A fresh instance (empty L1) each try: L1 misses, and L2 answers once a's write-back has landed.
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            read(cache(redis(SHARED, prefix), Ticker.systemTicker()), "g:7");
            return listener.get("L2 hit") >= 1;
        });
        long sourceHits = listener.get("SOURCE hit");
        assertThat(sourceHits)
                .as("database loads: the first read, plus b's reads before the write-back landed")
                .isEqualTo(loadsOf("g:7"));
        assertThat(listener.get("L2 hit") + listener.get("L2 miss"))
                .as("every L1 miss asked L2")
                .isEqualTo(listener.get("L1 miss"));
        assertThat(listener.get("L2 miss"))
                .as("every L2 miss went to the database")
                .isEqualTo(sourceHits);

        assertThat(read(a, "absent")).isNull();
        assertThat(listener.get("SOURCE miss")).as("not found at the source").isEqualTo(1);
        assertThat(listener.get("SOURCE hit")).isEqualTo(sourceHits);
    }

    @Test
    void invalidationReachesTheOtherInstanceAndNoStaleReadFollows() throws Exception {
        String prefix = prefix();
        ReadCache a = cache(redis(SHARED, prefix), Ticker.systemTicker());
        ReadCache b = cache(redis(SHARED, prefix), Ticker.systemTicker());
        source.put("g:2", "done-v1");
        assertThat(read(a, "g:2")).isEqualTo("done-v1");
        assertThat(read(b, "g:2")).isEqualTo("done-v1");

        source.put("g:2", "done-v2");
        long published = System.nanoTime();
        a.invalidate(List.of("g:2"));
        assertThat(read(a, "g:2")).isEqualTo("done-v2");
        // A settled value lives 5 minutes in L1: only the pub/sub message can make b drop it within a minute (a
        // bound far from the TTL, so that a loaded machine's scheduling cannot fail it).
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(5))
                .until(() -> "done-v2".equals(read(b, "g:2")));
        assertThat(Duration.ofNanos(System.nanoTime() - published)).isLessThan(Duration.ofSeconds(60));
        for (int i = 0; i < 200; i++) {
            assertThat(read(b, "g:2")).isEqualTo("done-v2");
        }
        ReadCache c = cache(redis(SHARED, prefix), Ticker.systemTicker());
        assertThat(read(c, "g:2")).as("L2 holds no stale copy").isEqualTo("done-v2");
    }

    @Test
    void aLoadThatRacedAnInvalidationDoesNotWriteItsStaleValueBack() throws Exception {
        String prefix = prefix();
        ReadCache a = cache(redis(SHARED, prefix), Ticker.systemTicker());
        CountDownLatch loaded = new CountDownLatch(1);
        CountDownLatch invalidated = new CountDownLatch(1);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            Future<Optional<byte[]>> slow = pool.submit(() -> a.get("g:3", "", () -> {
                String stale = "done-old"; // read from the "database" before the write below
                loaded.countDown();
                try {
                    invalidated.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return Optional.of(new ReadCache.Loaded(stale.getBytes(StandardCharsets.UTF_8), true));
            }));
            loaded.await();
            source.put("g:3", "done-new");
            a.invalidate(List.of("g:3"));
            invalidated.countDown();
            assertThat(new String(slow.get(5, TimeUnit.SECONDS).orElseThrow(), StandardCharsets.UTF_8))
                    .isEqualTo("done-old");
        } finally {
            pool.shutdown();
        }
        assertThat(read(a, "g:3")).as("L1 dropped the racing load").isEqualTo("done-new");
        ReadCache other = cache(redis(SHARED, prefix), Ticker.systemTicker());
        // Give a stray write-back every chance to land first: a fresh instance must still load the new value.
        Thread.sleep(50);
        assertThat(read(other, "g:3")).isEqualTo("done-new");
    }

    @Test
    void concurrentMissesCoalesceIntoOneLoad() throws Exception {
        ReadCache a = cache(redis(SHARED, prefix()), Ticker.systemTicker());
        int threads = 32;
        CyclicBarrier gate = new CyclicBarrier(threads);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        List<Future<String>> results = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    gate.await();
                    return a.get("g:4", "", () -> {
                                calls.incrementAndGet();
                                try {
                                    release.await();
                                } catch (InterruptedException e) {
                                    throw new IllegalStateException(e);
                                }
                                return Optional.of(new ReadCache.Loaded("v".getBytes(StandardCharsets.UTF_8), false));
                            })
                            .map(String::new)
                            .orElseThrow();
                }));
            }
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> calls.get() >= 1);
            release.countDown();
            for (Future<String> f : results) {
                try {
                    assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo("v");
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            }
        } finally {
            pool.shutdown();
        }
        assertThat(failure.get()).isNull();
        assertThat(calls.get()).isEqualTo(1);
    }

    @Test
    void aFailingLoadIsNotCachedAndReachesEveryJoiner() {
        ReadCache a = cache(redis(SHARED, prefix()), Ticker.systemTicker());
        assertThatThrownBy(() -> a.get("g:5", "", () -> {
                    throw new IllegalStateException("database down");
                }))
                .hasMessage("database down");
        source.put("g:5", "done-ok");
        assertThat(read(a, "g:5")).isEqualTo("done-ok");
    }

    @Test
    void volatileValuesExpireSoonerThanSettledOnes() {
        AtomicLong now = new AtomicLong();
        ReadCache a = cache(Redis.connect(RedisConfig.none()), now::get);
        source.put("inflight", "running");
        source.put("terminal", "done");
        read(a, "inflight");
        read(a, "terminal");
        now.addAndGet(CacheConfig.DEFAULT_VOLATILE_L1.toNanos() + 1);
        read(a, "inflight");
        read(a, "terminal");
        assertThat(loadsOf("inflight")).isEqualTo(2);
        assertThat(loadsOf("terminal")).isEqualTo(1);
    }

    @Test
    void withoutRedisItRunsOnL1() {
        Redis none = Redis.connect(RedisConfig.none());
        assertThat(none.state()).isEqualTo(Redis.State.DISABLED);
        ReadCache a = cache(none, Ticker.systemTicker());
        source.put("g:6", "done");
        assertThat(read(a, "g:6")).isEqualTo("done");
        assertThat(read(a, "g:6")).isEqualTo("done");
        assertThat(loadsOf("g:6")).isEqualTo(1);
        a.invalidate(List.of("g:6"));
        assertThat(read(a, "g:6")).isEqualTo("done");
        assertThat(loadsOf("g:6")).isEqualTo(2);
    }

    @Test
    void redisStoppedThenBackServesWithoutItThenUsesItAgain() throws Exception {
        try (OwnRedis own = OwnRedis.start(OWN_PORT)) {
            String prefix = prefix();
            Redis link = redis(own.uri(), prefix);
            ReadCache a = cache(link, Ticker.systemTicker());
            ReadCache b = cache(redis(own.uri(), prefix), Ticker.systemTicker());
            source.put("g:7", "running-1");
            assertThat(read(a, "g:7")).isEqualTo("running-1");

            own.stop();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> link.state() == Redis.State.OPEN);
            source.put("g:7", "running-2");
            a.invalidate(List.of("g:7")); // cannot reach Redis: deferred
            for (int i = 0; i < 20; i++) {
                long t0 = System.nanoTime();
                assertThat(read(a, "g:7")).isEqualTo("running-2");
                // With the breaker open Redis costs nothing: no read waits on a command timeout.
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
                a.invalidate(List.of("g:7"));
            }

            own.start();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> link.state() == Redis.State.CLOSED);
            long hits = listener.get("L2 hit");
            // L2 hits resume by themselves: a writes back, b (a second instance) reads it from Redis.
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
                read(a, "g:7");
                read(b, "g:7");
                return listener.get("L2 hit") > hits;
            });
            assertThat(read(b, "g:7")).isEqualTo("running-2");
        }
    }

    @Test
    void redisPausedAnswersWithinTheTimeoutsAndRecovers() throws Exception {
        try (OwnRedis own = OwnRedis.start(OWN_PORT + 1)) {
            String prefix = prefix();
            Redis link = redis(own.uri(), prefix);
            ReadCache a = cache(link, Ticker.systemTicker());
            ReadCache b = cache(redis(own.uri(), prefix), Ticker.systemTicker());
            source.put("g:8", "done-1");
            assertThat(read(a, "g:8")).isEqualTo("done-1");
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                read(b, "g:8");
                return listener.get("L2 hit") >= 1;
            });

            // Stalled, not stopped: connections stay open and commands wait for answers that do not come until
            // resume(), so every read below that finishes has not waited for Redis.
            own.stall();
            try {
                source.put("g:8", "done-2");
                a.invalidate(List.of("g:8"));
                List<Long> millis = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    long t0 = System.nanoTime();
                    assertThat(read(a, "g:8")).isEqualTo("done-2");
                    millis.add((System.nanoTime() - t0) / 1_000_000);
                    a.invalidate(List.of("g:8"));
                }
                // Each read waits at most one command timeout (100 ms) until the breaker opens, then not at all; the
                // bound is loose so that a loaded machine's scheduling cannot fail it, and a read that waited for
                // Redis would wait until resume(), far past it.
                assertThat(millis).allMatch(ms -> ms < 5_000);
                assertThat(link.state()).isEqualTo(Redis.State.OPEN);
            } finally {
                own.resume();
            }

            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> link.state() == Redis.State.CLOSED);
            // After the pause, b must not serve its old L1 copy or a stale L2 copy.
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "done-2".equals(read(b, "g:8")));
            long hits = listener.get("L2 hit");
            ReadCache c = cache(redis(own.uri(), prefix), Ticker.systemTicker());
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                read(c, "g:8");
                return listener.get("L2 hit") > hits;
            });
            assertThat(read(c, "g:8")).isEqualTo("done-2");
        }
    }
}
