/**
 * The render engine: documents (scene, SVG, Lottie) in as Jackson trees, encoded images out. Knows nothing of HTTP
 * or SQL. Callers use {@code dev.kiln.render} ({@code Renderer}, {@code RenderEngine}) and {@code image}; the engine
 * packages ({@code internal}, {@code scene}, {@code svg}, {@code lottie}, {@code encode}) are not API.
 */
module dev.kiln.render {
    requires transitive com.fasterxml.jackson.databind;
    requires transitive java.desktop; // Document.draw returns a BufferedImage
    requires java.xml;
    requires com.github.weisj.jsvg;
    requires dev.kiln.resvg;
    requires io.github.humbleui.skija.shared;
    requires io.github.humbleui.types;
    requires static org.jetbrains.annotations;

    exports dev.kiln.render;
    exports dev.kiln.render.image;
    // SceneSchema (the JSON Schema served at /v1/schema/scene.json) is the one type kiln-app needs from the engine.
    exports dev.kiln.render.scene to
            dev.kiln.app;
    // The benchmarks compare the engine's parts against each other (encoders, JSVG without the sandbox).
    exports dev.kiln.render.encode to
            dev.kiln.bench;
    exports dev.kiln.render.svg.jsvg to
            dev.kiln.bench;
}
