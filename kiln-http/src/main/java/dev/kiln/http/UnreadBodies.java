package dev.kiln.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and discards the body of a request that was answered before its body was read (an early 429, a 401, a
 * 415), so that the answer always reaches the client.
 *
 * <p>Closing a socket with unread bytes in its receive buffer makes the kernel send a reset instead of a FIN; the
 * reset can destroy the answer still in flight, and a client that is still uploading sees "broken pipe" or
 * "connection reset" and usually never reads the answer at all. Helidon drains an unread body itself on a
 * keep-alive connection, but not when the client asked for {@code Connection: close}: then it closes at once. So
 * the filter drains here, after the answer is written (the 429 is never delayed by the upload), for every
 * request. The amount is bounded by the body cap ({@code KILN_MAX_BODY_BYTES}), which Helidon enforces on any
 * body anyway; past it the connection is closed and a reset is possible, as for any body over the cap.
 */
final class UnreadBodies {
    private static final Logger LOG = LoggerFactory.getLogger(UnreadBodies.class);

    private UnreadBodies() {}

    /** Drains what is left of {@code req}'s body, at most {@code limit} bytes; returns the bytes discarded. */
    static long drain(ServerRequest req, long limit) {
        if (!req.content().hasEntity() || req.content().consumed()) {
            return 0;
        }
        // A client that sent Expect: 100-continue and got a final answer instead of 100 does not send the body;
        // waiting for it would hold the connection until the client gives up.
        if (req.headers().contains(HeaderValues.EXPECT_100)) {
            return 0;
        }
        long total = 0;
        try (InputStream in = req.content().inputStream()) {
            byte[] buf = new byte[16 * 1024];
            int n;
            while (total <= limit && (n = in.read(buf)) > 0) {
                total += n;
            }
        } catch (IOException | RuntimeException e) {
            // The client went away or sent more than the cap: nothing left to protect.
            LOG.debug(
                    "could not drain the unread body of {} {} after {} bytes: {}",
                    req.prologue().method().text(),
                    req.path().path(),
                    total,
                    e.toString());
        }
        if (total > 0) {
            LOG.debug(
                    "drained {} unread body bytes of {} {} (Connection: {})",
                    total,
                    req.prologue().method().text(),
                    req.path().path(),
                    req.headers().first(HeaderNames.CONNECTION).orElse("keep-alive"));
        }
        return total;
    }
}
