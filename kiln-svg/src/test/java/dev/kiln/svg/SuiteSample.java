package dev.kiln.svg;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/** The committed sample of resvg's suite (src/test/resources/resvg-suite) and the pass rule its README states. */
final class SuiteSample {
    /** A pixel is off when a straight-alpha channel differs by more than this. */
    static final int CHANNEL_TOLERANCE = 4;

    /** A file passes with at most this fraction of its pixels off. */
    static final double MAX_OFF_FRACTION = 0.005;

    private SuiteSample() {}

    static Path root() {
        try {
            return Path.of(SuiteSample.class.getResource("/resvg-suite").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every SVG of the sample, sorted by path. */
    static List<Path> files() {
        try (Stream<Path> s = Files.walk(root())) {
            return s.filter(p -> p.toString().endsWith(".svg")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String name(Path svg) {
        return root().relativize(svg).toString();
    }

    static BufferedImage reference(Path svg) {
        Path png = svg.resolveSibling(svg.getFileName().toString().replaceAll("\\.svg$", ".png"));
        try {
            return ImageIO.read(png.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fraction of pixels off by more than the tolerance; 1 when the sizes differ. */
    static double offFraction(RgbaImage actual, BufferedImage expected) {
        if (actual.width() != expected.getWidth() || actual.height() != expected.getHeight()) {
            return 1;
        }
        long off = 0;
        for (int y = 0; y < actual.height(); y++) {
            for (int x = 0; x < actual.width(); x++) {
                int a = actual.straightArgb(x, y);
                int e = expected.getRGB(x, y);
                if ((a >>> 24) == 0 && (e >>> 24) == 0) {
                    continue;
                }
                for (int shift = 0; shift < 32; shift += 8) {
                    if (Math.abs((a >>> shift & 0xff) - (e >>> shift & 0xff)) > CHANNEL_TOLERANCE) {
                        off++;
                        break;
                    }
                }
            }
        }
        return (double) off / ((long) actual.width() * actual.height());
    }
}
