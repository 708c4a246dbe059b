package dev.kiln.render.internal;

import dev.kiln.render.CancellationSignal;
import java.awt.image.BufferedImage;

/**
 * Draws many frames of one document at one size, keeping what does not change between frames (a video job's frame
 * cache). One instance per video job; {@link #draw} may be called from several threads at once, and every call
 * returns a new image that the caller owns.
 */
public interface FrameSequence {

    /**
     * Draws the frame at {@code timeMs}.
     *
     * @return a new image of type {@link BufferedImage#TYPE_INT_ARGB_PRE} or {@link BufferedImage#TYPE_INT_RGB}
     */
    BufferedImage draw(double timeMs, CancellationSignal cancel);

    /**
     * {@link #draw}, into {@code reuse} when it fits: the pixel array of an earlier frame of this sequence that the
     * caller no longer uses (or null). The returned image may then be backed by it; this default ignores it.
     */
    default BufferedImage draw(double timeMs, CancellationSignal cancel, int[] reuse) {
        return draw(timeMs, cancel);
    }

    /** Bytes this sequence keeps between frames now (0 before the first frame or when it keeps nothing). */
    long cachedBytes();
}
