package dev.kiln.render.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.render.InvalidDocumentException;
import dev.kiln.render.RenderLimits;

/** Parses one document type. */
public interface DocumentParser {

    /**
     * Validates and parses a {@code document} object.
     *
     * @param document the {@code document} JSON object (its {@code type} already checked)
     * @param pointer JSON Pointer of {@code document} within the request body, e.g. {@code /document}
     * @throws InvalidDocumentException with pointers prefixed by {@code pointer}
     */
    PreparedDocument parse(JsonNode document, String pointer, RenderLimits limits);
}
