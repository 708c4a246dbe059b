package dev.kiln.render;

/** Thrown when a render stops because its {@link CancellationSignal} fired. */
public final class RenderCancelledException extends RuntimeException {
    public RenderCancelledException() {
        super("render cancelled", null, false, false);
    }
}
