package dev.kiln.http;

import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** Per-request values (request id, caller), bound with scoped values for the request's thread. */
final class RequestContext {
    static final ScopedValue<String> REQUEST_ID = ScopedValue.newInstance();
    static final ScopedValue<Caller> CALLER = ScopedValue.newInstance();
    static final ScopedValue<Boolean> ACCEPTS_GZIP = ScopedValue.newInstance();

    /** A client-supplied id is echoed only when it is short and plain, so it is safe in logs and headers. */
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._\\-]{1,64}");

    private RequestContext() {}

    static String currentRequestId() {
        return REQUEST_ID.isBound() ? REQUEST_ID.get() : null;
    }

    static boolean acceptsGzip() {
        return ACCEPTS_GZIP.isBound() && ACCEPTS_GZIP.get();
    }

    /** True when an {@code Accept-Encoding} value lists gzip without {@code q=0}. */
    static boolean gzipAccepted(Optional<String> acceptEncoding) {
        if (acceptEncoding.isEmpty()) {
            return false;
        }
        for (String part : acceptEncoding.get().split(",")) {
            String p = part.strip().toLowerCase(java.util.Locale.ROOT);
            if (p.equals("gzip")
                    || (p.startsWith("gzip;") && !p.replace(" ", "").endsWith("q=0"))) {
                return true;
            }
        }
        return false;
    }

    static Optional<Caller> caller() {
        return CALLER.isBound() ? Optional.of(CALLER.get()) : Optional.empty();
    }

    /** Uses the client's {@code X-Request-Id} when safe, else makes a 16-hex-digit id. */
    static String requestIdFrom(Optional<String> header) {
        if (header.isPresent() && SAFE_ID.matcher(header.get()).matches()) {
            return header.get();
        }
        return String.format("%016x", ThreadLocalRandom.current().nextLong());
    }
}
