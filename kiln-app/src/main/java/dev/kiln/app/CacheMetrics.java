package dev.kiln.app;

import dev.kiln.cache.CacheListener;
import dev.kiln.cache.Redis;
import dev.kiln.ops.MetricNames;
import dev.kiln.ops.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The read cache's figures in {@code /metrics}: lookups per layer and result, lookup and load times, Redis's state. */
final class CacheMetrics implements CacheListener {
    private final Map<Layer, Counter> hits = new EnumMap<>(Layer.class);
    private final Map<Layer, Counter> misses = new EnumMap<>(Layer.class);
    private final Map<Layer, Timer> times = new EnumMap<>(Layer.class);
    private final Counter coalesced;
    private final Counter deferred;

    CacheMetrics(Metrics metrics) {
        for (Layer layer : Layer.values()) {
            String name = layer.name().toLowerCase(Locale.ROOT);
            hits.put(
                    layer,
                    metrics.counter(
                            MetricNames.CACHE_REQUESTS, MetricNames.TAG_LAYER, name, MetricNames.TAG_RESULT, "hit"));
            misses.put(
                    layer,
                    metrics.counter(
                            MetricNames.CACHE_REQUESTS, MetricNames.TAG_LAYER, name, MetricNames.TAG_RESULT, "miss"));
            times.put(layer, metrics.timer(MetricNames.CACHE_LOAD, MetricNames.TAG_LAYER, name));
        }
        this.coalesced = metrics.counter(MetricNames.CACHE_COALESCED);
        this.deferred = metrics.counter(MetricNames.CACHE_INVALIDATIONS_DEFERRED);
    }

    /** Publishes {@code redis}'s breaker state as a gauge. */
    static void registerRedis(Metrics metrics, Redis redis) {
        metrics.gauge(MetricNames.REDIS_STATE, () -> redis.state().ordinal());
    }

    @Override
    public void hit(Layer layer) {
        hits.get(layer).increment();
    }

    @Override
    public void miss(Layer layer) {
        misses.get(layer).increment();
    }

    @Override
    public void loadTime(Layer layer, long nanos) {
        times.get(layer).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void coalesced() {
        coalesced.increment();
    }

    @Override
    public void invalidationDeferred(int groups) {
        deferred.increment(groups);
    }
}
