package dev.kiln.render.internal;

/**
 * Thrown by {@link Checkpoint#check()} inside instrumented library code once its render was interrupted. An
 * {@link Error}, so that a library's {@code catch (Exception e)} does not swallow it; a library that catches it
 * anyway meets the next checkpoint, since the interrupt flag stays set. The engine turns it into
 * {@link dev.kiln.render.RenderCancelledException} at its boundary.
 */
public final class RenderAbortedError extends Error {
    /** Creates the error without a stack trace: it is control flow, thrown from hot loops. */
    public RenderAbortedError() {
        super("render interrupted at a checkpoint", null, false, false);
    }
}
