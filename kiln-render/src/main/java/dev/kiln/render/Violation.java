package dev.kiln.render;

import java.util.Objects;

/**
 * One validation problem.
 *
 * @param pointer a JSON Pointer (RFC 6901) into the request body, e.g. {@code /document/layers/3/width}
 * @param detail a human-readable explanation that names the limit or the expected value
 */
public record Violation(String pointer, String detail) {
    public Violation {
        Objects.requireNonNull(pointer, "pointer");
        Objects.requireNonNull(detail, "detail");
    }
}
