package dev.kiln.loadgen;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/** The {@code render} workload: {@code POST /v1/renders} with the reference card or a body of the caller's. */
final class RenderScenario {

    /** The path requests go to, relative to the service's base URL. */
    public static final String PATH = "/v1/renders";
    /** Output formats that {@link #withFormat(String, String)} accepts. */
    public static final Set<String> FORMATS = Set.of("png", "jpeg", "webp");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CARD_RESOURCE = "reference-card.svg";

    private RenderScenario() {}

    /** The render endpoint under {@code baseUrl} (e.g. {@code http://127.0.0.1:8080}). */
    public static URI target(String baseUrl) {
        String trimmed = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        try {
            URI uri = URI.create(trimmed + PATH);
            LoadSpec.requireLoopback(uri);
            return uri;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    e.getMessage().startsWith("url") ? e.getMessage() : "url is not valid: " + baseUrl, e);
        }
    }

    /** The 1200×630 SVG reference card (gradients, rounded rects, circles, a path; no text yet). */
    public static String referenceCardSvg() {
        try (InputStream in = RenderScenario.class.getResourceAsStream(CARD_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + CARD_RESOURCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The default body: {@code {"document":{"type":"svg","svg":<card>},"output":{"format":"png"}}}. */
    public static String defaultBody() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode document = root.putObject("document");
        document.put("type", "svg");
        document.put("svg", referenceCardSvg());
        root.putObject("output").put("format", "png");
        return write(root);
    }

    /** {@code body} with {@code output.format} set to {@code format} (png, jpeg or webp). */
    public static String withFormat(String body, String format) {
        String normalized = format.trim().toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(normalized)) {
            throw new IllegalArgumentException("format must be png, jpeg or webp, was '" + format + "'");
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("body is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (!(root instanceof ObjectNode object)) {
            throw new IllegalArgumentException("body must be a JSON object to set output.format");
        }
        JsonNode output = object.get("output");
        ObjectNode outputObject = output instanceof ObjectNode o ? o : object.putObject("output");
        outputObject.put("format", normalized);
        return write(object);
    }

    /** Checks that {@code body} is well-formed JSON. */
    static void requireJson(String body) {
        try {
            JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("body is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
