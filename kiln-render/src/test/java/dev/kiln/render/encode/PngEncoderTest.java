package dev.kiln.render.encode;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PngEncoderTest {
    @ParameterizedTest
    @EnumSource(PngEncoder.Filter.class)
    void everyFilterRoundTripsExactly(PngEncoder.Filter filter) throws IOException {
        BufferedImage src = new BufferedImage(37, 23, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 23; y++) {
            for (int x = 0; x < 37; x++) {
                int a = x == 0 ? 0 : 255; // one transparent column forces RGBA
                src.setRGB(x, y, a << 24 | (x * 7) << 16 | (y * 11) << 8 | ((x * y) & 0xFF));
            }
        }

        BufferedImage back = ImageIO.read(new ByteArrayInputStream(PngEncoder.encode(src, 6, filter)));

        for (int y = 0; y < 23; y++) {
            for (int x = 1; x < 37; x++) {
                assertThat(back.getRGB(x, y)).isEqualTo(src.getRGB(x, y));
            }
            assertThat(back.getRGB(0, y) >>> 24).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(PngEncoder.Filter.class)
    void opaqueImagesAreWrittenAsRgb(PngEncoder.Filter filter) throws IOException {
        BufferedImage src = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        src.setRGB(3, 3, 0x123456);

        byte[] png = PngEncoder.encode(src, 1, filter);

        assertThat(png[8 + 8 + 9]).as("IHDR colour type").isEqualTo((byte) 2);
        assertThat(ImageIO.read(new ByteArrayInputStream(png)).getRGB(3, 3)).isEqualTo(0xFF123456);
    }

    @org.junit.jupiter.api.Test
    void qualityMapsToZlibLevel() {
        assertThat(PngEncoder.zlibLevel(1)).isEqualTo(1);
        assertThat(PngEncoder.zlibLevel(90)).isEqualTo(6);
        assertThat(PngEncoder.zlibLevel(100)).isEqualTo(9);
    }
}
