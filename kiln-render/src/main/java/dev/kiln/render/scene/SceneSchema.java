package dev.kiln.render.scene;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The JSON Schema (draft 2020-12) of Kiln scene JSON v1, as served at {@code /v1/schema/scene.json}. */
public final class SceneSchema {
    private static final String RESOURCE = "/dev/kiln/render/scene.schema.json";
    private static final String JSON = load();

    private SceneSchema() {}

    /** The schema document as UTF-8 JSON text. */
    public static String json() {
        return JSON;
    }

    private static String load() {
        try (InputStream in = SceneSchema.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("scene schema missing from the classpath: " + RESOURCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
