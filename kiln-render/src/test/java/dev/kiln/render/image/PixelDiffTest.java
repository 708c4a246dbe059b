package dev.kiln.render.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PixelDiffTest {
    @Test
    void aGreyPngIsReadAsStoredNotBrightenedAsLinearGrey() throws Exception {
        BufferedImage grey = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
        for (int x = 0; x < 4; x++) {
            for (int y = 0; y < 4; y++) {
                grey.getRaster().setSample(x, y, 0, 128);
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(grey, "png", png);
        BufferedImage read = ImageIO.read(new ByteArrayInputStream(png.toByteArray()));

        assertThat(read.getRGB(0, 0) & 0xff).as("what getRGB makes of it").isGreaterThan(150);
        assertThat(PixelDiff.straightArgb(read, 0, 0)).isEqualTo(0xff808080);

        BufferedImage rgb = new BufferedImage(4, 4, BufferedImage.TYPE_INT_ARGB);
        for (int x = 0; x < 4; x++) {
            for (int y = 0; y < 4; y++) {
                rgb.setRGB(x, y, 0xff808080);
            }
        }
        assertThat(PixelDiff.offFraction(rgb, read, 0)).isZero();
        rgb.setRGB(1, 1, 0xff868080);
        assertThat(PixelDiff.offFraction(rgb, read, 4)).isEqualTo(1.0 / 16);
        assertThat(PixelDiff.offFraction(rgb, read, 6)).isZero();
        assertThat(PixelDiff.offFraction(new BufferedImage(3, 4, BufferedImage.TYPE_INT_ARGB), read, 4))
                .isEqualTo(1);
    }

    @Test
    void pixelsTransparentInBothAreEqualWhateverTheirColour() {
        BufferedImage a = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        BufferedImage b = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        a.setRGB(0, 0, 0x00ff0000);
        b.setRGB(0, 0, 0x0000ff00);
        assertThat(PixelDiff.offFraction(a, b, 0)).isZero();
        a.setRGB(1, 0, 0x10000000);
        assertThat(PixelDiff.offFraction(a, b, 4)).isEqualTo(0.5);
    }
}
