package dev.kiln.render.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.render.CancellationSignal;
import dev.kiln.render.PreparedRender;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.RenderOutput;
import io.github.humbleui.skija.Image;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every format decodes back at the requested size, deterministically, for SVG and Lottie documents. */
class RenderEngineFormatsTest {
    private static final RenderEngine ENGINE = RenderEngine.create(RenderLimits.defaults());
    private static final String CARD = Requests.resource("/golden/svg/card.svg");

    private static RenderOutput render(com.fasterxml.jackson.databind.node.ObjectNode request) {
        PreparedRender prepared = ENGINE.prepare(request);
        return ENGINE.render(prepared, CancellationSignal.NONE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "jpeg", "webp"})
    void svgCardDecodesBackAtItsSize(String format) throws IOException {
        RenderOutput out = render(Requests.withOutput(Requests.svg(CARD), format, null, null, null));

        assertThat(out.width()).isEqualTo(1200);
        assertThat(out.height()).isEqualTo(630);
        assertThat(out.mediaType()).isEqualTo("image/" + format);
        int[] size = decodedSize(format, out.bytes());
        assertThat(size).containsExactly(1200, 630);
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "jpeg", "webp"})
    void lottieFrameDecodesBackAtItsSize(String format) throws IOException {
        RenderOutput out =
                render(Requests.withOutput(Requests.lottieResource("/golden/lottie/ball.json"), format, 320, null, 30));

        assertThat(decodedSize(format, out.bytes())).containsExactly(320, 320);
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "jpeg", "webp"})
    void sameInputGivesIdenticalBytes(String format) {
        byte[] svg1 = render(Requests.withOutput(Requests.svg(CARD), format, 600, null, null))
                .bytes();
        byte[] svg2 = render(Requests.withOutput(Requests.svg(CARD), format, 600, null, null))
                .bytes();
        byte[] lottie1 = render(Requests.withOutput(
                        Requests.lottieResource("/golden/lottie/ball.json"), format, null, null, 17))
                .bytes();
        byte[] lottie2 = render(Requests.withOutput(
                        Requests.lottieResource("/golden/lottie/ball.json"), format, null, null, 17))
                .bytes();

        assertThat(Arrays.equals(svg1, svg2))
                .as("svg " + format + " bytes identical")
                .isTrue();
        assertThat(Arrays.equals(lottie1, lottie2))
                .as("lottie " + format + " bytes identical")
                .isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "jpeg", "webp"})
    void outputWidthScalesHeightByAspect(String format) throws IOException {
        RenderOutput byWidth = render(Requests.withOutput(Requests.svg(CARD), format, 600, null, null));
        RenderOutput byHeight = render(Requests.withOutput(Requests.svg(CARD), format, null, 126, null));
        RenderOutput both = render(Requests.withOutput(Requests.svg(CARD), format, 300, 300, null));

        assertThat(decodedSize(format, byWidth.bytes())).containsExactly(600, 315);
        assertThat(decodedSize(format, byHeight.bytes())).containsExactly(240, 126);
        assertThat(decodedSize(format, both.bytes())).containsExactly(300, 300);
    }

    @org.junit.jupiter.api.Test
    void pngKeepsTransparencyAndJpegCompositesOnWhite() throws IOException {
        String half = "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'>"
                + "<rect width='10' height='10' fill='#000000' fill-opacity='0.5'/></svg>";
        BufferedImage png = ImageIO.read(
                new ByteArrayInputStream(render(Requests.withOutput(Requests.svg(half), "png", null, null, null))
                        .bytes()));
        BufferedImage jpeg = ImageIO.read(
                new ByteArrayInputStream(render(Requests.withOutput(Requests.svg(half), "jpeg", null, null, null))
                        .bytes()));

        assertThat(png.getRGB(5, 5) >>> 24).isBetween(126, 129);
        assertThat(png.getRGB(5, 5) & 0xFFFFFF).isZero();
        // 50% black over white is mid grey; JPEG quantisation may move it by a few steps.
        assertThat((jpeg.getRGB(5, 5) >> 8) & 0xFF).isBetween(122, 133);
    }

    /** Decodes with ImageIO (PNG, JPEG) or Skia's codec (WebP, which the JDK cannot read). */
    static int[] decodedSize(String format, byte[] bytes) throws IOException {
        if (format.equals("webp")) {
            assertThat(new String(bytes, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
            assertThat(new String(bytes, 8, 4, StandardCharsets.US_ASCII)).isEqualTo("WEBP");
            try (Image image = Image.makeDeferredFromEncodedBytes(bytes)) {
                // A deferred image only parses the header; reading one pixel proves the body decodes.
                try (io.github.humbleui.skija.Bitmap bitmap = new io.github.humbleui.skija.Bitmap()) {
                    bitmap.allocN32Pixels(image.getWidth(), image.getHeight());
                    assertThat(image.readPixels(bitmap)).as("webp body decodes").isTrue();
                }
                return new int[] {image.getWidth(), image.getHeight()};
            }
        }
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
        assertThat(image).as(format + " decodes with ImageIO").isNotNull();
        return new int[] {image.getWidth(), image.getHeight()};
    }
}
