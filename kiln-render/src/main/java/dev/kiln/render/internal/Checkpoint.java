package dev.kiln.render.internal;

/**
 * The check that {@link InterruptingClassLoader} plants at every method entry and before every branch of the
 * library code it loads: an interrupted render thread stops at its next loop iteration instead of spinning for
 * ever. Called from instrumented bytecode, so it must stay public, static and cheap (one field read).
 */
public final class Checkpoint {
    private Checkpoint() {}

    /** Throws {@link RenderAbortedError} when the current thread has been interrupted. */
    public static void check() {
        if (Thread.currentThread().isInterrupted()) {
            throw new RenderAbortedError();
        }
    }
}
