package dev.kiln.render.lottie;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.render.CancellationSignal;
import dev.kiln.render.Document;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.engine.Requests;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real Lottie files (src/test/resources/lottie/corpus) drawn by Kiln against the frames lottie-web drew of them
 * (lottie/reference, written by scripts/lottie-fidelity.sh): the same rule as the script, at most 3 % of pixels
 * with an RGB channel more than 32 apart, over white. Before the compatibility pass the old bodymovin files
 * (adrock, gatin, dalek) lost their 0-255 colours and location_marker froze after its last keyframe.
 */
class LottieCompatTest {
    /** A pixel differs when one RGB channel differs by more than this (lottie-web antialiases differently). */
    static final int CHANNEL_TOLERANCE = 32;
    /** A frame matches lottie-web when no more than this share of its pixels differ. */
    static final double MAX_DIFFERING_SHARE = 0.03;

    private static final RenderEngine ENGINE = RenderEngine.create(RenderLimits.defaults());

    static Stream<Arguments> referenceFrames() throws IOException, URISyntaxException {
        Path root =
                Path.of(LottieCompatTest.class.getResource("/lottie/reference").toURI());
        try (Stream<Path> files = Files.walk(root)) {
            List<Arguments> frames = files.filter(p -> p.toString().endsWith(".png"))
                    .sorted()
                    .map(p -> Arguments.of(
                            p.getParent().getFileName().toString(),
                            Integer.parseInt(p.getFileName().toString().replaceAll("\\D", ""))))
                    .toList();
            assertThat(frames).hasSizeGreaterThanOrEqualTo(20);
            return frames.stream();
        }
    }

    @ParameterizedTest(name = "{0} frame {1}")
    @MethodSource("referenceFrames")
    void frameMatchesLottieWeb(String file, int frame) throws IOException {
        BufferedImage expected = read("/lottie/reference/" + file + "/" + String.format("frame-%04d.png", frame));
        Document doc = ENGINE.prepare(Requests.lottieResource("/lottie/corpus/" + file + ".json"))
                .document();

        BufferedImage actual = overWhite(doc.draw(
                expected.getWidth(), expected.getHeight(), frame * 1000.0 / doc.fps(), CancellationSignal.NONE));

        assertThat(differingShare(actual, expected))
                .as("share of pixels of %s frame %d that differ from lottie-web's", file, frame)
                .isLessThanOrEqualTo(MAX_DIFFERING_SHARE);
    }

    /** Text drawn from the file's glyph outlines ("chars"), as lottie-web does; Skottie drew nothing before. */
    @Test
    void textIsDrawnFromEmbeddedGlyphs() throws IOException {
        ObjectNode anim = (ObjectNode) Requests.JSON.readTree("""
                {"v":"5.5.0","fr":30,"ip":0,"op":10,"w":200,"h":200,
                 "fonts":{"list":[{"fName":"Box-Regular","fFamily":"Box","fStyle":"Regular","ascent":75}]},
                 "chars":[{"ch":"I","size":100,"style":"Regular","w":60,"fFamily":"Box","data":{"shapes":[
                   {"ty":"gr","it":[{"ty":"sh","ks":{"a":0,"k":{"c":true,"i":[[0,0],[0,0],[0,0],[0,0]],
                     "o":[[0,0],[0,0],[0,0],[0,0]],"v":[[5,0],[55,0],[55,-70],[5,-70]]}}}]}]}}],
                 "layers":[{"ty":5,"ind":1,"ip":0,"op":10,"st":0,
                   "ks":{"o":{"a":0,"k":100},"r":{"a":0,"k":0},"p":{"a":0,"k":[60,140,0]},
                         "a":{"a":0,"k":[0,0,0]},"s":{"a":0,"k":[100,100,100]}},
                   "t":{"d":{"k":[{"t":0,"s":{"s":100,"f":"Box-Regular","t":"I","j":0,"tr":0,"lh":120,
                         "ls":0,"fc":[1,0,0]}}]},"p":{},"m":{"g":1,"a":{"a":0,"k":[0,0]}},"a":[]}}]}
                """);
        BufferedImage image =
                ENGINE.prepare(Requests.lottie(anim)).document().draw(200, 200, 0, CancellationSignal.NONE);

        // The glyph is the rectangle x 5..55, y -70..0 of the text origin (60,140): centre (90,105).
        assertThat(image.getRGB(90, 105)).isEqualTo(0xFFFF0000);
        assertThat(image.getRGB(30, 105) >>> 24).isZero();
    }

    /** {@code loopOut('cycle')} repeats the keyframes: after the last key the pose is the first cycle's again. */
    @Test
    void loopOutCycleRepeatsThePose() throws IOException {
        JsonNode anim = Requests.JSON.readTree("""
                {"v":"5.5.0","fr":30,"ip":0,"op":60,"w":100,"h":100,
                 "layers":[{"ty":4,"ind":1,"ip":0,"op":60,"st":0,
                   "ks":{"o":{"a":0,"k":100},"r":{"a":0,"k":0},"a":{"a":0,"k":[0,0,0]},"s":{"a":0,"k":[100,100,100]},
                         "p":{"a":1,"x":"var $bm_rt;\\n$bm_rt = loopOut('cycle');","k":[
                           {"t":0,"s":[20,50,0],"i":{"x":[1],"y":[1]},"o":{"x":[0],"y":[0]}},
                           {"t":10,"s":[80,50,0],"i":{"x":[1],"y":[1]},"o":{"x":[0],"y":[0]}},
                           {"t":20,"s":[20,50,0]}]}},
                   "shapes":[{"ty":"rc","p":{"a":0,"k":[0,0]},"s":{"a":0,"k":[10,10]},"r":{"a":0,"k":0}},
                             {"ty":"fl","c":{"a":0,"k":[0,0,1,1]},"o":{"a":0,"k":100}}]}]}
                """);
        Document doc = ENGINE.prepare(Requests.lottie(anim)).document();

        BufferedImage first = doc.draw(100, 100, 5 * 1000.0 / 30, CancellationSignal.NONE);
        BufferedImage third = doc.draw(100, 100, 45 * 1000.0 / 30, CancellationSignal.NONE);

        // Frame 5 and frame 45 (= 5 + 2 cycles of 20) both have the square halfway, at x = 50.
        assertThat(first.getRGB(50, 50)).isEqualTo(0xFF0000FF);
        assertThat(third.getRGB(50, 50)).isEqualTo(0xFF0000FF);
        assertThat(third.getRGB(20, 50) >>> 24).as("not frozen on the last key").isZero();
    }

    static double differingShare(BufferedImage a, BufferedImage b) {
        assertThat(a.getWidth()).isEqualTo(b.getWidth());
        assertThat(a.getHeight()).isEqualTo(b.getHeight());
        long differing = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                int d = 0;
                for (int shift = 0; shift <= 16; shift += 8) {
                    d = Math.max(d, Math.abs(((p >> shift) & 0xFF) - ((q >> shift) & 0xFF)));
                }
                differing += d > CHANNEL_TOLERANCE ? 1 : 0;
            }
        }
        return (double) differing / ((long) a.getWidth() * a.getHeight());
    }

    private static BufferedImage overWhite(BufferedImage src) {
        BufferedImage rgb = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, src.getWidth(), src.getHeight());
        g.drawImage(src, 0, 0, null);
        g.dispose();
        return rgb;
    }

    private static BufferedImage read(String resource) throws IOException {
        try (InputStream in = LottieCompatTest.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new UncheckedIOException(new IOException("missing test resource " + resource));
            }
            return ImageIO.read(in);
        }
    }
}
