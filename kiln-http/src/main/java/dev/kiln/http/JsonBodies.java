package dev.kiln.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.render.Violation;
import io.helidon.webserver.http.ServerRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;

/** Reads request bodies with hard caps on size, depth, string and number length. */
final class JsonBodies {
    /**
     * Most JSON tokens in one body. A 16 MiB body of tiny objects would otherwise become a tree of
     * several hundred MiB; 2 M tokens covers a 10 MiB Lottie.
     */
    static final long MAX_TOKENS = 2_000_000;

    /**
     * Bodies being read and parsed at once may hold at most this many KiB, and at most a quarter of the max heap
     * ({@link #budgetKiBFor}). Parsing happens before admission, on unbounded virtual threads, so without this
     * budget a burst of large uploads could exhaust the heap; past it a request gets 429 at once.
     */
    static final int BODY_BUDGET_KIB = 256 * 1024;

    /** Share of the max heap that bodies being parsed may hold: the render budget takes half (KilnConfig). */
    static final double BODY_HEAP_SHARE = 0.25;

    /**
     * A parsed tree weighs several times its JSON text (a body of tiny objects, ~8×); each body is charged
     * this multiple of its declared size, so the budget bounds heap rather than wire bytes.
     */
    static final int TREE_WEIGHT = 8;

    private final int budgetTotalKiB = budgetKiBFor(Runtime.getRuntime().maxMemory());
    private final Semaphore budgetKiB = new Semaphore(budgetTotalKiB);
    private final ObjectMapper mapper;
    private final long maxBodyBytes;

    JsonBodies(HttpConfig config) {
        this.maxBodyBytes = config.maxBodyBytes();
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(config.maxJsonDepth())
                        .maxStringLength(config.maxJsonStringLength())
                        .maxNumberLength(config.maxJsonNumberLength())
                        .maxNameLength(1024)
                        .maxDocumentLength(config.maxBodyBytes())
                        .maxTokenCount(MAX_TOKENS)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.mapper = new ObjectMapper(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .disable(JsonParser.Feature.ALLOW_COMMENTS);
    }

    /** The body budget for a heap of {@code maxHeapBytes}: a quarter of it, at most {@link #BODY_BUDGET_KIB}. */
    static int budgetKiBFor(long maxHeapBytes) {
        return (int) Math.max(1024, Math.min(BODY_BUDGET_KIB, (long) (maxHeapBytes * BODY_HEAP_SHARE) / 1024));
    }

    /** Reads and parses a JSON body; 413/415/400 problems on violation. */
    JsonNode read(ServerRequest req) {
        requireJson(req);
        long declared = req.headers().contentLength().orElse(maxBodyBytes);
        if (declared > maxBodyBytes) {
            throw tooLarge();
        }
        // Clamped, so that a body cap above the budget cannot make every large request wait for more than exists.
        int kib = (int) Math.min(budgetTotalKiB, Math.max(1, (declared * TREE_WEIGHT + 1023) / 1024));
        if (!budgetKiB.tryAcquire(kib)) {
            throw new ProblemException(
                    ProblemType.OVERLOADED,
                    "too many large request bodies are being read at once; retry shortly",
                    List.of(),
                    java.util.Map.of("Retry-After", "1"));
        }
        try {
            return parse(req);
        } finally {
            budgetKiB.release(kib);
        }
    }

    private JsonNode parse(ServerRequest req) {
        byte[] body = readCapped(req);
        if (body.length == 0) {
            throw ProblemException.invalid(
                    400,
                    "the request body is empty; send a JSON object",
                    List.of(new Violation("", "required: a JSON object")));
        }
        try {
            return mapper.readTree(body);
        } catch (StreamConstraintsException e) {
            throw ProblemException.invalid(
                    400,
                    "the JSON body exceeds a limit: " + firstLine(e.getOriginalMessage()),
                    List.of(new Violation("", firstLine(e.getOriginalMessage()))));
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null
                    ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr();
            throw ProblemException.invalid(
                    400,
                    "malformed JSON" + where + ": " + firstLine(e.getOriginalMessage()),
                    List.of(new Violation("", "malformed JSON" + where)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void requireJson(ServerRequest req) {
        var ct = req.headers().contentType();
        if (ct.isEmpty()) {
            throw ProblemException.of(
                    ProblemType.UNSUPPORTED_MEDIA_TYPE, "send the body with Content-Type: application/json");
        }
        String media = ct.get().mediaType().text().toLowerCase(Locale.ROOT);
        if (!media.equals("application/json") && !media.endsWith("+json")) {
            throw ProblemException.of(
                    ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Type " + media + " is not supported; send application/json");
        }
    }

    private byte[] readCapped(ServerRequest req) {
        try (InputStream in = req.content().inputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
            byte[] buf = new byte[16 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > maxBodyBytes) {
                    throw tooLarge();
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ProblemException tooLarge() {
        return ProblemException.of(
                ProblemType.PAYLOAD_TOO_LARGE,
                "the request body exceeds the " + maxBodyBytes + "-byte cap (KILN_MAX_BODY_BYTES)");
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
