package dev.kiln.render.scene;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.internal.FieldReader;
import dev.kiln.render.internal.Violations;
import java.util.List;
import java.util.Set;

/**
 * Validates a scene JSON tree and builds the immutable {@link Scene}: the canvas, its timing and background here,
 * the layers through {@link LayerReader}, which reads paint ({@link PaintReader}), images ({@link
 * ImageSourceReader}) and animations ({@link AnimationReader}). One instance per parse; not thread-safe.
 */
final class SceneReader {
    /** Highest frame rate of an animated scene. */
    static final double MAX_FPS = 120;
    /** Default frame rate when a scene gives a duration but no fps. */
    static final double DEFAULT_FPS = 30;

    private static final Set<String> SCENE_FIELDS =
            Set.of("type", "version", "width", "height", "background", "duration", "fps", "layers");

    private final FieldReader f;
    private final Violations v;
    private final RenderLimits limits;
    private final double maxTimeMs;
    private final PaintReader paint;
    private final LayerReader layerReader;

    SceneReader(Violations v, RenderLimits limits) {
        this.f = new FieldReader(v);
        this.v = v;
        this.limits = limits;
        this.maxTimeMs = limits.maxDuration().toMillis();
        this.paint = new PaintReader(f);
        this.layerReader = new LayerReader(
                f, limits, paint, new AnimationReader(f, paint, maxTimeMs), new ImageSourceReader(v, limits));
    }

    /** Returns the scene, or null when violations were recorded. */
    Scene scene(JsonNode doc, String ptr) {
        if (!f.object(doc, ptr, SCENE_FIELDS)) {
            return null;
        }
        JsonNode version = doc.get("version");
        if (version != null && !(version.isIntegralNumber() && version.intValue() == 1)) {
            v.add(ptr + "/version", "must be 1 (the only scene format version)");
        }
        int width = (int) f.integer(doc, ptr, "width", 1, limits.maxDimension(), -1);
        int height = (int) f.integer(doc, ptr, "height", 1, limits.maxDimension(), -1);
        if (width > 0 && height > 0 && (long) width * height > limits.maxPixels()) {
            v.add(
                    ptr + "/width",
                    "canvas " + width + "x" + height + " exceeds the " + limits.maxPixels() + " pixel cap (maxPixels)");
        }
        Fill background = null;
        if (FieldReader.present(doc, "background")) {
            background = paint.fill(doc.get("background"), ptr + "/background");
        }
        double duration = 0;
        double fps = 0;
        if (FieldReader.present(doc, "duration")) {
            duration = f.number(doc, ptr, "duration", 1, maxTimeMs, Double.NaN);
            if (Double.isNaN(duration)) {
                duration = 0;
            }
            fps = f.number(doc, ptr, "fps", 1, MAX_FPS, DEFAULT_FPS);
            if (duration > 0 && !Double.isNaN(fps)) {
                long frames = Math.max(1, Math.round(duration * fps / 1000.0));
                if (frames > limits.maxFrames()) {
                    v.add(
                            ptr + "/fps",
                            "duration × fps gives " + frames + " frames, more than the " + limits.maxFrames()
                                    + " frame cap (maxFrames)");
                }
            }
        } else if (FieldReader.present(doc, "fps")) {
            v.add(ptr + "/fps", "fps needs a duration (ms); a scene without duration is a still");
        }
        JsonNode layersNode = doc.get("layers");
        List<Layer> layers = List.of();
        if (f.array(layersNode, ptr + "/layers", 0, Integer.MAX_VALUE, "required: an array of layers (may be empty)")
                && layerReader.withinCaps(layersNode, ptr + "/layers")) {
            layers = layerReader.layers(layersNode, ptr + "/layers");
        }
        if (!v.isEmpty()) {
            return null;
        }
        return new Scene(width, height, background, duration, duration > 0 ? fps : 0, layers);
    }
}
