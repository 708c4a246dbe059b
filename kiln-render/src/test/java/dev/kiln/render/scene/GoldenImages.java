package dev.kiln.render.scene;

import static org.assertj.core.api.Assertions.fail;

import java.awt.AlphaComposite;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Compares rendered images with reference PNGs under {@code src/test/resources/golden/scene/}.
 *
 * <p>Metric: pixels are compared as premultiplied RGBA. A pixel differs when any channel differs by more than
 * {@link #CHANNEL_TOLERANCE} (of 255); the comparison fails when more than {@link #MAX_DIFF_FRACTION} of the
 * pixels differ, or when any pixel differs by more than {@link #MAX_CHANNEL_DELTA}. This absorbs antialiasing
 * noise between JDK builds but catches a moved, missing or recoloured shape.
 *
 * <p>Run with {@code -Dkiln.golden.update=true} to (re)write the references; a failure writes the actual image
 * and a diff (differing pixels red over a faded actual) to {@code target/golden-failures/}.
 */
final class GoldenImages {
    static final int CHANNEL_TOLERANCE = 8;
    static final double MAX_DIFF_FRACTION = 0.005;
    static final int MAX_CHANNEL_DELTA = 96;

    private static final Path GOLDEN_DIR = Path.of("src/test/resources/golden/scene");
    private static final Path FAILURE_DIR = Path.of("target/golden-failures");

    private GoldenImages() {}

    static boolean updating() {
        return Boolean.getBoolean("kiln.golden.update");
    }

    static void assertMatches(String name, BufferedImage actual) {
        Path golden = GOLDEN_DIR.resolve(name + ".png");
        try {
            if (updating()) {
                Files.createDirectories(GOLDEN_DIR);
                ImageIO.write(toArgb(actual), "png", golden.toFile());
                return;
            }
            if (!Files.exists(golden)) {
                fail("no golden image " + golden.toAbsolutePath() + "; run with -Dkiln.golden.update=true");
            }
            BufferedImage expected = ImageIO.read(golden.toFile());
            Diff diff = compare(expected, actual);
            if (diff.failed()) {
                Files.createDirectories(FAILURE_DIR);
                ImageIO.write(
                        toArgb(actual),
                        "png",
                        FAILURE_DIR.resolve(name + "-actual.png").toFile());
                if (diff.image() != null) {
                    ImageIO.write(
                            diff.image(),
                            "png",
                            FAILURE_DIR.resolve(name + "-diff.png").toFile());
                }
                fail("golden '" + name + "' mismatch: " + diff.summary() + "; actual and diff written to "
                        + FAILURE_DIR.toAbsolutePath());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The outcome of a comparison. */
    record Diff(boolean failed, String summary, BufferedImage image) {}

    static Diff compare(BufferedImage expected, BufferedImage actual) {
        int w = actual.getWidth();
        int h = actual.getHeight();
        if (expected.getWidth() != w || expected.getHeight() != h) {
            return new Diff(
                    true,
                    "size " + w + "x" + h + " but golden is " + expected.getWidth() + "x" + expected.getHeight(),
                    null);
        }
        BufferedImage diffImage = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        long differing = 0;
        int maxDelta = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int e = premultiplied(expected.getRGB(x, y));
                int a = premultiplied(actual.getRGB(x, y));
                int delta = 0;
                for (int shift = 0; shift < 32; shift += 8) {
                    delta = Math.max(delta, Math.abs(((e >>> shift) & 0xff) - ((a >>> shift) & 0xff)));
                }
                maxDelta = Math.max(maxDelta, delta);
                if (delta > CHANNEL_TOLERANCE) {
                    differing++;
                    diffImage.setRGB(x, y, 0xffff0000);
                } else {
                    int grey = 255 - ((255 - luminance(actual.getRGB(x, y))) / 4);
                    diffImage.setRGB(x, y, 0xff000000 | grey << 16 | grey << 8 | grey);
                }
            }
        }
        double fraction = (double) differing / ((long) w * h);
        boolean failed = fraction > MAX_DIFF_FRACTION || maxDelta > MAX_CHANNEL_DELTA;
        String summary = String.format(
                "%d of %d pixels (%.3f%%) differ by more than %d; largest channel delta %d (limits %.3f%%, %d)",
                differing,
                (long) w * h,
                fraction * 100,
                CHANNEL_TOLERANCE,
                maxDelta,
                MAX_DIFF_FRACTION * 100,
                MAX_CHANNEL_DELTA);
        return new Diff(failed, summary, diffImage);
    }

    private static int premultiplied(int argb) {
        int a = argb >>> 24;
        int r = ((argb >> 16) & 0xff) * a / 255;
        int g = ((argb >> 8) & 0xff) * a / 255;
        int b = (argb & 0xff) * a / 255;
        return a << 24 | r << 16 | g << 8 | b;
    }

    private static int luminance(int argb) {
        int a = argb >>> 24;
        int r = ((argb >> 16) & 0xff) * a / 255 + (255 - a);
        int g = ((argb >> 8) & 0xff) * a / 255 + (255 - a);
        int b = (argb & 0xff) * a / 255 + (255 - a);
        return (r * 299 + g * 587 + b * 114) / 1000;
    }

    /** PNG writers expect straight alpha; the renderer produces premultiplied. */
    static BufferedImage toArgb(BufferedImage src) {
        BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setComposite(AlphaComposite.Src);
            g.drawImage(src, 0, 0, null);
        } finally {
            g.dispose();
        }
        return out;
    }
}
