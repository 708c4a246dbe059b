package dev.kiln.render;

import java.util.List;

/** A request that cannot be rendered as given; carries one {@link Violation} per problem found. */
public final class InvalidDocumentException extends RuntimeException {
    private final List<Violation> violations;

    public InvalidDocumentException(List<Violation> violations) {
        super(summary(violations), null, false, false);
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("an InvalidDocumentException needs at least one violation");
        }
        this.violations = List.copyOf(violations);
    }

    /** Convenience for a single problem. */
    public static InvalidDocumentException of(String pointer, String detail) {
        return new InvalidDocumentException(List.of(new Violation(pointer, detail)));
    }

    public List<Violation> violations() {
        return violations;
    }

    private static String summary(List<Violation> violations) {
        if (violations.isEmpty()) {
            return "invalid document";
        }
        Violation first = violations.getFirst();
        String more = violations.size() > 1 ? " (+" + (violations.size() - 1) + " more)" : "";
        return first.pointer() + ": " + first.detail() + more;
    }
}
