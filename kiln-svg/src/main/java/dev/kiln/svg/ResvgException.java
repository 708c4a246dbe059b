package dev.kiln.svg;

import java.io.Serial;

/** resvg refused the document (parse error, zero size, an output over the limits) or the render was stopped. */
public class ResvgException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** Why the render failed, in the words resvg or the guard used. */
    public ResvgException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Why the render failed. */
    public ResvgException(String message) {
        super(message);
    }
}
