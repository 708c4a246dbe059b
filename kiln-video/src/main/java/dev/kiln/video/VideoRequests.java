package dev.kiln.video;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.render.CancellationSignal;
import dev.kiln.render.InvalidDocumentException;
import dev.kiln.render.OutputFormat;
import dev.kiln.render.OutputSpec;
import dev.kiln.render.PreparedRender;
import dev.kiln.render.Renderer;
import dev.kiln.render.Violation;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Validates a video request {@code {document, output}} whose {@code output.format} is a video format, at submit time
 * and again in the worker, so that every cap answers a 422 with a pointer before anything is queued or paid.
 *
 * <p>Output fields: {@code format}; {@code width}/{@code height} (scale, as for a still); {@code fps} (1–60, default
 * the document's, at most 60); {@code startMs} and {@code durationMs}, or {@code startFrame} and {@code endFrame}
 * (output frames, end exclusive); {@code quality} (1–100); {@code crf} (0–51, MP4 only). See docs/video.md.
 */
public final class VideoRequests {
    private static final Set<String> FIELDS = Set.of(
            "format", "width", "height", "fps", "startMs", "durationMs", "startFrame", "endFrame", "quality", "crf");
    /** Document time may overrun by this much (rounding of frame counts) before a range is refused. */
    private static final double SLACK_MS = 0.5;

    private VideoRequests() {}

    /** Whether {@code request}'s {@code output.format} names a video format. */
    public static boolean isVideo(JsonNode request) {
        JsonNode f = request == null ? null : request.path("output").get("format");
        return f != null
                && f.isTextual()
                && VideoFormat.fromWireName(f.textValue()).isPresent();
    }

    /**
     * Validates {@code request} against {@code limits}; the document is prepared by {@code renderer} at the requested
     * size, so every document cap applies too.
     *
     * @throws InvalidDocumentException with one pointer per problem
     */
    public static PreparedVideo prepare(
            Renderer renderer, JsonNode request, VideoLimits limits, CancellationSignal cancel) {
        JsonNode output = request.path("output");
        List<Violation> v = new ArrayList<>();
        VideoFormat format = VideoFormat.fromWireName(output.path("format").asText(""))
                .orElseThrow(() -> InvalidDocumentException.of("/output/format", "must be mp4, webp-animated or gif"));
        for (Iterator<String> it = output.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!FIELDS.contains(name)) {
                v.add(new Violation("/output/" + name, "unknown field; a video output takes " + sorted(FIELDS)));
            }
        }
        // The document, scaled as a still of the same size would be: every document and size cap applies.
        ObjectNode still = JsonNodeFactory.instance.objectNode();
        still.set("document", request.get("document"));
        ObjectNode stillOut = still.putObject("output").put("format", "png");
        copyIfPresent(output, stillOut, "width");
        copyIfPresent(output, stillOut, "height");
        PreparedRender prepared = renderer.prepare(still, cancel);
        var doc = prepared.document();
        if (doc.frameCount() <= 1 || doc.fps() <= 0) {
            throw InvalidDocumentException.of(
                    "/output/format",
                    format.wireName() + " needs an animated document: a scene with a duration, or a Lottie animation");
        }
        double docMs = doc.frameCount() * 1000.0 / doc.fps();
        int width = prepared.output().width();
        int height = prepared.output().height();
        if (format == VideoFormat.MP4) {
            // yuv420p subsamples chroma 2×2, so H.264 frames have even sizes: rounded down, said in docs/video.md.
            width &= ~1;
            height &= ~1;
            if (width < 2 || height < 2) {
                v.add(new Violation("/output", "an MP4 needs at least 2×2 pixels"));
            }
        }
        double fps = Math.min(doc.fps(), limits.maxFps());
        JsonNode f = output.get("fps");
        if (f != null && !f.isNull()) {
            if (!f.isNumber() || f.doubleValue() < 1 || f.doubleValue() > limits.maxFps()) {
                v.add(new Violation("/output/fps", "must be a number from 1 to " + limits.maxFps()));
            } else {
                fps = f.doubleValue();
            }
        }
        boolean byTime = output.has("startMs") || output.has("durationMs");
        boolean byFrame = output.has("startFrame") || output.has("endFrame");
        double startMs = 0;
        int frames = 0;
        double maxMs = limits.maxDuration().toMillis();
        if (byTime && byFrame) {
            v.add(new Violation(
                    "/output/startFrame", "give either startMs/durationMs or startFrame/endFrame, not both"));
        } else if (byFrame) {
            Optional<Long> start = integer(output, "startFrame", 0, Integer.MAX_VALUE, v);
            Optional<Long> end = integer(output, "endFrame", 1, Integer.MAX_VALUE, v);
            long s = start.orElse(0L);
            long e = end.orElse((long) Math.floor((docMs + SLACK_MS) * fps / 1000.0));
            startMs = s * 1000.0 / fps;
            if (e <= s) {
                v.add(new Violation("/output/endFrame", "must be greater than startFrame (" + s + ")"));
            } else if (e * 1000.0 / fps > docMs + SLACK_MS) {
                v.add(new Violation(
                        "/output/endFrame",
                        "frame " + e + " at " + fmt(fps) + " fps is past the document's end (" + fmt(docMs) + " ms)"));
            } else if ((e - s) > limits.maxFrames()) {
                v.add(new Violation("/output/endFrame", "at most " + limits.maxFrames() + " frames per video"));
            } else {
                frames = (int) (e - s);
            }
        } else {
            JsonNode s = output.get("startMs");
            if (s != null && !s.isNull()) {
                if (!s.isNumber() || s.doubleValue() < 0 || s.doubleValue() >= docMs) {
                    v.add(new Violation(
                            "/output/startMs",
                            "must be a number from 0 to below the document's " + fmt(docMs) + " ms"));
                } else {
                    startMs = s.doubleValue();
                }
            }
            double durationMs = docMs - startMs;
            JsonNode d = output.get("durationMs");
            if (d != null && !d.isNull()) {
                if (!d.isNumber() || d.doubleValue() <= 0) {
                    v.add(new Violation("/output/durationMs", "must be a positive number of milliseconds"));
                } else if (d.doubleValue() > maxMs) {
                    v.add(new Violation(
                            "/output/durationMs", "at most " + fmt(maxMs) + " ms (" + fmt(maxMs / 1000) + " s)"));
                } else if (startMs + d.doubleValue() > docMs + SLACK_MS) {
                    v.add(new Violation(
                            "/output/durationMs",
                            "startMs + durationMs (" + fmt(startMs + d.doubleValue())
                                    + " ms) is past the document's end (" + fmt(docMs) + " ms)"));
                } else {
                    durationMs = d.doubleValue();
                }
            } else if (durationMs > maxMs) {
                v.add(new Violation(
                        "/output/durationMs",
                        "the document lasts " + fmt(docMs) + " ms; at most " + fmt(maxMs)
                                + " ms make one video: give a shorter durationMs"));
            }
            frames = (int) Math.max(1, Math.round(durationMs * fps / 1000.0));
            if (frames > limits.maxFrames()) {
                v.add(new Violation(
                        f != null ? "/output/fps" : "/output/durationMs",
                        fmt(durationMs) + " ms at " + fmt(fps) + " fps is " + frames + " frames; at most "
                                + limits.maxFrames()));
            }
        }
        int quality = (int) integer(output, "quality", 1, 100, v)
                .orElse((long) VideoSpec.DEFAULT_QUALITY)
                .longValue();
        int crf = VideoSpec.crfFor(quality);
        if (output.has("crf")) {
            if (format != VideoFormat.MP4) {
                v.add(new Violation("/output/crf", "only for mp4; use quality"));
            } else {
                crf = (int) integer(output, "crf", 0, 51, v).orElse((long) crf).longValue();
            }
        }
        if (!v.isEmpty()) {
            throw new InvalidDocumentException(v);
        }
        if (frames * 1000.0 / fps > maxMs + SLACK_MS) {
            throw InvalidDocumentException.of(
                    "/output/durationMs",
                    "at most " + fmt(maxMs) + " ms; this video lasts " + fmt(frames * 1000.0 / fps));
        }
        VideoSpec spec = new VideoSpec(format, width, height, fps, startMs, frames, quality, crf);
        if (spec.pixelFrames() > limits.maxPixelFrames()) {
            throw InvalidDocumentException.of(
                    "/output",
                    width + "×" + height + " × " + frames + " frames is " + spec.pixelFrames()
                            + " pixel-frames; at most " + limits.maxPixelFrames()
                            + ": lower width/height, fps or the duration");
        }
        long memory = MemoryEstimate.bytes(spec);
        if (memory > limits.maxJobMemoryBytes()) {
            throw InvalidDocumentException.of(
                    "/output",
                    "a " + width + "×" + height + " " + format.wireName() + " needs about " + mib(memory)
                            + " MiB of frame buffers and encoder memory; at most " + mib(limits.maxJobMemoryBytes())
                            + " MiB per video: lower width/height");
        }
        PreparedRender frameSize = new PreparedRender(
                prepared.document(),
                new OutputSpec(OutputFormat.PNG, OutputSpec.DEFAULT_QUALITY, width, height, 0, null));
        return new PreparedVideo(frameSize, spec);
    }

    private static Optional<Long> integer(JsonNode node, String name, long min, long max, List<Violation> v) {
        JsonNode n = node.get(name);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < min || n.longValue() > max) {
            v.add(new Violation(
                    "/output/" + name,
                    "must be an integer from " + min + (max == Integer.MAX_VALUE ? " up" : " to " + max)));
            return Optional.empty();
        }
        return Optional.of(n.longValue());
    }

    private static void copyIfPresent(JsonNode from, ObjectNode to, String name) {
        if (from.has(name)) {
            to.set(name, from.get(name));
        }
    }

    private static String sorted(Set<String> names) {
        return names.stream().sorted().toList().toString();
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : String.format(Locale.ROOT, "%.3f", d);
    }

    private static long mib(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }
}
