package dev.kiln.render;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Turns a render request ({@code {document, output}}) into encoded still-image bytes.
 *
 * <p>Rendering is split in two so that callers can validate cheaply before spending a render slot:
 * {@link #prepare} parses and validates on the caller's thread and returns an immutable plan;
 * {@link #render} does the CPU-heavy draw and encode. Implementations are thread-safe; every call to
 * {@code render} uses its own surface and shares only immutable state.
 */
public interface Renderer {

    /**
     * Parses and validates a render request.
     *
     * @param request the JSON body, an object with {@code document} and {@code output}
     * @return an immutable, validated plan
     * @throws InvalidDocumentException with one JSON Pointer (into {@code request}) per problem
     */
    PreparedRender prepare(JsonNode request);

    /**
     * Parses and validates a render request, stopping when {@code cancel} fires (parsing a hostile document can
     * be as costly as drawing it).
     *
     * @throws RenderCancelledException when {@code cancel} stopped the parse
     */
    default PreparedRender prepare(JsonNode request, CancellationSignal cancel) {
        cancel.throwIfCancelled();
        return prepare(request);
    }

    /**
     * Draws and encodes a prepared render.
     *
     * @param cancel polled between drawing steps; when it reports true the render stops early
     * @throws RenderCancelledException when {@code cancel} stopped the render
     */
    RenderOutput render(PreparedRender prepared, CancellationSignal cancel);
}
