package dev.kiln.render.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Builds render requests for tests from inline markup or test resources. */
public final class Requests {
    public static final ObjectMapper JSON = new ObjectMapper();

    private Requests() {}

    public static String resource(String path) {
        try (InputStream in = Requests.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("missing test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ObjectNode svg(String markup) {
        ObjectNode req = JSON.createObjectNode();
        req.putObject("document").put("type", "svg").put("svg", markup);
        return req;
    }

    public static ObjectNode lottie(JsonNode animation) {
        ObjectNode req = JSON.createObjectNode();
        req.putObject("document").put("type", "lottie").set("animation", animation);
        return req;
    }

    public static ObjectNode lottieResource(String path) {
        try {
            return lottie(JSON.readTree(resource(path)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds an {@code output} object; null arguments are left out. */
    public static ObjectNode withOutput(ObjectNode req, String format, Integer width, Integer height, Integer frame) {
        ObjectNode out = req.putObject("output");
        if (format != null) {
            out.put("format", format);
        }
        if (width != null) {
            out.put("width", width);
        }
        if (height != null) {
            out.put("height", height);
        }
        if (frame != null) {
            out.put("frame", frame);
        }
        return req;
    }
}
