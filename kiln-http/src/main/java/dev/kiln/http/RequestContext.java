package dev.kiln.http;

import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** Per-request values (request id, caller), bound with scoped values for the request's thread. */
final class RequestContext {
    static final ScopedValue<String> REQUEST_ID = ScopedValue.newInstance();
    static final ScopedValue<Caller> CALLER = ScopedValue.newInstance();
    static final ScopedValue<Boolean> ACCEPTS_GZIP = ScopedValue.newInstance();
    /** True for the server's own warm-up requests ({@link HttpWarmUp}). */
    static final ScopedValue<Boolean> WARM_UP = ScopedValue.newInstance();

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
        // RFC 9110 §12.5.3: gzip (or x-gzip) with a non-zero weight, or * when gzip is not named at all.
        boolean named = false;
        boolean star = false;
        for (String part : acceptEncoding.get().split(",")) {
            String[] p = part.strip().toLowerCase(java.util.Locale.ROOT).split(";");
            String coding = p[0].strip();
            boolean accepted = weight(p) > 0;
            if (coding.equals("gzip") || coding.equals("x-gzip")) {
                if (accepted) {
                    return true;
                }
                named = true;
            } else if (coding.equals("*")) {
                star = accepted;
            }
        }
        return star && !named;
    }

    /** The {@code q} weight of an Accept-Encoding element split at {@code ;}; 1 when absent, 0 when malformed. */
    private static double weight(String[] element) {
        for (int i = 1; i < element.length; i++) {
            String param = element[i].strip();
            if (param.startsWith("q=")) {
                try {
                    return Double.parseDouble(param.substring(2).strip());
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }

    static boolean warmUp() {
        return WARM_UP.isBound() && WARM_UP.get();
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
