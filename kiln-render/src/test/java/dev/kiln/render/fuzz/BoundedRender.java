package dev.kiln.render.fuzz;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.render.CancellationSignal;
import dev.kiln.render.InvalidDocumentException;
import dev.kiln.render.PreparedRender;
import dev.kiln.render.RenderCancelledException;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Runs one prepare + render on its own daemon thread under a deadline and classifies the end: a 4xx
 * ({@link InvalidDocumentException}) or the documented cancellation are fine; any other throwable is rethrown
 * (a 500 in the service), and a render still running {@link #SLACK} after its deadline is a hang, reported with
 * the stuck thread's top frames. The stuck thread is left behind: JSVG does not poll for interruption.
 */
final class BoundedRender {
    /** Per-input deadline, the one the render's {@link CancellationSignal} fires at. */
    static final Duration BUDGET = Duration.ofSeconds(2);
    /**
     * How long after the deadline a render may take to notice it before it counts as a hang. A hang never ends, so
     * the slack only has to exceed what a loaded shared 2-core machine adds to a render that does end (issue 10:
     * 1 s was within reach of that); how soon cancellation lands is a benchmark figure (BENCHMARKS.md).
     */
    static final Duration SLACK = Duration.ofSeconds(4);

    static final RenderEngine ENGINE = RenderEngine.create(RenderLimits.defaults());

    /** The HTTP layer's JSON caps (docs/limits.md), so inputs are ones the service would hand the engine. */
    static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(64)
                    .maxStringLength(12 * 1024 * 1024)
                    .maxNumberLength(64)
                    .build())
            .build());

    /** How an input ended, for tests that want to assert more than "no finding". */
    enum End {
        RENDERED,
        REJECTED,
        CANCELLED
    }

    static {
        // Pay class loading, Skia's native library and font set-up once, outside any input's time limit: the
        // first render in a JVM takes up to 2 s on the shared host, which is not the input's doing.
        String svg = "<svg xmlns='http://www.w3.org/2000/svg' width='8' height='8'><text y='6'>k</text></svg>";
        ObjectNode warmSvg = JSON.createObjectNode();
        warmSvg.putObject("document").put("type", "svg").put("svg", svg);
        ObjectNode warmScene = JSON.createObjectNode();
        warmScene
                .putObject("document")
                .put("type", "scene")
                .put("width", 8)
                .put("height", 8)
                .putArray("layers")
                .addObject()
                .put("type", "text")
                .put("x", 0)
                .put("y", 0)
                .put("width", 8)
                .put("text", "k");
        ObjectNode warmLottie = JSON.createObjectNode();
        warmLottie
                .putObject("document")
                .put("type", "lottie")
                .putObject("animation")
                .put("v", "5.7.0")
                .put("fr", 30)
                .put("ip", 0)
                .put("op", 1)
                .put("w", 8)
                .put("h", 8)
                .putArray("layers");
        for (ObjectNode warm : new ObjectNode[] {warmSvg, warmScene, warmLottie}) {
            ENGINE.render(ENGINE.prepare(warm), CancellationSignal.NONE);
        }
    }

    private BoundedRender() {}

    /** Parses a JSON input as the HTTP layer would; null when it is not JSON (a 400 before the engine). */
    static JsonNode jsonOrNull(byte[] data) {
        try {
            return JSON.readTree(data);
        } catch (java.io.IOException e) { // JsonProcessingException, and CharConversionException for bad UTF-32
            return null;
        }
    }

    /** Prepares and renders {@code request} with {@link #BUDGET}; throws on a hang or an unexpected throwable. */
    static End check(JsonNode request) {
        return check(request, BUDGET);
    }

    static End check(JsonNode request, Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        CancellationSignal cancel = () -> System.nanoTime() - deadline > 0;
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread worker = Thread.ofPlatform().daemon().name("bounded-render").unstarted(() -> {
            try {
                PreparedRender prepared = ENGINE.prepare(request);
                ENGINE.render(prepared, cancel);
                outcome.set(End.RENDERED);
            } catch (InvalidDocumentException e) {
                outcome.set(End.REJECTED);
            } catch (RenderCancelledException e) {
                outcome.set(End.CANCELLED);
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        worker.start();
        try {
            worker.join(budget.plus(SLACK));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the render", e);
        }
        if (worker.isAlive()) {
            StackTraceElement[] stack = worker.getStackTrace();
            worker.interrupt();
            AssertionError hang = new AssertionError(
                    "hang: render still running " + budget.plus(SLACK).toMillis()
                            + " ms after it started (deadline " + budget.toMillis() + " ms); stuck in "
                            + Arrays.stream(stack)
                                    .limit(6)
                                    .map(StackTraceElement::toString)
                                    .collect(Collectors.joining(" < ")));
            hang.setStackTrace(stack);
            throw hang;
        }
        Object end = outcome.get();
        if (end instanceof End e) {
            return e;
        }
        Throwable t = (Throwable) end;
        if (t instanceof Error error) {
            throw error;
        }
        throw new AssertionError("unexpected " + t.getClass().getName() + " (a 500): " + t.getMessage(), t);
    }
}
