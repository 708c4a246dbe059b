package dev.kiln.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

/**
 * Sends JSON bodies, gzip-compressed when the client accepts it. Helidon's gzip encoder is not published
 * for 4.5 on Maven Central, and compressing whole in-memory JSON bodies needs no streaming anyway.
 */
final class JsonResponses {
    /** Below this size gzip's header costs more than it saves. */
    static final int MIN_GZIP_BYTES = 256;

    private JsonResponses() {}

    static void send(ServerResponse res, String contentType, byte[] body) {
        res.header(HeaderNames.CONTENT_TYPE, contentType);
        res.header(HeaderNames.VARY, "Accept-Encoding");
        if (body.length >= MIN_GZIP_BYTES && RequestContext.acceptsGzip()) {
            res.header(HeaderNames.CONTENT_ENCODING, "gzip");
            res.send(gzip(body));
        } else {
            res.send(body);
        }
    }

    /** A cached body: its gzip form is compressed once per cached value, then reused. */
    static void send(ServerResponse res, String contentType, CachedJson body) {
        res.header(HeaderNames.CONTENT_TYPE, contentType);
        res.header(HeaderNames.VARY, "Accept-Encoding");
        if (body.json().length >= MIN_GZIP_BYTES && RequestContext.acceptsGzip()) {
            res.header(HeaderNames.CONTENT_ENCODING, "gzip");
            res.send(body.gzip());
        } else {
            res.send(body.json());
        }
    }

    static byte[] gzip(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 4 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
