package dev.kiln.render;

/** Cooperative cancellation, polled by the engine between drawing steps. */
@FunctionalInterface
public interface CancellationSignal {

    /** A signal that never cancels. */
    CancellationSignal NONE = () -> false;

    /** Returns true once the render should stop. */
    boolean isCancelled();

    /** Throws {@link RenderCancelledException} when cancelled; call between drawing steps. */
    default void throwIfCancelled() {
        if (isCancelled()) {
            throw new RenderCancelledException();
        }
    }
}
