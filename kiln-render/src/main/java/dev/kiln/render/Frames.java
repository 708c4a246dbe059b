package dev.kiln.render;

import dev.kiln.render.internal.FrameSequence;
import dev.kiln.render.internal.PreparedDocument;
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

    /**
     * The frames of one video: like {@link #draw}, but what does not change between frames (a scene's static layers,
     * the blurred shadow of a layer that only moves or turns) is drawn once, on the first frame, and kept, at most
     * {@code cacheBytes} of it (docs/video.md, "Frame cache"). One per video job, never shared between jobs: it holds
     * that job's surfaces; its {@link Sequence#draw} may be called from several threads of the job at once.
     */
    public static Sequence sequence(PreparedRender prepared, long cacheBytes) {
        Objects.requireNonNull(prepared, "prepared");
        if (cacheBytes < 0) {
            throw new IllegalArgumentException("cacheBytes must be 0 or more, was " + cacheBytes);
        }
        int w = prepared.output().width();
        int h = prepared.output().height();
        Document doc = prepared.document();
        FrameSequence frames = doc instanceof PreparedDocument p
                ? p.sequence(w, h, cacheBytes)
                : new FrameSequence() {
                    @Override
                    public BufferedImage draw(double timeMs, CancellationSignal cancel) {
                        return doc.draw(w, h, timeMs, cancel);
                    }

                    @Override
                    public long cachedBytes() {
                        return 0;
                    }
                };
        return new Sequence(frames);
    }

    /** The frames of one video job, see {@link #sequence}. */
    public static final class Sequence {
        private final FrameSequence frames;

        private Sequence(FrameSequence frames) {
            this.frames = frames;
        }

        /**
         * Draws the frame at {@code timeMs}: a new image the caller owns, equal to {@link Frames#draw} of the same
         * time within the frame cache's tolerance (docs/video.md).
         *
         * @throws RenderCancelledException when {@code cancel} stopped the draw
         */
        public BufferedImage draw(double timeMs, CancellationSignal cancel) {
            return draw(timeMs, cancel, null);
        }

        /**
         * {@link #draw(double, CancellationSignal)}, drawn into {@code reuse} when it fits (same pixels): the pixel
         * array of an earlier frame of this sequence that the caller is done with, or null. A video recycles its
         * frames' arrays once they went down the encoder's pipe, instead of allocating a frame-sized array a frame.
         * Nothing else may hold {@code reuse}: it is overwritten.
         */
        public BufferedImage draw(double timeMs, CancellationSignal cancel, int[] reuse) {
            Objects.requireNonNull(cancel, "cancel");
            cancel.throwIfCancelled();
            try (RenderGuard.Section ignored = RenderGuard.enter(cancel)) {
                return frames.draw(timeMs, cancel, reuse);
            } catch (RenderAbortedError e) {
                throw new RenderCancelledException();
            }
        }

        /** Bytes kept between frames now. */
        public long cachedBytes() {
            return frames.cachedBytes();
        }
    }
}
