package dev.kiln.bench;

import io.github.humbleui.skija.ColorAlphaType;
import io.github.humbleui.skija.ColorSpace;
import io.github.humbleui.skija.ColorType;
import io.github.humbleui.skija.Data;
import io.github.humbleui.skija.EncodePNGOptions;
import io.github.humbleui.skija.EncoderPNG;
import io.github.humbleui.skija.Image;
import io.github.humbleui.skija.ImageInfo;
import io.github.humbleui.skija.Paint;
import io.github.humbleui.skija.Shader;
import io.github.humbleui.skija.Surface;
import io.github.humbleui.types.Rect;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Why is Skija's CPU raster slow on full-frame gradients and translucent fills? Varies colour type, colour
 * space, surface kind and dither over four 1200×630 draws; the opaque solid fill is the baseline to divide by,
 * since the shared 2-core host makes absolute times noisy. Results and conclusions: docs/render-engines.md.
 */
// makeRasterN32Premul is deprecated in Skija but is exactly what the investigation compares.
@SuppressWarnings("deprecation")
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class SkijaRasterBench {
    static final int W = 1200;
    static final int H = 630;

    /** n32 = BGRA_8888 on x86. */
    @Param({"N32_PREMUL", "N32_UNPREMUL", "RGBA_F16_PREMUL"})
    public String colorType;

    /** none = a legacy untagged surface; srgb = tagged, which makes Skia colour-manage every draw. */
    @Param({"none", "srgb"})
    public String colorSpace;

    /** n32premul = Surface.makeRasterN32Premul, raster = makeRaster(ImageInfo), direct = wrapPixels (the non-deprecated makeRasterDirect) over a direct buffer. */
    @Param({"raster", "n32premul", "direct"})
    public String surfaceKind;

    @Param({"false", "true"})
    public boolean dither;

    private Surface surface;
    private ByteBuffer direct;
    private Paint opaque;
    private Paint translucent;
    private Paint gradient;
    private Shader shader;

    @Setup(Level.Trial)
    public void setUp() {
        ColorSpace cs = colorSpace.equals("srgb") ? ColorSpace.getSRGB() : null;
        ImageInfo info =
                switch (colorType) {
                    case "N32_PREMUL" -> new ImageInfo(W, H, ColorType.N32, ColorAlphaType.PREMUL, cs);
                    case "N32_UNPREMUL" -> new ImageInfo(W, H, ColorType.N32, ColorAlphaType.UNPREMUL, cs);
                    case "RGBA_F16_PREMUL" -> new ImageInfo(W, H, ColorType.RGBA_F16, ColorAlphaType.PREMUL, cs);
                    default -> throw new IllegalArgumentException(colorType);
                };
        surface = switch (surfaceKind) {
            case "raster" -> Surface.makeRaster(info);
            case "n32premul" -> {
                if (!colorType.equals("N32_PREMUL") || cs != null) {
                    // makeRasterN32Premul has no colour type or space: only one combination exists.
                    throw new IllegalArgumentException("n32premul surface is N32 premul untagged only");
                }
                yield Surface.makeRasterN32Premul(W, H);
            }
            case "direct" -> {
                direct = ByteBuffer.allocateDirect((int) info.computeMinByteSize());
                yield Surface.wrapPixels(
                        info,
                        io.github.humbleui.skija.impl.BufferUtil.getPointerFromByteBuffer(direct),
                        info.getMinRowBytes());
            }
            default -> throw new IllegalArgumentException(surfaceKind);
        };
        opaque = new Paint().setColor(0xFF2563EB).setDither(dither);
        translucent = new Paint().setColor(0x802563EB).setDither(dither);
        shader = Shader.makeLinearGradient(0, 0, W, H, new int[] {0xFF1E3A8A, 0xFF9333EA});
        gradient = new Paint().setShader(shader).setDither(dither);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        gradient.close();
        shader.close();
        translucent.close();
        opaque.close();
        surface.close();
    }

    /** Baseline: opaque solid fill, a plain memset-like blit. */
    @Benchmark
    public Surface opaqueFill() {
        surface.getCanvas().drawRect(Rect.makeWH(W, H), opaque);
        return surface;
    }

    /** 50% alpha solid fill: a blend per pixel. */
    @Benchmark
    public Surface translucentFill() {
        surface.getCanvas().drawRect(Rect.makeWH(W, H), translucent);
        return surface;
    }

    /** Two-stop linear gradient over the whole frame. */
    @Benchmark
    public Surface linearGradient() {
        surface.getCanvas().drawRect(Rect.makeWH(W, H), gradient);
        return surface;
    }

    /** PNG zlib level 1 vs 6 of the gradient frame (Skija's encoder, for comparison with ours). */
    @State(Scope.Thread)
    public static class PngState {
        @Param({"1", "6"})
        public int zlibLevel;

        Image image;

        @Setup(Level.Trial)
        public void setUp() {
            try (Surface s = Surface.makeRaster(ImageInfo.makeN32Premul(W, H));
                    Shader sh = Shader.makeLinearGradient(0, 0, W, H, new int[] {0xFF1E3A8A, 0xFF9333EA});
                    Paint p = new Paint().setShader(sh)) {
                s.getCanvas().drawRect(Rect.makeWH(W, H), p);
                image = s.makeImageSnapshot();
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            image.close();
        }
    }

    /** Skija PNG encode of a gradient frame at the given zlib level. */
    @Benchmark
    public byte[] skijaPng(PngState state) {
        try (Data d = EncoderPNG.encode(state.image, EncodePNGOptions.DEFAULT.withZlibLevel(state.zlibLevel))) {
            return d.getBytes();
        }
    }
}
