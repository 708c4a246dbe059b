package dev.kiln.http;

import dev.kiln.platform.DatabaseUnavailableException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.MDC;

/**
 * Runs around every request: assigns the request id, authenticates {@code /v1}, turns exceptions into
 * problem bodies, and records the per-route latency histogram.
 */
final class KilnFilter implements Filter {
    static final String REQUEST_ID_HEADER = "X-Request-Id";
    /** Unmatched requests share one label, so hostile paths cannot explode the metric's cardinality. */
    static final String UNMATCHED_ROUTE = "unmatched";

    private static final io.helidon.http.HeaderName WARM_UP_HEADER = HeaderNames.create(HttpWarmUp.HEADER);

    private final Authenticator authenticator;
    private final HttpMetrics metrics;
    private final long maxBodyBytes;
    private final RateLimits rateLimits;
    private final HttpWarmUp warmUp;

    KilnFilter(
            Authenticator authenticator,
            HttpMetrics metrics,
            long maxBodyBytes,
            RateLimits rateLimits,
            HttpWarmUp warmUp) {
        this.warmUp = warmUp;
        this.authenticator = authenticator;
        this.metrics = metrics;
        this.maxBodyBytes = maxBodyBytes;
        this.rateLimits = rateLimits;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long start = System.nanoTime();
        String requestId = RequestContext.requestIdFrom(req.headers().first(HeaderNames.create(REQUEST_ID_HEADER)));
        res.header(REQUEST_ID_HEADER, requestId);
        MDC.put("requestId", requestId);
        // The server's own warm-up (HttpWarmUp) takes the render route's path without a key and leaves no metric.
        boolean warming = req.prologue().method() == Method.POST
                && req.path().path().equals("/v1/renders")
                && warmUp.isWarmUp(req.headers().first(WARM_UP_HEADER));
        try {
            boolean gzip = RequestContext.gzipAccepted(req.headers().first(HeaderNames.ACCEPT_ENCODING));
            ScopedValue.where(RequestContext.REQUEST_ID, requestId)
                    .where(RequestContext.ACCEPTS_GZIP, gzip)
                    .where(RequestContext.WARM_UP, warming)
                    .run(() -> authenticateAndProceed(chain, req, res, warming));
        } finally {
            if (!warming) {
                String route = req.matchingPattern().orElse(UNMATCHED_ROUTE);
                int status = res.status().code();
                metrics.requestServed(
                        req.prologue().method().text(), route, status, Duration.ofNanos(System.nanoTime() - start));
            }
            // The answer is written (and timed); an unread body must not turn the close into a reset that
            // destroys it on its way to the client.
            UnreadBodies.drain(req, maxBodyBytes);
            MDC.remove("requestId");
        }
    }

    private void authenticateAndProceed(FilterChain chain, RoutingRequest req, RoutingResponse res, boolean warming) {
        try {
            String path = req.path().path();
            if (warming) {
                chain.proceed();
            } else if (needsKey(path)) {
                Caller caller = authenticate(req);
                rateLimits.check(caller, res);
                ScopedValue.where(RequestContext.CALLER, caller).run(chain::proceed);
            } else {
                chain.proceed();
            }
        } catch (ProblemException p) {
            if (!res.isSent()) {
                Problems.send(res, p);
            }
        } catch (DatabaseUnavailableException e) {
            if (!res.isSent()) {
                KilnServer.databaseUnavailable(req, res, e); // the key lookup found no free connection: 503, not 500
            }
        } catch (RuntimeException e) {
            if (!res.isSent()) {
                KilnServer.unexpected(req, res, e);
            }
        }
    }

    /** Every {@code /v1} route needs a key, except the scene schema, which is documentation. */
    static boolean needsKey(String path) {
        return (path.equals("/v1") || path.startsWith("/v1/")) && !path.startsWith("/v1/schema/");
    }

    private Caller authenticate(RoutingRequest req) {
        Optional<String> header = req.headers().first(HeaderNames.AUTHORIZATION);
        if (header.isEmpty()) {
            throw unauthorized("send an API key as 'Authorization: Bearer <key>' (create one with ./kiln keys create)");
        }
        String value = header.get().strip();
        if (value.length() < 8 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw unauthorized("the Authorization header must use the Bearer scheme");
        }
        return authenticator
                .authenticate(value.substring(7).strip())
                .orElseThrow(() -> unauthorized("the API key is not valid or has been revoked"));
    }

    private static ProblemException unauthorized(String detail) {
        return new ProblemException(
                ProblemType.UNAUTHORIZED,
                detail,
                List.of(),
                java.util.Map.of("WWW-Authenticate", "Bearer realm=\"kiln\""));
    }
}
