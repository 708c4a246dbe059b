package dev.kiln.resvg;

/** A render that gave no pixels; {@link #kind()} says whose fault it was. */
public final class ResvgFailure extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a render failed. */
    public enum Kind {
        /** resvg refused the document (not SVG, no size, a parse error): the document's fault. */
        REFUSED,
        /** The output would have more pixels than the caller allowed: the document's (or request's) fault. */
        TOO_LARGE,
        /** The render needed more memory than a child may have (it aborted on a failed allocation). */
        OUT_OF_MEMORY,
        /** The caller cancelled the render (its deadline passed); the child was killed. */
        CANCELLED,
        /** The child stopped for another reason: a fault of the host or of resvg, not of the document. */
        CRASHED
    }

    private final Kind kind;

    ResvgFailure(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    ResvgFailure(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /** Why the render failed. */
    public Kind kind() {
        return kind;
    }
}
