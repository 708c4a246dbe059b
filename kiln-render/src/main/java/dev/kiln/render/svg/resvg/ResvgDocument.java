package dev.kiln.render.svg.resvg;

import dev.kiln.render.CancellationSignal;
import dev.kiln.render.InvalidDocumentException;
import dev.kiln.render.RenderCancelledException;
import dev.kiln.render.internal.PreparedDocument;
import dev.kiln.render.internal.RenderAbortedError;
import dev.kiln.resvg.ArgbPixels;
import dev.kiln.resvg.ResvgFailure;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferInt;
import java.awt.image.DirectColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.util.Optional;

/**
 * A validated SVG drawn by native resvg in a confined child ({@link ResvgSandbox}). Holds only the markup; resvg
 * parses it in the child for each render, so nothing is shared between renders or threads.
 */
final class ResvgDocument implements PreparedDocument {
    /** Where an SVG document's markup sits in a render request. */
    private static final String POINTER = "/document/svg";

    /** {@code TYPE_INT_ARGB_PRE}'s colour model: an image built on it with a packed int raster is of that type. */
    private static final DirectColorModel PREMULTIPLIED_ARGB = new DirectColorModel(
            ColorSpace.getInstance(ColorSpace.CS_sRGB),
            32,
            0x00ff0000,
            0x0000ff00,
            0x000000ff,
            0xff000000,
            true,
            DataBuffer.TYPE_INT);

    private final byte[] utf8;
    private final int width;
    private final int height;

    private ResvgDocument(byte[] utf8, int width, int height) {
        this.utf8 = utf8;
        this.width = width;
        this.height = height;
    }

    /** The {@code SvgRasterizer} shape: markup that passed Kiln's pre-pass, sized by it. */
    static Optional<PreparedDocument> load(byte[] utf8, int width, int height) {
        return Optional.of(new ResvgDocument(utf8, width, height));
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
        return 1;
    }

    @Override
    public double fps() {
        return 0;
    }

    @Override
    public BufferedImage draw(int outWidth, int outHeight, double timeMs, CancellationSignal cancel) {
        ArgbPixels pixels;
        try {
            // resvg sizes the height from the width by its own reading of the root's size; a few times Kiln's
            // output is allowed for a document whose units the two read differently (the image is then scaled).
            pixels = ResvgSandbox.engine()
                    .render(utf8, outWidth, (long) outWidth * outHeight * 4 + 64, cancel::isCancelled);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RenderAbortedError();
        } catch (ResvgFailure e) {
            throw switch (e.kind()) {
                case REFUSED, TOO_LARGE ->
                    InvalidDocumentException.of(POINTER, "the SVG could not be drawn: " + e.getMessage());
                case OUT_OF_MEMORY -> InvalidDocumentException.of(POINTER, e.getMessage());
                case CANCELLED -> new RenderCancelledException();
                case CRASHED -> new IllegalStateException("native resvg failed: " + e.getMessage(), e);
            };
        }
        BufferedImage image = toImage(pixels);
        if (image.getHeight() == outHeight && image.getWidth() == outWidth) {
            return image;
        }
        // Asked for another aspect than the SVG's own (both width and height given), or a rounding apart.
        BufferedImage scaled = new BufferedImage(outWidth, outHeight, BufferedImage.TYPE_INT_ARGB_PRE);
        Graphics2D g = scaled.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, 0, 0, outWidth, outHeight, null);
        } finally {
            g.dispose();
        }
        return scaled;
    }

    /** A premultiplied ARGB image over the render's own array: no copy. */
    static BufferedImage toImage(ArgbPixels pixels) {
        int[] masks = {0x00ff0000, 0x0000ff00, 0x000000ff, 0xff000000};
        WritableRaster raster = Raster.createPackedRaster(
                new DataBufferInt(pixels.argb(), pixels.argb().length),
                pixels.width(),
                pixels.height(),
                pixels.width(),
                masks,
                null);
        return new BufferedImage(PREMULTIPLIED_ARGB, raster, true, null);
    }
}
