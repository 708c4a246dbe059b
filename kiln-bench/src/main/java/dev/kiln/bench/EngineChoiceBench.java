package dev.kiln.bench;

import com.github.weisj.jsvg.SVGDocument;
import com.github.weisj.jsvg.parser.LoaderContext;
import com.github.weisj.jsvg.parser.SVGLoader;
import com.github.weisj.jsvg.parser.resources.ResourcePolicy;
import com.github.weisj.jsvg.view.ViewBox;
import dev.kiln.render.CancellationSignal;
import dev.kiln.render.OutputFormat;
import dev.kiln.render.OutputSpec;
import dev.kiln.render.PreparedRender;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.encode.Encoders;
import io.github.humbleui.skija.ColorAlphaType;
import io.github.humbleui.skija.ColorType;
import io.github.humbleui.skija.Data;
import io.github.humbleui.skija.EncodeJPEGOptions;
import io.github.humbleui.skija.EncodePNGOptions;
import io.github.humbleui.skija.EncoderJPEG;
import io.github.humbleui.skija.EncoderPNG;
import io.github.humbleui.skija.Image;
import io.github.humbleui.skija.ImageInfo;
import io.github.humbleui.skija.Surface;
import io.github.humbleui.skija.svg.SVGDOM;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The alternatives behind the engine choices in docs/render-engines.md, on the 1200×630 reference card: SVG
 * drawn by JSVG vs Skia's SVGDOM, and each format's chosen encoder vs the rejected ones.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class EngineChoiceBench {
    private static final int W = 1200;
    private static final int H = 630;

    private byte[] svg;
    private BufferedImage card;
    private OutputSpec spec;
    private OutputSpec jpegSpec;
    private OutputSpec webpSpec;

    @Setup
    public void setUp() {
        String markup = RenderFormatBench.resource("card.svg");
        svg = markup.getBytes(StandardCharsets.UTF_8);
        RenderEngine engine = RenderEngine.create(RenderLimits.defaults());
        PreparedRender prepared = engine.prepare(RenderFormatBench.request("svg-card"));
        card = prepared.document().draw(W, H, 0, CancellationSignal.NONE);
        spec = new OutputSpec(OutputFormat.PNG, 90, W, H, 0, null);
        jpegSpec = new OutputSpec(OutputFormat.JPEG, 90, W, H, 0, null);
        webpSpec = new OutputSpec(OutputFormat.WEBP, 90, W, H, 0, null);
    }

    /** Chosen: JSVG parse + draw into Java2D. */
    @Benchmark
    public BufferedImage svgJsvg() {
        SVGDocument doc = new SVGLoader()
                .load(
                        new ByteArrayInputStream(svg),
                        null,
                        LoaderContext.builder()
                                .externalResourcePolicy(ResourcePolicy.DENY_EXTERNAL)
                                .build());
        BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_INT_ARGB_PRE);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            doc.render((java.awt.Component) null, g, new ViewBox(0, 0, W, H));
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Rejected: Skia SVGDOM parse + raster draw + copy into a BufferedImage. */
    @Benchmark
    public BufferedImage svgSkia() {
        BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_INT_ARGB_PRE);
        try (Data data = Data.makeFromBytes(svg);
                SVGDOM dom = new SVGDOM(data);
                Surface surface = Surface.makeRaster(new ImageInfo(W, H, ColorType.N32, ColorAlphaType.PREMUL))) {
            dom.setContainerSize(W, H);
            dom.render(surface.getCanvas());
            try (io.github.humbleui.skija.Pixmap pixmap = new io.github.humbleui.skija.Pixmap()) {
                surface.peekPixels(pixmap);
                pixmap.getBuffer()
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .asIntBuffer()
                        .get(((DataBufferInt) image.getRaster().getDataBuffer()).getData());
            }
        }
        return image;
    }

    /** Chosen PNG: Kiln's writer (filter None, zlib 6 at quality 90). */
    @Benchmark
    public byte[] pngKiln() {
        return Encoders.encode(card, spec);
    }

    /** Rejected PNG: Skija/libpng at zlib 6, all filters. */
    @Benchmark
    public byte[] pngSkija() {
        try (Image image = skijaImage();
                Data d = EncoderPNG.encode(image, EncodePNGOptions.DEFAULT.withZlibLevel(6))) {
            return d.getBytes();
        }
    }

    /** Rejected PNG: ImageIO. */
    @Benchmark
    public byte[] pngImageIo() {
        return imageIo("png", card);
    }

    /** Chosen JPEG: Kiln's Skija/libjpeg-turbo encoder at quality 90. */
    @Benchmark
    public byte[] jpegKiln() {
        return Encoders.encode(card, jpegSpec);
    }

    /** Rejected JPEG: ImageIO at quality 0.9, composited onto white first. */
    @Benchmark
    public byte[] jpegImageIo() {
        BufferedImage rgb = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        try {
            g.setColor(java.awt.Color.WHITE);
            g.fillRect(0, 0, W, H);
            g.drawImage(card, 0, 0, null);
        } finally {
            g.dispose();
        }
        javax.imageio.ImageWriter writer =
                ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (javax.imageio.stream.MemoryCacheImageOutputStream stream =
                new javax.imageio.stream.MemoryCacheImageOutputStream(out)) {
            javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.9f);
            writer.setOutput(stream);
            writer.write(null, new javax.imageio.IIOImage(rgb, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** Skija JPEG directly at quality 90, without Kiln's white compositing pass. */
    @Benchmark
    public byte[] jpegSkijaRaw() {
        try (Image image = skijaImage();
                Data d = EncoderJPEG.encode(image, EncodeJPEGOptions.DEFAULT.withQuality(90))) {
            return d.getBytes();
        }
    }

    /** Chosen (only) WebP: Skija/libwebp lossy at quality 90. */
    @Benchmark
    public byte[] webpKiln() {
        return Encoders.encode(card, webpSpec);
    }

    private Image skijaImage() {
        int[] argb = ((DataBufferInt) card.getRaster().getDataBuffer()).getData();
        byte[] bgra = new byte[argb.length * 4];
        ByteBuffer.wrap(bgra).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().put(argb);
        return Image.makeRasterFromBytes(new ImageInfo(W, H, ColorType.BGRA_8888, ColorAlphaType.PREMUL), bgra, W * 4L);
    }

    private static byte[] imageIo(String format, BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, format, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
