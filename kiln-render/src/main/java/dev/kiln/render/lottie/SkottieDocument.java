package dev.kiln.render.lottie;

import dev.kiln.render.CancellationSignal;
import dev.kiln.render.InvalidDocumentException;
import dev.kiln.render.internal.PreparedDocument;
import io.github.humbleui.skija.ColorAlphaType;
import io.github.humbleui.skija.ColorType;
import io.github.humbleui.skija.ImageInfo;
import io.github.humbleui.skija.Pixmap;
import io.github.humbleui.skija.Surface;
import io.github.humbleui.skija.resources.DataURIResourceProviderProxy;
import io.github.humbleui.skija.resources.FileResourceProvider;
import io.github.humbleui.skija.skottie.Animation;
import io.github.humbleui.skija.skottie.AnimationBuilder;
import io.github.humbleui.skija.skottie.AnimationBuilderFlag;
import io.github.humbleui.types.Rect;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A validated Lottie animation drawn by Skottie. Holds only the JSON: a Skottie {@link Animation} is mutated by
 * {@code seekFrame}, so each render builds its own (measured in docs/render-engines.md) and closes it.
 */
final class SkottieDocument implements PreparedDocument {
    /**
     * Skottie resolves image assets through a resource provider; with none, even embedded {@code data:} images
     * are dropped. Skia's data-URI proxy decodes those in memory but requires a base provider, so the base is a
     * file provider rooted in an empty private directory. {@link LottieParser} rejects every asset, font or
     * directory that is not a data URI before Skottie sees the JSON, so the base is never asked for anything;
     * it exists only because the proxy cannot be built without one.
     */
    private static final Path EMPTY_RESOURCE_DIR = emptyResourceDir();

    private static Path emptyResourceDir() {
        try {
            Path dir = Files.createTempDirectory(
                    "kiln-skottie-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("r-x------")));
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the empty Skottie resource directory", e);
        }
    }

    private final String json;
    private final int width;
    private final int height;
    private final int frames;
    private final double fps;

    private SkottieDocument(String json, int width, int height, int frames, double fps) {
        this.json = json;
        this.width = width;
        this.height = height;
        this.frames = frames;
        this.fps = fps;
    }

    /** Builds the animation once at prepare time so that unreadable JSON fails validation, not a render. */
    static SkottieDocument load(String json, int width, int height, int frames, double fps, String pointer) {
        try (Animation a = build(json)) {
            if (a == null) {
                throw InvalidDocumentException.of(pointer, "Skottie could not build the animation");
            }
        }
        return new SkottieDocument(json, width, height, frames, fps);
    }

    private static Animation build(String json) {
        try (FileResourceProvider nothing = FileResourceProvider.make(EMPTY_RESOURCE_DIR.toString());
                DataURIResourceProviderProxy dataUris = DataURIResourceProviderProxy.make(nothing);
                // Embedded glyphs (the file's "chars") before system fonts, as lottie-web draws them.
                AnimationBuilder builder = new AnimationBuilder(AnimationBuilderFlag.PREFER_EMBEDDED_FONTS)
                        .setResourceProvider(dataUris)) {
            return builder.buildFromString(json);
        } catch (IllegalArgumentException e) {
            return null; // Skija reports a failed build this way
        }
    }

    @Override
    public int intrinsicWidth() {
        return width;
    }

    @Override
    public int intrinsicHeight() {
        return height;
    }

    @Override
    public int frameCount() {
        return frames;
    }

    @Override
    public double fps() {
        return fps;
    }

    @Override
    public BufferedImage draw(int outWidth, int outHeight, double timeMs, CancellationSignal cancel) {
        // Frame index relative to ip; Skottie clamps to [ip, op].
        float frame = (float) Math.min(frames - 1, timeMs * fps / 1000.0);
        BufferedImage image = new BufferedImage(outWidth, outHeight, BufferedImage.TYPE_INT_ARGB_PRE);
        try (Animation anim = build(json);
                // N32 premul with no colour space: Skia's 8-bit "lowp" pipeline (see docs/render-engines.md).
                Surface surface =
                        Surface.makeRaster(new ImageInfo(outWidth, outHeight, ColorType.N32, ColorAlphaType.PREMUL));
                Pixmap pixmap = new Pixmap()) {
            if (anim == null) {
                throw new IllegalStateException("animation built at prepare time but not at render time");
            }
            cancel.throwIfCancelled();
            anim.seekFrame(frame);
            anim.render(surface.getCanvas(), Rect.makeWH(outWidth, outHeight));
            cancel.throwIfCancelled();
            if (!surface.peekPixels(pixmap)) {
                throw new IllegalStateException("raster surface has no addressable pixels");
            }
            copyPixels(pixmap, image, outWidth, outHeight);
        }
        return image;
    }

    /** N32 is BGRA_8888 on little-endian x86/ARM: read as little-endian ints it is Java's ARGB. */
    private static void copyPixels(Pixmap pixmap, BufferedImage image, int w, int h) {
        if (pixmap.getImageInfo().getColorType() != ColorType.BGRA_8888) {
            throw new IllegalStateException("expected BGRA_8888 pixels, got " + pixmap.getImageInfo());
        }
        int[] dst = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        ByteBuffer src = pixmap.getBuffer().order(ByteOrder.LITTLE_ENDIAN);
        int rowInts = pixmap.getRowBytes() / 4;
        if (rowInts == w) {
            src.asIntBuffer().get(dst, 0, w * h);
        } else {
            var ints = src.asIntBuffer();
            for (int y = 0; y < h; y++) {
                ints.get(y * rowInts, dst, y * w, w);
            }
        }
    }
}
