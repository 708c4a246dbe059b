package dev.kiln.http;

import java.time.Duration;
import java.util.function.IntSupplier;

/**
 * What the HTTP layer measures, in its own terms: the one seam between kiln-http and a metrics library (the way
 * HikariCP's {@code IMetricsTracker} keeps its pool free of Micrometer). kiln-app implements it on kiln-ops.
 * Implementations are thread-safe and cheap: every request calls {@link #requestServed}.
 */
public interface HttpMetrics {

    /** One answered request: its method, route template ({@code /v1/scenes/{id}}, never the raw path) and status. */
    void requestServed(String method, String route, int status, Duration elapsed);

    /** One render that ran on the pool, from draw to encoded bytes, for an output format such as {@code png}. */
    void renderExecuted(String format, Duration elapsed);

    /** One render refused before it ran, by the wire name of its reason ({@code queue_full}, {@code deadline}). */
    void renderRejected(String reason);

    /** One request refused by a rate limit, by the enforcer that refused it ({@code redis} or {@code local}). */
    void rateLimited(String enforcer);

    /** Publishes the number of open event streams, read at every scrape. */
    void eventStreamsOpen(IntSupplier open);

    /** The {@code /metrics} answer: everything registered, in Prometheus text exposition format 0.0.4. */
    String scrape();
}
