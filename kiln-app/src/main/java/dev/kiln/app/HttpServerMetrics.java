package dev.kiln.app;

import dev.kiln.http.HttpMetrics;
import dev.kiln.ops.MetricNames;
import dev.kiln.ops.Metrics;
import java.time.Duration;
import java.util.function.IntSupplier;

/** The HTTP layer's figures in {@code /metrics}: kiln-http's {@link HttpMetrics} seam recorded through kiln-ops. */
final class HttpServerMetrics implements HttpMetrics {
    private final Metrics metrics;

    HttpServerMetrics(Metrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void requestServed(String method, String route, int status, Duration elapsed) {
        metrics.httpTimer(method, route, status).record(elapsed);
    }

    @Override
    public void renderExecuted(String format, Duration elapsed) {
        metrics.renderTimer(format).record(elapsed);
    }

    @Override
    public void renderRejected(String reason) {
        metrics.renderRejected(reason);
    }

    @Override
    public void rateLimited(String enforcer) {
        metrics.counter(MetricNames.RATE_LIMITED, MetricNames.TAG_ENFORCER, enforcer)
                .increment();
    }

    @Override
    public void eventStreamsOpen(IntSupplier open) {
        metrics.gauge(MetricNames.EVENT_STREAMS_OPEN, open::getAsInt);
    }

    @Override
    public String scrape() {
        return metrics.scrape();
    }
}
