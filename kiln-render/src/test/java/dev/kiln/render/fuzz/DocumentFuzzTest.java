package dev.kiln.render.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Jazzer fuzz targets, one per document parser + renderer and one per place an embedded image can hide. Each
 * input is prepared and rendered to PNG under a 2 s deadline ({@link BoundedRender}); a finding is a hang (still
 * running 1 s after the deadline), an exception other than a 4xx or the documented cancellation, or a crash.
 *
 * <p>Without {@code JAZZER_FUZZ} (so in {@code ./kiln test}) each target only replays its seeds and findings
 * from {@code DocumentFuzzTestInputs/<method>/}. To fuzz one target for real, see docs/hangs.md. Inputs that
 * hang today live in {@code hangs/} and run in {@link KnownHangsTest}, not here.
 *
 * <p>The per-input time limit is {@link BoundedRender}'s, not JUnit's {@code @Timeout}: while fuzzing, the whole
 * run is one JUnit invocation, so a JUnit timeout interrupts the fuzzer after that long and every input after it
 * looks like a finding.
 */
class DocumentFuzzTest {
    private static final String MAX_DURATION = "5m";

    /** Input: SVG markup (UTF-8). */
    @FuzzTest(maxDuration = MAX_DURATION)
    void svg(byte[] data) {
        BoundedRender.check(svgRequest(new String(data, StandardCharsets.UTF_8)));
    }

    /** Input: a whole render request whose document is forced to a scene. */
    @FuzzTest(maxDuration = MAX_DURATION)
    void scene(byte[] data) {
        JsonNode request = BoundedRender.jsonOrNull(data);
        if (request instanceof ObjectNode r && r.get("document") instanceof ObjectNode doc) {
            doc.put("type", "scene");
            BoundedRender.check(r);
        }
    }

    /** Input: a bodymovin (Lottie) animation object; rendered at frame 0 (the fuzzer may add an output). */
    @FuzzTest(maxDuration = MAX_DURATION)
    void lottie(byte[] data) {
        JsonNode animation = BoundedRender.jsonOrNull(data);
        if (animation != null) {
            ObjectNode request = BoundedRender.JSON.createObjectNode();
            request.putObject("document").put("type", "lottie").set("animation", animation);
            BoundedRender.check(request);
        }
    }

    /** Input: image bytes (PNG or JPEG), drawn as a scene image layer from a data URI. */
    @FuzzTest(maxDuration = MAX_DURATION)
    void sceneImage(byte[] data) {
        ObjectNode request = BoundedRender.JSON.createObjectNode();
        ObjectNode doc = request.putObject("document")
                .put("type", "scene")
                .put("width", 96)
                .put("height", 64)
                .put("background", "#ffffff");
        doc.putArray("layers")
                .addObject()
                .put("type", "image")
                .put("x", 8)
                .put("y", 8)
                .put("width", 80)
                .put("height", 48)
                .put("fit", data.length % 2 == 0 ? "cover" : "contain")
                .put("src", dataUri(data));
        BoundedRender.check(request);
    }

    /** Input: image bytes (PNG or JPEG), drawn by an SVG {@code <image>} from a data URI. */
    @FuzzTest(maxDuration = MAX_DURATION)
    void svgImage(byte[] data) {
        BoundedRender.check(svgRequest("<svg xmlns='http://www.w3.org/2000/svg' width='96' height='64'>"
                + "<image href='" + dataUri(data) + "' x='8' y='8' width='80' height='48'"
                + " preserveAspectRatio='xMidYMid slice'/></svg>"));
    }

    /** Input: image bytes (PNG or JPEG), drawn by Skottie as a Lottie image asset from a data URI. */
    @FuzzTest(maxDuration = MAX_DURATION)
    void lottieImage(byte[] data) {
        String json = """
                {"v":"5.7.0","fr":30,"ip":0,"op":10,"w":96,"h":64,
                 "assets":[{"id":"img","w":80,"h":48,"e":1,"u":"","p":"%s"}],
                 "layers":[{"ty":2,"ind":1,"refId":"img","ip":0,"op":10,"st":0,
                   "ks":{"o":{"a":0,"k":100},"r":{"a":0,"k":0},"p":{"a":0,"k":[8,8,0]},
                         "a":{"a":0,"k":[0,0,0]},"s":{"a":0,"k":[100,100,100]}}}]}
                """.formatted(dataUri(data));
        ObjectNode request = BoundedRender.JSON.createObjectNode();
        request.putObject("document")
                .put("type", "lottie")
                .set("animation", BoundedRender.jsonOrNull(json.getBytes(StandardCharsets.UTF_8)));
        BoundedRender.check(request);
    }

    static ObjectNode svgRequest(String markup) {
        ObjectNode request = BoundedRender.JSON.createObjectNode();
        request.putObject("document").put("type", "svg").put("svg", markup);
        request.putObject("output").put("format", "png");
        return request;
    }

    /** A base64 data URI whose media type follows the bytes' magic number (JPEG or else PNG). */
    static String dataUri(byte[] image) {
        boolean jpeg = image.length >= 2 && (image[0] & 0xff) == 0xff && (image[1] & 0xff) == 0xd8;
        return "data:image/" + (jpeg ? "jpeg" : "png") + ";base64,"
                + Base64.getEncoder().encodeToString(image);
    }
}
