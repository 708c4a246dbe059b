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
    final String type;
    final String title;
    final List<Violation> errors;
    final Map<String, String> headers;

    ProblemException(
            int status, String type, String title, String detail, List<Violation> errors, Map<String, String> headers) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.title = title;
        this.errors = List.copyOf(errors);
        this.headers = Map.copyOf(headers);
    }

    static ProblemException of(int status, String type, String title, String detail) {
        return new ProblemException(status, type, title, detail, List.of(), Map.of());
    }

    static ProblemException invalid(int status, String detail, List<Violation> errors) {
        return new ProblemException(status, "validation", "Invalid request", detail, errors, Map.of());
    }

    String detail() {
        return getMessage();
    }
}
