package dev.kiln.http;

import dev.kiln.render.Violation;
import java.util.List;
import java.util.Map;

/**
 * An error that becomes an RFC 9457 problem response. Thrown anywhere in a handler; the routing's error
 * handler writes it.
 */
final class ProblemException extends RuntimeException {
    final int status;
    final ProblemType type;
    final List<Violation> errors;
    final Map<String, String> headers;

    /** A problem sent with {@code status}, which {@code type} must allow. */
    ProblemException(ProblemType type, int status, String detail, List<Violation> errors, Map<String, String> headers) {
        super(detail, null, false, false);
        if (!type.allows(status)) {
            throw new IllegalArgumentException(type + " is never sent with status " + status);
        }
        this.status = status;
        this.type = type;
        this.errors = List.copyOf(errors);
        this.headers = Map.copyOf(headers);
    }

    /** A problem with its type's status. */
    ProblemException(ProblemType type, String detail, List<Violation> errors, Map<String, String> headers) {
        this(type, type.status(), detail, errors, headers);
    }

    static ProblemException of(ProblemType type, String detail) {
        return new ProblemException(type, detail, List.of(), Map.of());
    }

    /** A {@link ProblemType#VALIDATION} problem: 400 for a body that is not JSON, 422 for JSON of the wrong shape. */
    static ProblemException invalid(int status, String detail, List<Violation> errors) {
        return new ProblemException(ProblemType.VALIDATION, status, detail, errors, Map.of());
    }

    String detail() {
        return getMessage();
    }
}
