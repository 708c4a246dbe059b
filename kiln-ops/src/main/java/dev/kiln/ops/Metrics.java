package dev.kiln.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * Kiln's one metrics seam: a Prometheus registry with JVM metrics bound, and typed accessors for Kiln's own meters.
 * Names come from {@link MetricNames}; a name not listed there is refused. Thread-safe.
 */
public final class Metrics implements AutoCloseable {

    /** Content type of {@link #scrape()}: Prometheus text exposition format 0.0.4. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** Smallest latency the percentile histograms resolve: 1 ms. */
    public static final Duration MIN_EXPECTED_LATENCY = Duration.ofMillis(1);
    /** Largest latency the percentile histograms resolve: 30 s, well past the 10 s request budget. */
    public static final Duration MAX_EXPECTED_LATENCY = Duration.ofSeconds(30);

    /** Fixed buckets at the latencies people set objectives on, so they are exact rather than interpolated. */
    private static final Duration[] LATENCY_SLOS = {
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofMillis(2500),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10)
    };

    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gcMetrics;
    private final ConcurrentMap<HttpKey, Timer> httpTimers = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Timer> renderTimers = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> rejections = new ConcurrentHashMap<>();
    private final Timer renderQueueWait;

    /** A fresh registry with JVM memory, GC, thread, class-loader, processor and uptime metrics bound. */
    public Metrics() {
        this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    /** Wraps {@code registry} (tests pass one with a controllable clock) and binds the JVM metrics to it. */
    Metrics(PrometheusMeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        renderQueueWait =
                latencyTimer(MetricNames.RENDER_QUEUE_WAIT, "Time renders waited for a render slot", Tags.empty());
    }

    /** The registry, for libraries that bind their own meters (e.g. HikariCP's Micrometer tracker). */
    public MeterRegistry registry() {
        return registry;
    }

    /** Everything registered, in Prometheus text format ({@link #CONTENT_TYPE}). */
    public String scrape() {
        return registry.scrape();
    }

    /**
     * The request timer for one method, route template and status class (e.g. 204 and 201 share {@code 2xx}).
     *
     * @param route the route template ({@code /v1/scenes/{id}}), never the raw path
     * @throws IllegalArgumentException when {@code status} is not in 100..599
     */
    public Timer httpTimer(String method, String route, int status) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(route, "route");
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be an HTTP status in 100..599, was " + status);
        }
        return httpTimers.computeIfAbsent(
                new HttpKey(method, route, (status / 100) + "xx"),
                k -> latencyTimer(
                        MetricNames.HTTP_SERVER_REQUESTS,
                        "Served HTTP requests",
                        Tags.of(
                                MetricNames.TAG_METHOD, k.method(),
                                MetricNames.TAG_ROUTE, k.route(),
                                MetricNames.TAG_STATUS, k.statusClass())));
    }

    /** The render execution timer for one output format (e.g. {@code png}). */
    public Timer renderTimer(String format) {
        Objects.requireNonNull(format, "format");
        return renderTimers.computeIfAbsent(
                format,
                f -> latencyTimer(
                        MetricNames.RENDER_DURATION, "Render execution time", Tags.of(MetricNames.TAG_FORMAT, f)));
    }

    /** The timer of how long renders waited in the queue before starting. */
    public Timer renderQueueWaitTimer() {
        return renderQueueWait;
    }

    /** Counts one render refused before it ran, e.g. reason {@code queue_full} or {@code deadline}. */
    public void renderRejected(String reason) {
        Objects.requireNonNull(reason, "reason");
        rejections
                .computeIfAbsent(reason, r -> Counter.builder(MetricNames.RENDER_REJECTIONS)
                        .description("Renders refused before they ran")
                        .tag(MetricNames.TAG_REASON, r)
                        .register(registry))
                .increment();
    }

    /**
     * A counter named in {@link MetricNames}, with tags given as key, value pairs.
     *
     * @throws IllegalArgumentException for an unknown name or an odd number of tag strings
     */
    public Counter counter(String name, String... tags) {
        return Counter.builder(known(name)).tags(tags(tags)).register(registry);
    }

    /**
     * A latency timer named in {@link MetricNames} with the same percentile histogram as HTTP requests.
     *
     * @throws IllegalArgumentException for an unknown name or an odd number of tag strings
     */
    public Timer timer(String name, String... tags) {
        return latencyTimer(known(name), null, tags(tags));
    }

    /**
     * Publishes {@code value} as a gauge named in {@link MetricNames}; it is read at every scrape. Registering a
     * name and tag set again keeps the first supplier.
     *
     * @throws IllegalArgumentException for an unknown name or an odd number of tag strings
     */
    public void gauge(String name, Supplier<Number> value, String... tags) {
        Objects.requireNonNull(value, "value");
        // Strong reference: the supplier is often a lambda that nothing else holds, and a weak one would be collected.
        Gauge.builder(known(name), value).tags(tags(tags)).strongReference(true).register(registry);
    }

    /** Unbinds the GC listeners and closes the registry. */
    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }

    private Timer latencyTimer(String name, String description, Tags tags) {
        return Timer.builder(name)
                .description(description)
                .tags(tags)
                .publishPercentileHistogram()
                .serviceLevelObjectives(LATENCY_SLOS)
                .minimumExpectedValue(MIN_EXPECTED_LATENCY)
                .maximumExpectedValue(MAX_EXPECTED_LATENCY)
                .register(registry);
    }

    private static String known(String name) {
        if (!MetricNames.all().contains(name)) {
            throw new IllegalArgumentException("unknown metric name '" + name + "': declare it in MetricNames");
        }
        return name;
    }

    private static Tags tags(String... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("tags must be key, value pairs, got " + keyValues.length + " strings");
        }
        return Tags.of(keyValues);
    }

    private record HttpKey(String method, String route, String statusClass) {}
}
