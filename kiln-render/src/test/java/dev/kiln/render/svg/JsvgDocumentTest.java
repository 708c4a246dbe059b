package dev.kiln.render.svg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.render.CancellationSignal;
import dev.kiln.render.RenderCancelledException;
import dev.kiln.render.internal.PreparedDocument;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class JsvgDocumentTest {
    private static PreparedDocument load(String svg, int width, int height) {
        return SvgSandbox.rasterizer()
                .load(svg.getBytes(java.nio.charset.StandardCharsets.UTF_8), width, height)
                .orElseThrow();
    }

    /** A 1×1 opaque red PNG. */
    private static final String RED_PNG =
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC";

    @Test
    void inlineDataImageIsDrawnDespiteTheDenyExternalPolicy() {
        String svg = "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'>"
                + "<image href='data:image/png;base64," + RED_PNG + "' width='10' height='10'"
                + " preserveAspectRatio='none'/></svg>";
        PreparedDocument doc = load(svg, 10, 10);

        BufferedImage image = doc.draw(10, 10, 0, CancellationSignal.NONE);

        assertThat(image.getRGB(5, 5)).isEqualTo(0xFFFF0000);
    }

    @Test
    void externalImageIsNotLoadedEvenIfThePrepassWereBypassed() {
        // Straight to JSVG, skipping SvgPrepass: the loader policy alone must refuse the file.
        String svg = "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'>"
                + "<image href='file:///etc/hostname' width='10' height='10'/></svg>";
        PreparedDocument doc = load(svg, 10, 10);

        BufferedImage image = doc.draw(10, 10, 0, CancellationSignal.NONE);

        assertThat(image.getRGB(5, 5) >>> 24).isZero();
    }

    @Test
    void cancelledRenderStops() {
        PreparedDocument doc = load("<svg xmlns='http://www.w3.org/2000/svg' width='4' height='4'/>", 4, 4);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> doc.draw(4, 4, 0, () -> true))
                .isInstanceOf(RenderCancelledException.class);
    }
}
