package dev.kiln.cache.ratelimit;

import dev.kiln.cache.Redis;
import dev.kiln.cache.RedisUnavailableException;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * GCRA in Redis, one script per request on Redis's own clock (so instances' clocks need not agree), falling back to
 * {@link LocalRateLimiter} whenever Redis is unavailable.
 */
final class SharedRateLimiter implements RateLimiter {
    static final String GCRA = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local interval = tonumber(ARGV[1])
            local window = tonumber(ARGV[2])
            local tat = tonumber(redis.call('GET', KEYS[1]) or now)
            if tat < now then tat = now end
            local new_tat = tat + interval
            local allow_at = new_tat - window
            if now < allow_at then
              return {0, 0, tat - now, allow_at - now}
            end
            redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', math.ceil((new_tat - now) / 1000) + 1)
            return {1, math.floor((now - allow_at) / interval), new_tat - now, 0}""";

    private final Redis redis;
    private final LocalRateLimiter local;

    SharedRateLimiter(Redis redis, LocalRateLimiter local) {
        this.redis = redis;
        this.local = local;
    }

    @Override
    public Decision acquire(String key, RateLimit limit) {
        if (!redis.available()) {
            return local.acquire(key, limit);
        }
        try {
            List<Object> r = redis.call(c -> c.<List<Object>>eval(
                            GCRA,
                            ScriptOutputType.MULTI,
                            new String[] {redis.prefix() + ":rl:" + key},
                            bytes(Long.toString(limit.intervalMicros())),
                            bytes(Long.toString(limit.windowMicros())))
                    .toCompletableFuture());
            boolean allowed = ((Long) r.get(0)) == 1L;
            return new Decision(
                    allowed,
                    limit,
                    (Long) r.get(1),
                    Duration.ofNanos((Long) r.get(2) * 1000),
                    Duration.ofNanos((Long) r.get(3) * 1000),
                    "redis");
        } catch (RedisUnavailableException | ClassCastException | IndexOutOfBoundsException e) {
            return local.acquire(key, limit);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
