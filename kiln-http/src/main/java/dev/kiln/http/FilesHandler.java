package dev.kiln.http;

import dev.kiln.storage.BlobKey;
import dev.kiln.storage.BlobStore;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code GET /v1/files/{key}}: a stored output, to its owner only (another user's key is 404, like a missing one).
 * Keys are content hashes, so the bytes behind one never change: served {@code public, immutable} for a year with
 * the hash as ETag ({@code If-None-Match} → 304), and with single byte ranges (206, 416) for video players.
 */
final class FilesHandler {
    static final String IMMUTABLE = "public, max-age=31536000, immutable";

    private final BlobStore store;
    private final FileAccess access;

    FilesHandler(BlobStore store, FileAccess access) {
        this.store = Objects.requireNonNull(store, "store");
        this.access = Objects.requireNonNull(access, "access");
    }

    void get(ServerRequest req, ServerResponse res) {
        String raw = req.path().pathParameters().first("key").orElse("");
        Optional<BlobKey> key = BlobKey.parse(raw);
        Optional<String> type = key.flatMap(k -> access.contentType(Api.userId(), k.toString()));
        Optional<Long> size;
        try {
            size = type.isEmpty() ? Optional.empty() : store.size(key.get());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (size.isEmpty()) {
            throw ProblemException.of(ProblemType.NOT_FOUND, "no file '" + abbreviate(raw) + "'");
        }
        BlobKey k = key.get();
        res.header(HeaderNames.CACHE_CONTROL, IMMUTABLE);
        res.header(HeaderNames.ETAG, k.etag());
        res.header(HeaderNames.ACCEPT_RANGES, "bytes");
        res.header(HeaderNames.CONTENT_TYPE, type.get());
        if (GenerationHandlers.matches(req.headers().first(HeaderNames.IF_NONE_MATCH), k.etag())) {
            res.status(Status.NOT_MODIFIED_304).send();
            return;
        }
        long total = size.get();
        ByteRange.Request range =
                ByteRange.parse(req.headers().first(HeaderNames.RANGE).orElse(null), total);
        switch (range) {
            case ByteRange.Whole w -> stream(res, k, 0, total);
            case ByteRange.Partial p -> {
                res.status(Status.PARTIAL_CONTENT_206);
                res.header(
                        HeaderNames.CONTENT_RANGE,
                        "bytes " + p.range().start() + "-" + p.range().end() + "/" + total);
                stream(res, k, p.range().start(), p.range().length());
            }
            case ByteRange.Unsatisfiable u -> {
                res.header(HeaderNames.CONTENT_RANGE, "bytes */" + total);
                throw new ProblemException(
                        ProblemType.RANGE_NOT_SATISFIABLE,
                        "the file has " + total + " bytes",
                        List.of(),
                        java.util.Map.of("Content-Range", "bytes */" + total));
            }
        }
    }

    private void stream(ServerResponse res, BlobKey key, long offset, long length) {
        res.header(HeaderNames.CONTENT_LENGTH, Long.toString(length));
        try (InputStream in = store.open(key, offset, length);
                OutputStream out = res.outputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
