package dev.kiln.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caffeine (L1) over Redis (L2) over a loader. See {@code docs/caching.md} for the protocol; in short:
 *
 * <ul>
 *   <li>L1 maps a group to its fields' futures, so concurrent misses on one key join one load (single flight) and an
 *       invalidation drops the whole group at once.
 *   <li>L2 keeps a group as a hash next to a version counter. A miss reads both in one script; the value loaded from
 *       the database is written back only if the version is still the one read before the load (a compare-and-set in
 *       a script), so a load that raced an invalidation cannot put its stale value back.
 *   <li>An invalidation bumps the versions, deletes the hashes and publishes the groups, in one script; every instance
 *       drops them from L1 on the message. When Redis cannot take it, the groups wait (bounded) and are sent before
 *       Redis is used again.
 * </ul>
 */
final class TieredCache implements ReadCache {
    private static final Logger LOG = LoggerFactory.getLogger(TieredCache.class);

    /** Invalidations kept while Redis is away; past this, Redis's cache is flushed on recovery instead. */
    static final int MAX_PENDING = 10_000;
    /** Groups per invalidation script call. */
    static final int BATCH = 200;
    /** The message that tells every instance to drop its whole L1. */
    static final String ALL = "*";

    private static final String READ = """
            return {redis.call('GET', KEYS[2]), redis.call('HGET', KEYS[1], ARGV[1])}""";
    private static final String WRITE = """
            local v = redis.call('GET', KEYS[2])
            if v == false then v = '' end
            if v ~= ARGV[1] then return 0 end
            redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
            if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[4]) then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
            return 1""";
    private static final String INVALIDATE = """
            for i = 1, #KEYS, 2 do
              redis.call('INCR', KEYS[i + 1])
              redis.call('PEXPIRE', KEYS[i + 1], ARGV[1])
              redis.call('DEL', KEYS[i])
            end
            redis.call('PUBLISH', ARGV[2], ARGV[3])
            return 1""";

    private final CacheConfig config;
    private final Redis redis;
    private final CacheListener listener;
    private final Ticker ticker;
    private final Cache<String, Group> l1;
    private final String channel;
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean overflowed = new AtomicBoolean();

    /** One group's fields: each a load in flight or done. */
    private static final class Group {
        final ConcurrentHashMap<String, CompletableFuture<Entry>> fields = new ConcurrentHashMap<>();
    }

    /** A value and when it expires in L1 (ticker nanos); a null value is "not found", never kept. */
    private record Entry(byte[] value, long expiresAt) {}

    TieredCache(CacheConfig config, Redis redis, CacheListener listener, Ticker ticker) {
        this.config = config;
        this.redis = redis;
        this.listener = listener;
        this.ticker = ticker;
        this.l1 = Caffeine.newBuilder()
                .maximumSize(config.maxGroups())
                .expireAfterAccess(config.settledL1())
                .ticker(ticker)
                .build();
        this.channel = redis.prefix() + ":invalidate";
        redis.subscribe(channel, this::onMessage);
        redis.onRecovery(this::recover);
    }

    @Override
    public Optional<byte[]> get(String group, String field, Loader loader) {
        long start = ticker.read();
        Group g = l1.get(group, k -> new Group());
        while (true) {
            CompletableFuture<Entry> current = g.fields.get(field);
            if (current != null) {
                if (!current.isDone()) {
                    listener.coalesced();
                    return value(join(current));
                }
                Entry e = current.isCompletedExceptionally() ? null : current.getNow(null);
                long now = ticker.read();
                if (e != null && e.expiresAt() - now > 0) {
                    listener.hit(CacheListener.Layer.L1);
                    listener.loadTime(CacheListener.Layer.L1, now - start);
                    return Optional.of(e.value());
                }
                CompletableFuture<Entry> mine = new CompletableFuture<>();
                if (g.fields.replace(field, current, mine)) {
                    return value(load(g, group, field, mine, loader, start));
                }
                continue;
            }
            if (g.fields.size() >= config.maxFieldsPerGroup()) {
                l1Missed(start);
                return loadThrough(group, field, loader, /* mayWriteBack= */ false);
            }
            CompletableFuture<Entry> mine = new CompletableFuture<>();
            if (g.fields.putIfAbsent(field, mine) == null) {
                return value(load(g, group, field, mine, loader, start));
            }
        }
    }

    private static Optional<byte[]> value(Entry e) {
        return e == null ? Optional.empty() : Optional.ofNullable(e.value());
    }

    private static Entry join(CompletableFuture<Entry> f) {
        return Futures.join(f);
    }

    /** An L1 lookup that started at {@code start} found nothing to answer with. */
    private void l1Missed(long start) {
        listener.miss(CacheListener.Layer.L1);
        listener.loadTime(CacheListener.Layer.L1, ticker.read() - start);
    }

    /**
     * Asks the source of truth (the database), reporting it as layer {@link CacheListener.Layer#SOURCE}: a hit when it
     * has the value, a miss when it has none, and how long it took.
     */
    private Optional<Loaded> loadFromSource(Loader loader) {
        long start = ticker.read();
        Optional<Loaded> loaded = loader.load();
        listener.loadTime(CacheListener.Layer.SOURCE, ticker.read() - start);
        if (loaded.isPresent()) {
            listener.hit(CacheListener.Layer.SOURCE);
        } else {
            listener.miss(CacheListener.Layer.SOURCE);
        }
        return loaded;
    }

    /** Loads into {@code mine}, which this thread put in the group; joiners wait on it. */
    private Entry load(
            Group g, String group, String field, CompletableFuture<Entry> mine, Loader loader, long l1Start) {
        l1Missed(l1Start);
        try {
            L2Read read = readL2(group, field);
            byte[] value;
            boolean settled;
            if (read.value() != null) {
                settled = read.value()[0] == 1;
                value = Arrays.copyOfRange(read.value(), 1, read.value().length);
            } else {
                Optional<Loaded> loaded = loadFromSource(loader);
                if (loaded.isEmpty()) {
                    mine.complete(null);
                    g.fields.remove(field, mine);
                    return null;
                }
                value = loaded.get().value();
                settled = loaded.get().settled();
                if (read.version() != null) {
                    writeL2(group, field, read.version(), value, settled);
                }
            }
            long ttl = (settled ? config.settledL1() : config.volatileL1()).toNanos();
            Entry e = new Entry(value, ticker.read() + ttl);
            mine.complete(e);
            return e;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            g.fields.remove(field, mine);
            throw e;
        }
    }

    /** A load past L1 when the group has too many fields to keep another. */
    private Optional<byte[]> loadThrough(String group, String field, Loader loader, boolean mayWriteBack) {
        L2Read read = readL2(group, field);
        if (read.value() != null) {
            return Optional.of(Arrays.copyOfRange(read.value(), 1, read.value().length));
        }
        Optional<Loaded> loaded = loadFromSource(loader);
        if (mayWriteBack && loaded.isPresent() && read.version() != null) {
            writeL2(
                    group,
                    field,
                    read.version(),
                    loaded.get().value(),
                    loaded.get().settled());
        }
        return loaded.map(Loaded::value);
    }

    /** What L2 holds: the group's version ("" when it has none; null when Redis was not asked) and the value. */
    private record L2Read(String version, byte[] value) {}

    private L2Read readL2(String group, String field) {
        if (!redis.available()) {
            listener.miss(CacheListener.Layer.L2);
            return new L2Read(null, null);
        }
        long start = ticker.read();
        try {
            List<Object> reply = redis.call(c -> c.<List<Object>>eval(
                            READ,
                            ScriptOutputType.MULTI,
                            new String[] {dataKey(group), versionKey(group)},
                            bytes(field))
                    .toCompletableFuture());
            listener.loadTime(CacheListener.Layer.L2, ticker.read() - start);
            String version = reply.get(0) instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : "";
            byte[] value = reply.size() > 1 && reply.get(1) instanceof byte[] b && b.length > 0 ? b : null;
            if (value != null) {
                listener.hit(CacheListener.Layer.L2);
            } else {
                listener.miss(CacheListener.Layer.L2);
            }
            return new L2Read(version, value);
        } catch (RedisUnavailableException e) {
            listener.miss(CacheListener.Layer.L2);
            return new L2Read(null, null);
        }
    }

    private void writeL2(String group, String field, String version, byte[] value, boolean settled) {
        byte[] stored = new byte[value.length + 1];
        stored[0] = (byte) (settled ? 1 : 0);
        System.arraycopy(value, 0, stored, 1, value.length);
        long ttl = (settled ? config.settledL2() : config.volatileL2()).toMillis();
        redis.send(c -> c.<Long>eval(
                        WRITE,
                        ScriptOutputType.INTEGER,
                        new String[] {dataKey(group), versionKey(group)},
                        bytes(version),
                        bytes(field),
                        stored,
                        bytes(Long.toString(ttl)))
                .toCompletableFuture());
    }

    @Override
    public void invalidate(Collection<String> groups) {
        if (groups.isEmpty()) {
            return;
        }
        for (String g : groups) {
            l1.invalidate(g);
        }
        List<String> list = new ArrayList<>(groups);
        for (int i = 0; i < list.size(); i += BATCH) {
            List<String> batch = list.subList(i, Math.min(list.size(), i + BATCH));
            if (redis.state() == Redis.State.DISABLED) {
                return;
            }
            try {
                if (!redis.available()) {
                    throw new RedisUnavailableException("unavailable", null);
                }
                sendInvalidation(batch, /* recovering= */ false);
            } catch (RedisUnavailableException e) {
                defer(batch);
            }
        }
    }

    private void sendInvalidation(List<String> batch, boolean recovering) {
        String[] keys = new String[batch.size() * 2];
        for (int j = 0; j < batch.size(); j++) {
            keys[2 * j] = dataKey(batch.get(j));
            keys[2 * j + 1] = versionKey(batch.get(j));
        }
        byte[][] args = {
            bytes(Long.toString(CacheConfig.VERSION_TTL.toMillis())), bytes(channel), bytes(String.join("\n", batch))
        };
        if (recovering) {
            redis.callDuringRecovery(c -> c.<Long>eval(INVALIDATE, ScriptOutputType.INTEGER, keys, args)
                    .toCompletableFuture());
        } else {
            redis.call(c -> c.<Long>eval(INVALIDATE, ScriptOutputType.INTEGER, keys, args)
                    .toCompletableFuture());
        }
    }

    private void defer(List<String> batch) {
        listener.invalidationDeferred(batch.size());
        if (pending.size() + batch.size() > MAX_PENDING) {
            overflowed.set(true);
        } else {
            pending.addAll(batch);
        }
    }

    /**
     * Before Redis is used again: send the invalidations it missed (or, when too many were missed, drop every cached
     * value in Redis and tell every instance to drop its L1), then drop this instance's L1, which may have missed
     * other instances' messages meanwhile.
     */
    private void recover() {
        if (overflowed.get()) {
            ScanCursor cursor = ScanCursor.INITIAL;
            ScanArgs match = ScanArgs.Builder.matches(redis.prefix() + ":c:*").limit(1000);
            do {
                ScanCursor from = cursor;
                io.lettuce.core.KeyScanCursor<String> page =
                        redis.callDuringRecovery(c -> c.scan(from, match).toCompletableFuture());
                if (!page.getKeys().isEmpty()) {
                    String[] keys = page.getKeys().toArray(String[]::new);
                    redis.callDuringRecovery(c -> c.unlink(keys).toCompletableFuture());
                }
                cursor = page;
            } while (!cursor.isFinished());
            redis.callDuringRecovery(c -> c.publish(channel, bytes(ALL)).toCompletableFuture());
            overflowed.set(false);
            pending.clear();
        }
        List<String> groups = new ArrayList<>(pending);
        for (int i = 0; i < groups.size(); i += BATCH) {
            List<String> batch = groups.subList(i, Math.min(groups.size(), i + BATCH));
            sendInvalidation(batch, /* recovering= */ true);
            batch.forEach(pending::remove);
        }
        l1.invalidateAll();
        if (!groups.isEmpty()) {
            LOG.info("sent {} cache invalidations that waited for Redis", groups.size());
        }
    }

    private void onMessage(String message) {
        if (message.equals(ALL)) {
            l1.invalidateAll();
            return;
        }
        for (String g : message.split("\n")) {
            l1.invalidate(g);
        }
    }

    private String dataKey(String group) {
        return redis.prefix() + ":c:" + group;
    }

    private String versionKey(String group) {
        return redis.prefix() + ":v:" + group;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Groups held in L1 now, for tests. */
    long l1Groups() {
        return l1.estimatedSize();
    }
}
