package dev.kiln.http;

/**
 * Every problem type Kiln answers with: its slug (the {@code type} URI is {@link Problems#TYPE_PREFIX} plus the slug),
 * its one title, and its HTTP status. docs/api.md lists each one ({@code ProblemTypeDocsTest} checks it).
 */
enum ProblemType {
    /** A body or parameter that is malformed (400) or well-formed but wrong (422); one entry per problem. */
    VALIDATION("validation", "Invalid request", 422, 400),
    /** A request Helidon refused before routing (a malformed request line or header): its own 4xx status. */
    BAD_REQUEST("bad-request", "Bad Request", 400, 400, 499),
    UNAUTHORIZED("unauthorized", "Unauthorized", 401),
    INSUFFICIENT_CREDITS("insufficient-credits", "Payment Required", 402),
    NOT_FOUND("not-found", "Not Found", 404),
    METHOD_NOT_ALLOWED("method-not-allowed", "Method Not Allowed", 405),
    CONFLICT("conflict", "Conflict", 409),
    PAYLOAD_TOO_LARGE("payload-too-large", "Content Too Large", 413),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", "Unsupported Media Type", 415),
    RANGE_NOT_SATISFIABLE("range-not-satisfiable", "Range Not Satisfiable", 416),
    IDEMPOTENCY_KEY_REUSED("idempotency-key-reused", "Idempotency-Key reused", 422),
    OVERLOADED("overloaded", "Too Many Requests", 429),
    RATE_LIMITED("rate-limited", "Too Many Requests", 429),
    TOO_MANY_STREAMS("too-many-streams", "Too Many Requests", 429),
    QUEUE_QUOTA("queue-quota", "Too Many Requests", 429),
    CLIENT_CLOSED("client-closed", "Client Closed Request", 499),
    /** A bug; also any 5xx Helidon answers before routing. */
    INTERNAL("internal", "Internal Server Error", 500, 500, 599),
    RENDER_FAILED("render-failed", "Render Failed", 500),
    DATABASE_UNAVAILABLE("database-unavailable", "Service Unavailable", 503),
    DRAINING("draining", "Service Unavailable", 503),
    SHUTTING_DOWN("shutting-down", "Service Unavailable", 503),
    DEADLINE_EXCEEDED("deadline-exceeded", "Gateway Timeout", 504),
    BUDGET_TOO_SMALL("budget-too-small", "Gateway Timeout", 504);

    private final String slug;
    private final String title;
    private final int status;
    private final int otherLow;
    private final int otherHigh;

    ProblemType(String slug, String title, int status) {
        this(slug, title, status, status, status);
    }

    /** A type that may also be sent with {@code other}. */
    ProblemType(String slug, String title, int status, int other) {
        this(slug, title, status, other, other);
    }

    /** A type that may also be sent with any status from {@code otherLow} to {@code otherHigh}. */
    ProblemType(String slug, String title, int status, int otherLow, int otherHigh) {
        this.slug = slug;
        this.title = title;
        this.status = status;
        this.otherLow = otherLow;
        this.otherHigh = otherHigh;
    }

    /** The last segment of the {@code type} URI, e.g. {@code budget-too-small}. */
    String slug() {
        return slug;
    }

    /** The {@code type} URI, e.g. {@code urn:kiln:problem:budget-too-small}. */
    String uri() {
        return Problems.TYPE_PREFIX + slug;
    }

    /** The {@code title}: the same for every problem of this type. */
    String title() {
        return title;
    }

    /** The HTTP status this type is sent with unless a caller picks one of its other allowed statuses. */
    int status() {
        return status;
    }

    /** Whether a problem of this type may be sent with {@code code}. */
    boolean allows(int code) {
        return code == status || (code >= otherLow && code <= otherHigh);
    }
}
