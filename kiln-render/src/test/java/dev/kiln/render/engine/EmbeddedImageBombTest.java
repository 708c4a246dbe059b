package dev.kiln.render.engine;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.render.InvalidDocumentException;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * Regression (found by fuzzing the svgImage target, docs/hangs.md): a PNG of a few dozen bytes whose header
 * declares 100,000 × 100,000 pixels, embedded in an SVG {@code <image>}, made JSVG allocate its raster (out of
 * memory, or seconds of decoding); the scene path already checked the header, SVG and Lottie did not.
 */
class EmbeddedImageBombTest {
    private static final RenderEngine ENGINE = RenderEngine.create(RenderLimits.defaults());
    private static final String BOMB =
            "data:image/png;base64," + Base64.getEncoder().encodeToString(pngHeader(100_000, 100_000));

    @Test
    void svgImageOverThePixelCapIsRejectedAtPrepare() {
        String svg = "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'><image href='" + BOMB
                + "' width='10' height='10'/></svg>";

        assertThatThrownBy(() -> ENGINE.prepare(Requests.svg(svg)))
                .isInstanceOf(InvalidDocumentException.class)
                .hasMessageContaining("/document/svg")
                .hasMessageContaining("maxImagePixels");
    }

    @Test
    void lottieImageAssetOverThePixelCapIsRejectedAtPrepare() throws Exception {
        String json = """
                {"v":"5.7.0","fr":30,"ip":0,"op":10,"w":10,"h":10,
                 "assets":[{"id":"img","w":1,"h":1,"e":1,"u":"","p":"%s"}],
                 "layers":[{"ty":2,"ind":1,"refId":"img","ip":0,"op":10,"st":0,
                   "ks":{"o":{"a":0,"k":100},"r":{"a":0,"k":0},"p":{"a":0,"k":[0,0,0]},
                         "a":{"a":0,"k":[0,0,0]},"s":{"a":0,"k":[100,100,100]}}}]}
                """.formatted(BOMB);

        assertThatThrownBy(() -> ENGINE.prepare(Requests.lottie(Requests.JSON.readTree(json))))
                .isInstanceOf(InvalidDocumentException.class)
                .hasMessageContaining("/document/animation/assets/0/p")
                .hasMessageContaining("maxImagePixels");
    }

    /** A PNG signature and a valid IHDR chunk (8-bit RGBA) declaring {@code w} × {@code h}; no pixel data. */
    static byte[] pngHeader(int w, int h) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(17)
                .put("IHDR".getBytes(StandardCharsets.US_ASCII))
                .putInt(w)
                .putInt(h)
                .put((byte) 8)
                .put((byte) 6)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        out.writeBytes(ByteBuffer.allocate(4).putInt(13).array());
        out.writeBytes(ihdr.array());
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        return out.toByteArray();
    }
}
