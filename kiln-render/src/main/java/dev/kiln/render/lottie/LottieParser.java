package dev.kiln.render.lottie;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.render.InvalidDocumentException;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.internal.DocumentParser;
import dev.kiln.render.internal.EmbeddedImages;
import dev.kiln.render.internal.FieldReader;
import dev.kiln.render.internal.PreparedDocument;
import dev.kiln.render.internal.Violations;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Parses {@code {"type":"lottie","animation":{...}}} documents: size, required fields, dimension, frame and
 * duration caps, and no external assets; then upgrades old bodymovin fields and rewrites the expressions it can
 * ({@link LottieCompat}) and checks that Skottie can build the animation.
 */
public final class LottieParser implements DocumentParser {
    /** Frame rates above this are not animations but a way to multiply the frame budget. */
    static final double MAX_FPS = 240;

    private static final Pattern DATA_IMAGE_URI =
            Pattern.compile("(?s)data:image/(png|jpeg|gif|webp);base64,.*", Pattern.CASE_INSENSITIVE);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public PreparedDocument parse(JsonNode document, String pointer, RenderLimits limits) {
        String ap = Violations.child(pointer, "animation");
        JsonNode anim = FieldReader.require(
                document, pointer, "animation", JsonNode::isObject, "required: the Lottie animation as a JSON object");
        if (overCap(serialise(anim, ap), limits)) {
            throw InvalidDocumentException.of(
                    ap, "animation is larger than the " + limits.maxLottieBytes() + " byte cap (maxLottieBytes)");
        }
        Violations v = new Violations();
        int w = dimension(anim, "w", ap, limits, v);
        int h = dimension(anim, "h", ap, limits, v);
        double fr = number(anim, "fr", ap, v);
        double ip = number(anim, "ip", ap, v);
        double op = number(anim, "op", ap, v);
        if (!Double.isNaN(fr) && (fr <= 0 || fr > MAX_FPS)) {
            v.add(ap + "/fr", "frame rate must be > 0 and <= " + (int) MAX_FPS + " fps");
        }
        int frames = 0;
        if (!Double.isNaN(ip) && !Double.isNaN(op)) {
            double span = op - ip;
            if (!(span >= 1)) {
                v.add(ap + "/op", "op must be at least ip + 1 (one frame)");
            } else if (span > limits.maxFrames()) {
                v.add(
                        ap + "/op",
                        "op - ip = " + (long) span + " frames exceeds the " + limits.maxFrames()
                                + " frame cap (maxFrames)");
            } else {
                frames = (int) Math.ceil(span);
                if (!Double.isNaN(fr)
                        && fr > 0
                        && span / fr * 1000.0 > limits.maxDuration().toMillis()) {
                    v.add(
                            ap + "/op",
                            "duration (op - ip) / fr = " + span / fr + " s exceeds the "
                                    + limits.maxDuration().toMillis() / 1000.0 + " s cap (maxDuration)");
                }
            }
        }
        checkAssets(anim.get("assets"), ap + "/assets", limits, v);
        checkFonts(anim.get("fonts"), ap + "/fonts", v);
        v.throwIfAny();
        // After validation, so that op is bounded before loop expressions are expanded up to it.
        String compatible = serialise(LottieCompat.apply((ObjectNode) anim, ap), ap);
        if (overCap(compatible, limits)) {
            throw InvalidDocumentException.of(
                    ap,
                    "animation is larger than the " + limits.maxLottieBytes()
                            + " byte cap (maxLottieBytes) once its loop expressions are expanded into keyframes");
        }
        return SkottieDocument.load(compatible, w, h, frames, fr, ap);
    }

    /** Over {@code maxLottieBytes} in UTF-8; the byte count is taken only when the chars alone cannot settle it. */
    private static boolean overCap(String json, RenderLimits limits) {
        return (long) json.length() * 3 > limits.maxLottieBytes()
                && json.getBytes(StandardCharsets.UTF_8).length > limits.maxLottieBytes();
    }

    private static String serialise(JsonNode anim, String ap) {
        try {
            return JSON.writeValueAsString(anim);
        } catch (JsonProcessingException e) {
            throw InvalidDocumentException.of(ap, "cannot serialise the animation: " + e.getOriginalMessage());
        }
    }

    private static int dimension(JsonNode anim, String name, String ap, RenderLimits limits, Violations v) {
        JsonNode n = anim.get(name);
        if (n == null || !n.isNumber()) {
            v.add(Violations.child(ap, name), "required: a number of pixels");
            return 0;
        }
        double d = n.doubleValue();
        if (!(d >= 1) || d > limits.maxDimension()) {
            v.add(Violations.child(ap, name), "must be from 1 to " + limits.maxDimension() + " px (maxDimension)");
            return 0;
        }
        return (int) Math.ceil(d);
    }

    private static double number(JsonNode anim, String name, String ap, Violations v) {
        JsonNode n = anim.get(name);
        if (n == null || !n.isNumber() || !Double.isFinite(n.doubleValue())) {
            v.add(Violations.child(ap, name), "required: a finite number");
            return Double.NaN;
        }
        return n.doubleValue();
    }

    /** Image assets must be embedded: {@code p} a data URI, {@code u} empty. Precomps have no {@code p}. */
    private static void checkAssets(JsonNode assets, String pointer, RenderLimits limits, Violations v) {
        if (assets == null || assets.isNull()) {
            return;
        }
        if (!assets.isArray()) {
            v.add(pointer, "must be an array");
            return;
        }
        for (int i = 0; i < assets.size(); i++) {
            JsonNode a = assets.get(i);
            String at = Violations.child(pointer, i);
            JsonNode p = a.get("p");
            JsonNode u = a.get("u");
            if (p != null
                    && !(p.isTextual() && DATA_IMAGE_URI.matcher(p.textValue()).matches())) {
                v.add(
                        at + "/p",
                        "external asset '" + abbreviate(p.asText()) + "' is not allowed; embed images as"
                                + " data:image/(png|jpeg|gif|webp);base64 URIs (Kiln never fetches files or URLs)");
            } else if (p != null) {
                String capped = EmbeddedImages.capViolation(p.textValue(), limits);
                if (capped != null) {
                    v.add(at + "/p", capped);
                }
            }
            if (u != null && !(u.isTextual() && u.textValue().isEmpty())) {
                v.add(at + "/u", "asset directories are not allowed; 'u' must be empty with an embedded 'p'");
            }
        }
    }

    /** Fonts may name a family, never a file or URL to load. */
    private static void checkFonts(JsonNode fonts, String pointer, Violations v) {
        JsonNode list = fonts == null ? null : fonts.get("list");
        if (list == null || !list.isArray()) {
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode path = list.get(i).get("fPath");
            if (path != null && !(path.isTextual() && path.textValue().isEmpty())) {
                v.add(
                        Violations.child(pointer + "/list", i) + "/fPath",
                        "external font '" + abbreviate(path.asText()) + "' is not allowed");
            }
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
