package dev.kiln.render.scene;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.render.CancellationSignal;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.internal.PreparedDocument;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/** Parsing and drawing shortcuts shared by the scene tests. */
final class SceneTestSupport {
    static final ObjectMapper JSON = new ObjectMapper();

    private SceneTestSupport() {}

    static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("test JSON does not parse: " + e.getOriginalMessage(), e);
        }
    }

    static PreparedDocument parse(String json) {
        return new SceneParser().parse(tree(json), "/document", RenderLimits.defaults());
    }

    static BufferedImage draw(PreparedDocument doc, double timeMs) {
        return doc.draw(doc.intrinsicWidth(), doc.intrinsicHeight(), timeMs, CancellationSignal.NONE);
    }

    static int[] pixels(BufferedImage image) {
        return ((DataBufferInt) image.getRaster().getDataBuffer()).getData().clone();
    }
}
