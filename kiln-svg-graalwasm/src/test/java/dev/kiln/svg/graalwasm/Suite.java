package dev.kiln.svg.graalwasm;

import dev.kiln.svg.RgbaImage;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/** kiln-render's committed suite sample and its pass rule (resvg-suite/README.md there), read in place. */
final class Suite {
    static final int CHANNEL_TOLERANCE = 4;
    static final double MAX_OFF_FRACTION = 0.005;

    private Suite() {}

    static Path root() {
        return Path.of("../kiln-render/src/test/resources/resvg-suite")
                .toAbsolutePath()
                .normalize();
    }

    static List<Path> files() {
        try (Stream<Path> s = Files.walk(root())) {
            return s.filter(p -> p.toString().endsWith(".svg")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BufferedImage reference(Path svg) {
        try {
            return ImageIO.read(svg.resolveSibling(svg.getFileName().toString().replaceAll("\\.svg$", ".png"))
                    .toFile());
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
