package dev.kiln.render.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.render.RenderLimits;
import dev.kiln.render.image.InvalidImageException.Reason;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ImageInspectorTest {
    static final RenderLimits LIMITS = RenderLimits.defaults();

    static byte[] image(ImageFormat f, int w, int h) {
        return switch (f) {
            case PNG -> TestImages.png(w, h);
            case JPEG -> TestImages.jpeg(w, h);
            case WEBP -> TestImages.webp(w, h);
        };
    }

    @ParameterizedTest
    @EnumSource(ImageFormat.class)
    void aWholeImageGivesItsFormatAndSizeFromItsHeader(ImageFormat f) {
        ImageHeader h = ImageInspector.inspect(image(f, 321, 123), f, LIMITS);
        assertThat(h).isEqualTo(new ImageHeader(f, 321, 123));
    }

    @ParameterizedTest
    @EnumSource(ImageFormat.class)
    void aTruncatedImageIsRefused(ImageFormat f) {
        byte[] whole = image(f, 200, 100);
        for (double fraction : new double[] {0.3, 0.6, 0.95}) {
            assertThatThrownBy(() -> ImageInspector.inspect(TestImages.truncated(whole, fraction), f, LIMITS))
                    .as("%s cut at %s", f, fraction)
                    .isInstanceOfSatisfying(InvalidImageException.class, e -> assertThat(e.reason())
                            .isEqualTo(Reason.TRUNCATED))
                    .hasMessageContaining("truncated");
        }
    }

    @Test
    void bytesOfAnotherFormatThanDeclaredAreRefused() {
        assertThatThrownBy(() -> ImageInspector.inspect(TestImages.png(10, 10), ImageFormat.JPEG, LIMITS))
                .isInstanceOfSatisfying(
                        InvalidImageException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TYPE_MISMATCH))
                .hasMessageContaining("image/png")
                .hasMessageContaining("image/jpeg");
        byte[] gif = {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0, 0, 0, ';'};
        assertThatThrownBy(() -> ImageInspector.inspect(gif, ImageFormat.PNG, LIMITS))
                .isInstanceOfSatisfying(
                        InvalidImageException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_AN_IMAGE));
        assertThatThrownBy(() -> ImageInspector.inspect(new byte[0], ImageFormat.PNG, LIMITS))
                .isInstanceOf(InvalidImageException.class);
    }

    @Test
    void aDecompressionBombIsRefusedFromItsHeader() {
        byte[] bomb = TestImages.pngBomb(20_000, 20_000);
        assertThat(bomb.length).as("small on the wire").isLessThan(200_000);
        assertThatThrownBy(() -> ImageInspector.inspect(bomb, ImageFormat.PNG, LIMITS))
                .isInstanceOfSatisfying(
                        InvalidImageException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_MANY_PIXELS))
                .hasMessageContaining("20000x20000")
                .hasMessageContaining("maxImagePixels");
    }

    @Test
    void aCorruptedChunkFailsItsCrc() {
        byte[] png = TestImages.png(50, 50);
        png[40] ^= 0x5a; // inside IDAT (or a chunk before it): its CRC no longer matches
        assertThatThrownBy(() -> ImageInspector.inspect(png, ImageFormat.PNG, LIMITS))
                .isInstanceOfSatisfying(
                        InvalidImageException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CORRUPT));
    }

    @Test
    void overTheByteCapIsTooLarge() {
        RenderLimits small = new RenderLimits(
                8192,
                4096L * 4096,
                1000,
                16,
                10_000,
                100,
                25_000_000L,
                1 << 20,
                1 << 20,
                3600,
                java.time.Duration.ofSeconds(60));
        assertThatThrownBy(() -> ImageInspector.inspect(TestImages.png(64, 64), ImageFormat.PNG, small))
                .isInstanceOfSatisfying(
                        InvalidImageException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE));
    }

    @ParameterizedTest
    @EnumSource(ImageFormat.class)
    void aThumbnailKeepsTheAspectWithinTheMaxSide(ImageFormat f) throws Exception {
        Thumbnails.Thumbnail t = Thumbnails.make(image(f, 800, 400), 256, LIMITS);
        assertThat(t.width()).isEqualTo(256);
        assertThat(t.height()).isEqualTo(128);
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(t.png()));
        assertThat(decoded.getWidth()).isEqualTo(256);
        // The red square in the middle survives the scaling.
        int centre = decoded.getRGB(128, 64);
        assertThat((centre >> 16) & 0xff).as("red").isGreaterThan(200);
        assertThat(centre & 0xff).as("blue").isLessThan(60);
    }

    @Test
    void wholeStructureWithUndecodableDataPassesInspectionButNotDecoding() {
        byte[] png = TestImages.pngWithGarbageData(64, 64);
        assertThat(ImageInspector.inspect(png, ImageFormat.PNG, LIMITS))
                .isEqualTo(new ImageHeader(ImageFormat.PNG, 64, 64));
        assertThatThrownBy(() -> Thumbnails.make(png, 256, LIMITS))
                .isInstanceOfSatisfying(
                        InvalidImageException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CORRUPT))
                .hasMessageContaining("cannot be decoded");
    }

    @Test
    void aSmallImageIsNotScaledUp() {
        Thumbnails.Thumbnail t = Thumbnails.make(TestImages.png(40, 30), 256, LIMITS);
        assertThat(t.width()).isEqualTo(40);
        assertThat(t.height()).isEqualTo(30);
    }

    @Test
    void webpDecodesForScenes() {
        BufferedImage img = Thumbnails.decodeToBufferedImage(TestImages.webp(64, 32), LIMITS);
        assertThat(img.getWidth()).isEqualTo(64);
        assertThat(img.getHeight()).isEqualTo(32);
        assertThat((img.getRGB(32, 16) >> 16) & 0xff).isGreaterThan(200);
    }
}
