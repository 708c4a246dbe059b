package dev.kiln.render.scene;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.render.InvalidDocumentException;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.internal.DocumentParser;
import dev.kiln.render.internal.PreparedDocument;

/** Parses {@code "type": "scene"} documents. PLACEHOLDER: being implemented. */
public final class SceneParser implements DocumentParser {
    @Override
    public PreparedDocument parse(JsonNode document, String pointer, RenderLimits limits) {
        throw InvalidDocumentException.of(pointer + "/type", "scene documents are not implemented yet");
    }
}
