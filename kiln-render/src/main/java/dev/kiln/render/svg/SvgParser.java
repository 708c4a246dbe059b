package dev.kiln.render.svg;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.render.InvalidDocumentException;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.internal.DocumentParser;
import dev.kiln.render.internal.PreparedDocument;

/** Parses {@code "type": "svg"} documents. PLACEHOLDER: being implemented. */
public final class SvgParser implements DocumentParser {
    @Override
    public PreparedDocument parse(JsonNode document, String pointer, RenderLimits limits) {
        throw InvalidDocumentException.of(pointer + "/type", "svg documents are not implemented yet");
    }
}
