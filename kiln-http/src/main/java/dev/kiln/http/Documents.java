package dev.kiln.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.render.PreparedRender;
import dev.kiln.render.RenderCancelledException;
import dev.kiln.render.Renderer;
import dev.kiln.render.image.AssetReferences;
import dev.kiln.renderpool.Ticker;
import dev.kiln.video.PreparedVideo;
import dev.kiln.video.VideoLimits;
import dev.kiln.video.VideoRequests;
import java.time.Duration;

/**
 * Validates a stored or submitted document with the render engine's own {@code prepare}, so what the platform keeps
 * is exactly what a render accepts; violations come back as 422s with pointers into {@code {document, output}}.
 */
final class Documents {
    private final Renderer renderer;
    private final Duration budget;
    private final Ticker ticker;
    /** The caller's asset lookup for {@code asset:<id>} sources; null when uploads are not served. */
    private final java.util.function.LongFunction<AssetReferences.Lookup> assets;

    /** Where parsing runs: off the request's carrier thread (see {@link CpuOffload}). */
    private final CpuOffload offload;

    Documents(
            Renderer renderer,
            Duration budget,
            Ticker ticker,
            java.util.function.LongFunction<AssetReferences.Lookup> assets,
            CpuOffload offload) {
        this.offload = offload;
        this.renderer = renderer;
        this.budget = budget;
        this.ticker = ticker;
        this.assets = assets;
    }

    /** The render request {@code {document, output}} (output omitted when null). */
    static ObjectNode request(JsonNode document, JsonNode output) {
        ObjectNode request = Api.MAPPER.createObjectNode();
        request.set("document", document);
        if (output != null) {
            request.set("output", output);
        }
        return request;
    }

    /** Validates a video request within the request budget: 422 when invalid or over a cap, 504 when parsing overruns. */
    PreparedVideo prepareVideo(ObjectNode request, VideoLimits limits) {
        long deadline = ticker.nanos() + budget.toNanos();
        try {
            return offload.call(
                    () -> VideoRequests.prepare(renderer, request, limits, () -> ticker.nanos() - deadline >= 0));
        } catch (RenderCancelledException e) {
            throw ProblemException.of(
                    ProblemType.DEADLINE_EXCEEDED,
                    "validating the document took longer than its " + budget.toMillis() + " ms budget");
        }
    }

    /** Prepares {@code request} within the request budget: 422 when invalid, 504 when parsing overruns. */
    PreparedRender prepare(ObjectNode request) {
        long deadline = ticker.nanos() + budget.toNanos();
        try {
            // A hostile document can make parsing as costly as drawing; the budget bounds it here too.
            // asset:<id> sources become the caller's bytes in a copy; another user's id is a 422 at its src.
            JsonNode resolved = assets == null ? request : AssetReferences.resolve(request, assets.apply(Api.userId()));
            return offload.call(() -> renderer.prepare(resolved, () -> ticker.nanos() - deadline >= 0));
        } catch (RenderCancelledException e) {
            throw ProblemException.of(
                    ProblemType.DEADLINE_EXCEEDED,
                    "validating the document took longer than its " + budget.toMillis() + " ms budget");
        }
    }
}
