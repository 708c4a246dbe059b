package dev.kiln.render;

import dev.kiln.render.internal.RenderAbortedError;
import dev.kiln.render.internal.RenderGuard;
import java.awt.image.BufferedImage;
import java.util.Objects;

/**
 * Draws single frames of a prepared document without encoding them, for callers that encode frames themselves (the
 * video pipeline streams them into ffmpeg). Each draw runs inside the same guard as {@link Renderer#render}, so a
 * library loop stops once {@code cancel} fires.
 */
public final class Frames {
    private Frames() {}

    /**
     * Draws {@code prepared}'s document at {@code timeMs} at its output size.
     *
     * @return an image of type {@link BufferedImage#TYPE_INT_ARGB_PRE} or {@link BufferedImage#TYPE_INT_RGB}
     * @throws RenderCancelledException when {@code cancel} stopped the draw
     */
    public static BufferedImage draw(PreparedRender prepared, double timeMs, CancellationSignal cancel) {
        Objects.requireNonNull(cancel, "cancel");
        cancel.throwIfCancelled();
        try (RenderGuard.Section ignored = RenderGuard.enter(cancel)) {
            return prepared.document()
                    .draw(prepared.output().width(), prepared.output().height(), timeMs, cancel);
        } catch (RenderAbortedError e) {
            throw new RenderCancelledException();
        }
    }
}
