package dev.kiln.render.scene;

import static dev.kiln.render.scene.SceneTestSupport.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.render.InvalidDocumentException;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.Violation;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each malformed document is rejected with a violation at the right JSON Pointer. */
class SceneValidationTest {
    private static final RenderLimits DEFAULTS = RenderLimits.defaults();

    private static List<Violation> violations(JsonNode doc, RenderLimits limits) {
        try {
            new SceneParser().parse(doc, "/document", limits);
        } catch (InvalidDocumentException e) {
            return e.violations();
        }
        throw new AssertionError("expected the document to be rejected");
    }

    private static List<Violation> violations(String json) {
        return violations(tree(json), DEFAULTS);
    }

    private static String sceneWith(String layer) {
        return "{\"type\":\"scene\",\"width\":300,\"height\":160,\"layers\":[" + layer + "]}";
    }

    private static Violation only(List<Violation> list) {
        assertThat(list).hasSize(1);
        return list.getFirst();
    }

    @Test
    void wrongTypesArePointedAt() {
        List<Violation> v = violations("""
                {"type":"scene","width":"big","height":160,"layers":[
                  {"type":"rect","x":"left","width":10,"height":true}]}
                """);
        assertThat(v)
                .extracting(Violation::pointer)
                .containsExactlyInAnyOrder("/document/width", "/document/layers/0/x", "/document/layers/0/height");
        assertThat(v.getFirst().detail()).contains("integer from 1 to 8192");
    }

    @Test
    void unknownLayerTypeNamesTheTypesThatExist() {
        Violation v = only(violations(sceneWith("{\"type\":\"triangle\"}")));
        assertThat(v.pointer()).isEqualTo("/document/layers/0/type");
        assertThat(v.detail()).contains("triangle").contains("rect, ellipse, path, text, image, group");
    }

    @Test
    void missingRequiredFieldsArePointedAt() {
        List<Violation> v =
                violations("{\"type\":\"scene\",\"height\":10,\"layers\":[{\"type\":\"rect\",\"width\":5}]}");
        assertThat(v)
                .extracting(Violation::pointer)
                .containsExactlyInAnyOrder("/document/width", "/document/layers/0/height");
        assertThat(v).allSatisfy(x -> assertThat(x.detail()).startsWith("required"));
        assertThat(only(violations("{\"type\":\"scene\",\"width\":10,\"height\":10}"))
                        .pointer())
                .isEqualTo("/document/layers");
    }

    @Test
    void unknownPropertiesAreRejectedSoTyposDoNotPassSilently() {
        Violation v =
                only(violations(sceneWith("{\"type\":\"text\",\"text\":\"a\",\"width\":10,\"colour\":\"#fff\"}")));
        assertThat(v.pointer()).isEqualTo("/document/layers/0/colour");
        assertThat(v.detail()).contains("unknown property").contains("color");
    }

    @Test
    void outOfRangeNumbersArePointedAt() {
        List<Violation> v =
                violations(sceneWith("{\"type\":\"rect\",\"width\":10,\"height\":10,\"opacity\":1.5,\"radius\":-1}"));
        assertThat(v)
                .extracting(Violation::pointer)
                .containsExactlyInAnyOrder("/document/layers/0/opacity", "/document/layers/0/radius");
    }

    @Test
    void giantCanvasIsRejected() {
        Violation dim = only(violations("{\"type\":\"scene\",\"width\":100000,\"height\":10,\"layers\":[]}"));
        assertThat(dim.pointer()).isEqualTo("/document/width");
        Violation pixels = only(violations("{\"type\":\"scene\",\"width\":8000,\"height\":8000,\"layers\":[]}"));
        assertThat(pixels.pointer()).isEqualTo("/document/width");
        assertThat(pixels.detail()).contains("maxPixels");
    }

    @Test
    void aMillionLayersAreRejectedAtTheFirstOneOverTheCap() {
        StringBuilder json =
                new StringBuilder(17_000_100).append("{\"type\":\"scene\",\"width\":10,\"height\":10,\"layers\":[");
        for (int i = 0; i < 1_000_000; i++) {
            json.append(i == 0 ? "" : ",").append("{\"type\":\"rect\"}");
        }
        json.append("]}");
        Violation v = only(violations(json.toString()));
        assertThat(v.pointer()).isEqualTo("/document/layers/1000");
        assertThat(v.detail()).contains("maxLayers");
    }

    @Test
    void nestedLayersCountTowardsTheCap() {
        StringBuilder group = new StringBuilder("{\"type\":\"group\",\"layers\":[");
        for (int i = 0; i < 600; i++) {
            group.append(i == 0 ? "" : ",").append("{\"type\":\"rect\",\"width\":1,\"height\":1}");
        }
        group.append("]}");
        // 2 groups + 1,200 rects: under the cap per array, over it in total.
        Violation v = only(violations(sceneWith(group + "," + group)));
        assertThat(v.detail()).contains("more than 1000 layers").contains("nested");
        assertThat(v.pointer()).matches("/document/layers/[01]/layers/\\d+");
    }

    @Test
    void tenThousandDeepNestingIsRejectedWithoutStackOverflow() {
        // Built as a tree directly: Jackson's parser would itself refuse this nesting depth.
        ObjectNode scene = JsonNodeFactory.instance
                .objectNode()
                .put("type", "scene")
                .put("width", 10)
                .put("height", 10);
        ArrayNode layers = scene.putArray("layers");
        for (int i = 0; i < 10_000; i++) {
            ObjectNode g = layers.addObject().put("type", "group");
            layers = g.putArray("layers");
        }
        layers.addObject().put("type", "rect").put("width", 1).put("height", 1);
        Violation v = only(violations(scene, DEFAULTS));
        assertThat(v.pointer()).isEqualTo("/document/layers" + "/0/layers".repeat(17));
        assertThat(v.detail()).contains("maxDepth").contains("16");

        ObjectNode request = JsonNodeFactory.instance.objectNode();
        request.set("document", scene);
        assertThatThrownBy(() -> RenderEngine.create(DEFAULTS).prepare(request))
                .isInstanceOf(InvalidDocumentException.class)
                .hasMessageContaining("maxDepth");
    }

    @Test
    void nestingAtTheDepthCapIsAccepted() {
        String json = "{\"type\":\"rect\",\"width\":1,\"height\":1,\"fill\":\"#000\"}";
        for (int i = 0; i < DEFAULTS.maxDepth(); i++) {
            json = "{\"type\":\"group\",\"layers\":[" + json + "]}";
        }
        assertThat(SceneTestSupport.parse(sceneWith(json)).intrinsicWidth()).isEqualTo(300);
        String deeper = "{\"type\":\"group\",\"layers\":[" + json + "]}";
        assertThat(only(violations(sceneWith(deeper))).detail()).contains("maxDepth");
    }

    @Test
    void overlongTextIsRejected() {
        String text = "a".repeat(DEFAULTS.maxTextLength() + 1);
        Violation v = only(violations(sceneWith("{\"type\":\"text\",\"width\":100,\"text\":\"" + text + "\"}")));
        assertThat(v.pointer()).isEqualTo("/document/layers/0/text");
        assertThat(v.detail()).contains("maxTextLength");
    }

    @ParameterizedTest
    @ValueSource(strings = {"#12", "#gggggg", "red", "rgba(300,0,0,1)", "rgba(0,0,0,2)", "rgb(1,2)", ""})
    void badColoursArePointedAt(String colour) {
        Violation v =
                only(violations(sceneWith("{\"type\":\"rect\",\"width\":1,\"height\":1,\"fill\":\"" + colour + "\"}")));
        assertThat(v.pointer()).isEqualTo("/document/layers/0/fill");
        assertThat(v.detail()).contains("#rrggbb");
    }

    @Test
    void badGradientStopsArePointedAt() {
        List<Violation> v = violations(sceneWith("""
                {"type":"rect","width":1,"height":1,"fill":{"type":"linear","stops":[
                  {"offset":0.5,"color":"#000"},{"offset":0.2,"color":"#nope"}]}}
                """));
        assertThat(v)
                .extracting(Violation::pointer)
                .containsExactlyInAnyOrder(
                        "/document/layers/0/fill/stops/1/color", "/document/layers/0/fill/stops/1/offset");
    }

    @Test
    void badEasingsArePointedAt() {
        String anim = """
                {"type":"rect","width":1,"height":1,"animations":[{"property":"x","keyframes":[
                  {"t":0,"value":0,"easing":"bounce"},{"t":10,"value":5,"easing":{"cubicBezier":[2,0,1,1]}},
                  {"t":20,"value":5}]}]}
                """;
        List<Violation> v =
                violations("{\"type\":\"scene\",\"width\":9,\"height\":9,\"duration\":100,\"layers\":[" + anim + "]}");
        assertThat(v)
                .extracting(Violation::pointer)
                .containsExactlyInAnyOrder(
                        "/document/layers/0/animations/0/keyframes/0/easing",
                        "/document/layers/0/animations/0/keyframes/1/easing/cubicBezier/0");
    }

    @Test
    void badAnimationsArePointedAt() {
        List<Violation> v = violations(sceneWith("""
                {"type":"text","text":"a","width":10,"animations":[
                  {"property":"radius","keyframes":[{"t":0,"value":1}]},
                  {"property":"color","keyframes":[{"t":5,"value":"#fff"},{"t":5,"value":"#000"}]},
                  {"property":"opacity","keyframes":[{"t":0,"value":3}]}]}
                """));
        assertThat(v)
                .extracting(Violation::pointer)
                .containsExactlyInAnyOrder(
                        "/document/layers/0/animations/0/property",
                        "/document/layers/0/animations/1/keyframes/1/t",
                        "/document/layers/0/animations/2/keyframes/0/value");
        assertThat(v.getFirst().detail()).contains("cannot be animated on a text layer");
    }

    @Test
    void framesAndDurationAreCapped() {
        Violation frames = only(violations(
                "{\"type\":\"scene\",\"width\":9,\"height\":9,\"duration\":60000,\"fps\":120,\"layers\":[]}"));
        assertThat(frames.pointer()).isEqualTo("/document/fps");
        assertThat(frames.detail()).contains("maxFrames");
        Violation duration =
                only(violations("{\"type\":\"scene\",\"width\":9,\"height\":9,\"duration\":60001,\"layers\":[]}"));
        assertThat(duration.pointer()).isEqualTo("/document/duration");
        Violation fps = only(violations("{\"type\":\"scene\",\"width\":9,\"height\":9,\"fps\":30,\"layers\":[]}"));
        assertThat(fps.pointer()).isEqualTo("/document/fps");
    }

    @Test
    void badPathDataIsPointedAt() {
        Violation v = only(violations(sceneWith("{\"type\":\"path\",\"d\":\"M 0 0 L 10 x\",\"fill\":\"#000\"}")));
        assertThat(v.pointer()).isEqualTo("/document/layers/0/d");
        assertThat(v.detail()).contains("expected a number at char 11");
    }

    @Test
    void anAssetReferenceTheCallerDidNotResolveIsRejectedAtItsField() {
        Violation v =
                only(violations(sceneWith("{\"type\":\"image\",\"src\":\"asset:abc\",\"width\":1,\"height\":1}")));
        assertThat(v.pointer()).isEqualTo("/document/layers/0/src");
        assertThat(v.detail()).contains("asset:<id>").contains("POST /v1/assets");
    }

    @Test
    void invalidBase64IsRejected() {
        Violation v = only(violations(sceneWith(
                "{\"type\":\"image\",\"src\":\"data:image/png;base64,@@not*base64\",\"width\":1,\"height\":1}")));
        assertThat(v.pointer()).isEqualTo("/document/layers/0/src");
        assertThat(v.detail()).contains("invalid base64");
    }

    @Test
    void jpegDataUrisAreAccepted() throws IOException {
        java.awt.image.BufferedImage rgb =
                new java.awt.image.BufferedImage(16, 8, java.awt.image.BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(3, 3, 0xff0000);
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        assertThat(javax.imageio.ImageIO.write(rgb, "jpeg", jpeg)).isTrue();
        String src = "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(jpeg.toByteArray());
        var doc = SceneTestSupport.parse(sceneWith(
                "{\"type\":\"image\",\"src\":\"" + src + "\",\"width\":32,\"height\":16,\"fit\":\"contain\"}"));
        assertThat(SceneTestSupport.draw(doc, 0).getRGB(10, 4) >>> 24).isEqualTo(255);
    }

    @Test
    void gifDataIsRejectedEvenUnderAPngHeader() throws IOException {
        java.awt.image.BufferedImage img =
                new java.awt.image.BufferedImage(4, 4, java.awt.image.BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream gif = new ByteArrayOutputStream();
        assertThat(javax.imageio.ImageIO.write(img, "gif", gif)).isTrue();
        String src = "data:image/png;base64," + Base64.getEncoder().encodeToString(gif.toByteArray());
        Violation v =
                only(violations(sceneWith("{\"type\":\"image\",\"src\":\"" + src + "\",\"width\":1,\"height\":1}")));
        assertThat(v.detail()).contains("only PNG and JPEG");
    }

    @Test
    void notAnImageIsRejected() {
        String src = "data:image/png;base64," + Base64.getEncoder().encodeToString("hello, not a png".getBytes());
        Violation v =
                only(violations(sceneWith("{\"type\":\"image\",\"src\":\"" + src + "\",\"width\":1,\"height\":1}")));
        assertThat(v.detail()).contains("not a PNG or JPEG");
    }

    @Test
    void imageByteCapIsCheckedBeforeDecoding() {
        RenderLimits small = withImageCaps(1000, DEFAULTS.maxImagePixels());
        // Invalid base64 beyond the cap: the size check must fire first, proving nothing was decoded.
        String src = "data:image/png;base64," + "*".repeat(2000);
        Violation v = only(violations(
                tree(sceneWith("{\"type\":\"image\",\"src\":\"" + src + "\",\"width\":1,\"height\":1}")), small));
        assertThat(v.detail()).contains("maxImageBytes").doesNotContain("base64");
    }

    @Test
    void pngDecompressionBombIsRejectedFromItsHeader() throws IOException {
        byte[] png = bombPng(20_000, 20_000);
        assertThat(png.length).isLessThan(200_000); // 400 Mpx in a small file
        String src = "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
        Violation v =
                only(violations(sceneWith("{\"type\":\"image\",\"src\":\"" + src + "\",\"width\":1,\"height\":1}")));
        assertThat(v.pointer()).isEqualTo("/document/layers/0/src");
        assertThat(v.detail()).contains("20000x20000").contains("maxImagePixels");
    }

    @Test
    void imagePixelCapUsesTheConfiguredLimit() {
        RenderLimits tiny = withImageCaps(DEFAULTS.maxImageBytes(), 100); // the 64×32 test PNG is 2,048 px
        Violation v = only(violations(
                tree(sceneWith(
                        "{\"type\":\"image\",\"src\":\"" + SampleScenes.TEST_PNG + "\",\"width\":1,\"height\":1}")),
                tiny));
        assertThat(v.detail()).contains("64x32");
    }

    @Test
    void allProblemsAreReportedTogether() {
        List<Violation> v = violations("""
                {"type":"scene","width":0,"height":10,"layers":[
                  {"type":"nope"},{"type":"rect","width":1,"height":1,"fill":"#zzz"},{"type":"text","width":1}]}
                """);
        assertThat(v)
                .extracting(Violation::pointer)
                .containsExactlyInAnyOrder(
                        "/document/width",
                        "/document/layers/0/type",
                        "/document/layers/1/fill",
                        "/document/layers/2/text");
    }

    private static RenderLimits withImageCaps(int bytes, long pixels) {
        RenderLimits d = DEFAULTS;
        return new RenderLimits(
                d.maxDimension(),
                d.maxPixels(),
                d.maxLayers(),
                d.maxDepth(),
                d.maxTextLength(),
                bytes,
                pixels,
                d.maxSvgBytes(),
                d.maxLottieBytes(),
                d.maxFrames(),
                Duration.ofSeconds(60));
    }

    /** A valid 1-bit greyscale PNG of the given size whose all-zero pixels deflate to almost nothing. */
    static byte[] bombPng(int width, int height) throws IOException {
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(idat, new java.util.zip.Deflater(9), 65536)) {
            byte[] row = new byte[1 + (width + 7) / 8]; // filter byte 0 + packed bits, all zero
            for (int y = 0; y < height; y++) {
                z.write(row);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(out);
        data.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(ihdr);
        h.writeInt(width);
        h.writeInt(height);
        h.write(new byte[] {1, 0, 0, 0, 0}); // bit depth 1, greyscale, deflate, no filter, no interlace
        chunk(data, "IHDR", ihdr.toByteArray());
        chunk(data, "IDAT", idat.toByteArray());
        chunk(data, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(DataOutputStream out, String type, byte[] body) throws IOException {
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.writeInt(body.length);
        out.write(t);
        out.write(body);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(body);
        out.writeInt((int) crc.getValue());
    }
}
