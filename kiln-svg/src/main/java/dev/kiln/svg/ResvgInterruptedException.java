package dev.kiln.svg;

import java.io.Serial;

/** The render thread was interrupted (a deadline guard): the WebAssembly code stopped at its next loop check. */
public final class ResvgInterruptedException extends ResvgException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The render stopped because its thread was interrupted. */
    public ResvgInterruptedException(Throwable cause) {
        super("render interrupted", cause);
    }
}
