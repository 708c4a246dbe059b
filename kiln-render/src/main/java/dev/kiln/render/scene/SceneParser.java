package dev.kiln.render.scene;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.internal.DocumentParser;
import dev.kiln.render.internal.PreparedDocument;
import dev.kiln.render.internal.Violations;
import java.util.Objects;

/** Parses and validates {@code "type": "scene"} documents (Kiln scene JSON v1, see docs/scene-format.md). */
public final class SceneParser implements DocumentParser {

    /** Creates a parser; it holds no state and is safe to share. */
    public SceneParser() {}

    @Override
    public PreparedDocument parse(JsonNode document, String pointer, RenderLimits limits) {
        Objects.requireNonNull(pointer, "pointer");
        Objects.requireNonNull(limits, "limits");
        Violations violations = new Violations();
        Scene scene = new SceneReader(violations, limits).scene(document, pointer);
        violations.throwIfAny();
        return Objects.requireNonNull(scene, "a scene without violations");
    }
}
