package dev.kiln.render.internal;

import dev.kiln.render.CancellationSignal;
import dev.kiln.render.Document;
import java.awt.image.BufferedImage;

/**
 * The engine's side of {@link Document}: what the document parsers return and the engine draws. Callers outside
 * the engine see {@link Document} only.
 */
public interface PreparedDocument extends Document {

    /**
     * A sequence of frames of this document at {@code width × height} that may keep up to {@code cacheBytes} between
     * frames. The default keeps nothing: each frame is a plain {@link #draw}.
     */
    default FrameSequence sequence(int width, int height, long cacheBytes) {
        return new FrameSequence() {
            @Override
            public BufferedImage draw(double timeMs, CancellationSignal cancel) {
                return PreparedDocument.this.draw(width, height, timeMs, cancel);
            }

            @Override
            public long cachedBytes() {
                return 0;
            }
        };
    }
}
