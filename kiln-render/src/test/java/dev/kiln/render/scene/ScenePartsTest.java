package dev.kiln.render.scene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Unit tests of the path parser, text layout, easing, colours and the schema. */
class ScenePartsTest {

    @Test
    void arcsFollowTheSweepFlag() throws Exception {
        // Clockwise on screen (sweep=1) from left to right passes over the top (negative y).
        Rectangle2D up = PathData.parse("M0 0 A50 50 0 0 1 100 0").getBounds2D();
        assertThat(up.getMinY()).isCloseTo(-50, within(0.5));
        assertThat(up.getMaxY()).isCloseTo(0, within(0.01));
        Rectangle2D down = PathData.parse("M0 0 A50 50 0 0 0 100 0").getBounds2D();
        assertThat(down.getMaxY()).isCloseTo(50, within(0.5));
        // A radius too small for the chord is scaled up (SVG F.6.6): still a half circle of radius 50.
        Rectangle2D scaled = PathData.parse("M0 0 a10 10 0 0 1 100 0").getBounds2D();
        assertThat(scaled.getMinY()).isCloseTo(-50, within(0.5));
        // Large arc: the long way round, so the bounds span most of a full circle of radius 50.
        Rectangle2D large = PathData.parse("M0 0 A50 50 0 1 1 1 0").getBounds2D();
        assertThat(large.getHeight()).isCloseTo(100, within(1.0));
    }

    @Test
    void relativeAndImplicitCommandsAccumulate() throws Exception {
        Path2D p = PathData.parse("m10 10 10 0 v10 h-10 z l 5 5");
        assertThat(p.getBounds2D()).isEqualTo(new Rectangle2D.Double(10, 10, 10, 10));
        assertThat(PathData.parse("M0,0C10,0 10,10 0,10S-10,20 0,20")
                        .getBounds2D()
                        .getMaxY())
                .isEqualTo(20.0);
        assertThat(PathData.parse("M0 0Q10 10 20 0T40 0").getBounds2D().getMaxX())
                .isEqualTo(40.0);
        assertThat(PathData.parse("M1e1-5.5.5 6").getBounds2D().getMinX()).isEqualTo(0.5);
    }

    @Test
    void malformedPathsAreRejectedWithAPosition() {
        assertThatThrownBy(() -> PathData.parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> PathData.parse("L 1 1")).hasMessageContaining("moveto");
        assertThatThrownBy(() -> PathData.parse("M 1")).hasMessageContaining("expected a number");
        assertThatThrownBy(() -> PathData.parse("M 0 0 A 1 1 0 2 0 3 3")).hasMessageContaining("arc flag");
        assertThatThrownBy(() -> PathData.parse("M 0 0 X 1")).hasMessageContaining("unknown path command 'X'");
        assertThatThrownBy(() -> PathData.parse("M0 0" + "l1 1".repeat(PathData.MAX_SEGMENTS)))
                .hasMessageContaining("segments");
        assertThatThrownBy(() -> PathData.parse("M0 0 " + " ".repeat(PathData.MAX_LENGTH)))
                .hasMessageContaining("longer than");
    }

    @Test
    void textWrapsWithinTheWidthAndEllipsizesTheLastLine() {
        Font font = Fonts.forWeight(400);
        String text = "the quick brown fox jumps over the lazy dog again and again";
        TextLayout.Lines all = TextLayout.layout(text, font, 20, 150, 1.2, 0, Double.NaN);
        assertThat(all.lines().size()).isGreaterThan(2);
        assertThat(all.widths()).allSatisfy(w -> assertThat(w).isLessThanOrEqualTo(150.01));
        assertThat(String.join(" ", all.lines())).isEqualTo(text);
        assertThat(all.lineHeight()).isEqualTo(24.0);

        TextLayout.Lines two = TextLayout.layout(text, font, 20, 150, 1.2, 2, Double.NaN);
        assertThat(two.lines()).hasSize(2);
        assertThat(two.lines().get(1)).endsWith("…");
        assertThat(two.widths()).allSatisfy(w -> assertThat(w).isLessThanOrEqualTo(150.01));

        // A box 60 px high at 24 px per line holds two lines.
        TextLayout.Lines boxed = TextLayout.layout(text, font, 20, 150, 1.2, 0, 60);
        assertThat(boxed.lines()).hasSize(2);
        assertThat(boxed.lines().get(1)).endsWith("…");
    }

    @Test
    void textKeepsNewlinesAndBreaksOverlongWords() {
        Font font = Fonts.forWeight(700);
        TextLayout.Lines lines = TextLayout.layout("a\n\nb", font, 20, 500, 1.2, 0, Double.NaN);
        assertThat(lines.lines()).containsExactly("a", "", "b");
        TextLayout.Lines broken = TextLayout.layout("x".repeat(100), font, 20, 100, 1.2, 0, Double.NaN);
        assertThat(broken.lines().size()).isGreaterThan(3);
        assertThat(String.join("", broken.lines())).isEqualTo("x".repeat(100));
        assertThat(broken.widths()).allSatisfy(w -> assertThat(w).isLessThanOrEqualTo(100.01));
        TextLayout.Lines fits = TextLayout.layout("short", font, 20, 500, 1.2, 1, Double.NaN);
        assertThat(fits.lines()).containsExactly("short");
    }

    @Test
    void hostileTextStaysLinear() {
        // A 10,000-char word in a 1-unit box: one char per line. Quadratic layout would take minutes here.
        Font font = Fonts.forWeight(400);
        TextLayout.Lines lines = TextLayout.layout("x".repeat(10_000), font, 16, 1, 1.2, 0, Double.NaN);
        assertThat(lines.lines()).hasSize(10_000).allSatisfy(l -> assertThat(l).isEqualTo("x"));
        String longLine = "ab ".repeat(3_333);
        TextLayout.Lines one = TextLayout.layout(longLine, font, 16, 1_000_000, 1.2, 1, 10);
        assertThat(one.lines()).hasSize(1);
        TextLayout.Lines cut = TextLayout.layout(longLine + "\nmore", font, 16, 1_000_000, 1.2, 1, Double.NaN);
        assertThat(cut.lines()).hasSize(1);
        assertThat(cut.lines().getFirst()).endsWith("ab…");
    }

    @Test
    void boldAndRegularAreDifferentBundledFaces() {
        assertThat(Fonts.forWeight(700).getFontName()).contains("Bold");
        assertThat(Fonts.forWeight(400).getFontName()).doesNotContain("Bold");
        assertThat(Fonts.forWeight(400).getFamily()).isEqualTo(Fonts.FAMILY);
    }

    @Test
    void easingsMapProgress() {
        assertThat(Easing.LINEAR.apply(0.3)).isEqualTo(0.3);
        assertThat(Easing.STEP.apply(0.99)).isZero();
        assertThat(Easing.STEP.apply(1)).isEqualTo(1.0);
        assertThat(Easing.EASE_IN_OUT.apply(0.5)).isCloseTo(0.5, within(1e-5));
        assertThat(Easing.EASE_IN.apply(0.25)).isLessThan(0.25);
        assertThat(Easing.EASE_OUT.apply(0.25)).isGreaterThan(0.25);
        Easing overshoot = Easing.bezier(0.3, 1.8, 0.7, 1.8);
        assertThat(overshoot.apply(0.5)).isGreaterThan(1.0);
        assertThat(overshoot.apply(0)).isZero();
        assertThat(overshoot.apply(1)).isEqualTo(1.0);
    }

    @Test
    void coloursParseEverySupportedForm() {
        assertThat(Colors.parse("#f00")).isEqualTo(new Color(255, 0, 0));
        assertThat(Colors.parse("#f008")).isEqualTo(new Color(255, 0, 0, 136));
        assertThat(Colors.parse("#0b1020")).isEqualTo(new Color(11, 16, 32));
        assertThat(Colors.parse("#0B102080")).isEqualTo(new Color(11, 16, 32, 128));
        assertThat(Colors.parse("rgba(1, 2, 3, 0.5)")).isEqualTo(new Color(1, 2, 3, 128));
        assertThat(Colors.parse("rgb(1,2,3)")).isEqualTo(new Color(1, 2, 3));
        assertThat(Colors.parse("transparent").getAlpha()).isZero();
        assertThat(Colors.parse("#12345")).isNull();
        assertThat(Colors.parse("blue")).isNull();
        assertThat(Colors.mix(new Color(0, 0, 0, 0), new Color(200, 100, 50, 255), 0.5))
                .isEqualTo(new Color(100, 50, 25, 128));
    }

    @Test
    void schemaIsDraft202012AndListsWhatTheParserAccepts() throws Exception {
        JsonNode schema = SceneTestSupport.JSON.readTree(SceneSchema.json());
        assertThat(schema.get("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        List<String> types = new ArrayList<>();
        schema.at("/$defs/layer/properties/type/enum").forEach(n -> types.add(n.asText()));
        assertThat(types).isEqualTo(LayerReader.LAYER_TYPES);
        List<String> props = new ArrayList<>();
        schema.at("/$defs/animations/items/properties/property/enum").forEach(n -> props.add(n.asText()));
        assertThat(props)
                .containsExactlyInAnyOrderElementsOf(java.util.Arrays.stream(Prop.values())
                        .map(p -> p.wireName)
                        .toList());
        for (String type : LayerReader.LAYER_TYPES) {
            assertThat(schema.at("/$defs/" + type + "/properties/type/const").asText())
                    .isEqualTo(type);
        }
    }

    @Test
    void blurSpreadsAnImpulseSymmetricallyAndKeepsItsMass() {
        int w = 41;
        int[] big = new int[w * w];
        for (int y = 15; y < 26; y++) {
            for (int x = 15; x < 26; x++) {
                big[y * w + x] = 255;
            }
        }
        Blur.gaussian(big, w, w, 3);
        assertThat(big[20 * w + 15]).isEqualTo(big[20 * w + 25]).isEqualTo(big[15 * w + 20]);
        assertThat(big[20 * w + 20]).isGreaterThan(big[20 * w + 15]);
        assertThat(big[0]).isZero();
        long mass = java.util.Arrays.stream(big).asLongStream().sum();
        assertThat((double) mass).isCloseTo(121 * 255, within(121 * 255 * 0.05));
    }

    @Test
    void upscaleByOneIsAPlainLookupAndWindowsAreOffset() {
        int[] src = {0, 10, 20, 30, 40, 50};
        int[] lut = new int[256];
        for (int i = 0; i < 256; i++) {
            lut[i] = i;
        }
        int[] out = new int[6];
        Blur.upscale(src, 3, 2, 1, lut, out, 0, 0, 3, 2);
        assertThat(out).containsExactly(src);
        int[] window = new int[2];
        Blur.upscale(src, 3, 2, 1, lut, window, 1, 1, 2, 1);
        assertThat(window).containsExactly(40, 50);
    }

    @Test
    void upscaleOfAConstantMaskIsConstantAndTinted() {
        int[] src = new int[4 * 3];
        java.util.Arrays.fill(src, 255);
        int[] lut = Blur.tintTable(255, 0, 0, 128);
        int[] out = new int[16 * 12];
        Blur.upscale(src, 4, 3, 4, lut, out, 0, 0, 16, 12);
        assertThat(out).containsOnly(lut[255]);
        assertThat(lut[255]).isEqualTo(128 << 24 | 128 << 16);
        assertThat(lut[0]).isZero();
    }
}
