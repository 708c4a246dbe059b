package dev.kiln.render.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Compares rendered pixels with reference PNGs under {@code src/test/resources/golden}. Run with
 * {@code -Dkiln.golden.update=true} to rewrite the references; on a mismatch the actual image and a diff are
 * written to {@code target/golden-failures/}.
 */
public final class Golden {
    /** Largest per-channel difference tolerated: antialiasing may differ by a step or two across JDK builds. */
    public static final int CHANNEL_TOLERANCE = 3;
    /** Share of pixels allowed beyond the channel tolerance (edge pixels under a different rasterizer). */
    public static final double OUTLIER_FRACTION = 0.002;

    private static final Path SOURCE_ROOT = Path.of("src/test/resources/golden");
    private static final Path FAILURES = Path.of("target/golden-failures");

    private Golden() {}

    /** Asserts {@code actual} matches {@code golden/<name>.png}, or rewrites it in update mode. */
    public static void assertMatches(String name, BufferedImage actual) {
        if (Boolean.getBoolean("kiln.golden.update")) {
            write(SOURCE_ROOT.resolve(name + ".png"), actual);
            return;
        }
        BufferedImage expected;
        try (InputStream in = Golden.class.getResourceAsStream("/golden/" + name + ".png")) {
            if (in == null) {
                fail("no golden image golden/" + name + ".png; run with -Dkiln.golden.update=true to create it");
                return;
            }
            expected = ImageIO.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(actual.getWidth()).as("width of " + name).isEqualTo(expected.getWidth());
        assertThat(actual.getHeight()).as("height of " + name).isEqualTo(expected.getHeight());
        int w = actual.getWidth();
        int h = actual.getHeight();
        BufferedImage diff = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        long outliers = 0;
        int worst = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int d = maxChannelDiff(actual.getRGB(x, y), expected.getRGB(x, y));
                worst = Math.max(worst, d);
                if (d > CHANNEL_TOLERANCE) {
                    outliers++;
                    diff.setRGB(x, y, 0xFF0000 | Math.min(255, d * 4) << 8);
                }
            }
        }
        if (outliers > OUTLIER_FRACTION * w * h) {
            write(FAILURES.resolve(name + ".actual.png"), actual);
            write(FAILURES.resolve(name + ".diff.png"), diff);
            fail(name + ": " + outliers + " pixels differ by more than " + CHANNEL_TOLERANCE + " (worst " + worst
                    + "); see " + FAILURES.resolve(name + ".actual.png"));
        }
    }

    /** Compares straight (non-premultiplied) ARGB so transparent pixels of any colour compare equal. */
    private static int maxChannelDiff(int a, int b) {
        int aa = a >>> 24;
        int ba = b >>> 24;
        if (aa == 0 && ba == 0) {
            return 0;
        }
        int d = Math.abs(aa - ba);
        for (int shift = 0; shift <= 16; shift += 8) {
            d = Math.max(d, Math.abs(((a >> shift) & 0xFF) - ((b >> shift) & 0xFF)));
        }
        return d;
    }

    private static void write(Path path, BufferedImage image) {
        try {
            Files.createDirectories(path.getParent());
            ImageIO.write(image, "png", path.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
