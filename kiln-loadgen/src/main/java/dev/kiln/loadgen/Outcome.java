package dev.kiln.loadgen;

/** The class a request's result falls into; each class gets its own latency histogram. */
enum Outcome {
    /** Any 2xx answer: the only class that counts towards goodput. */
    SUCCESS("success", "2xx success"),
    /** 429: the service refused the request (admission control or rate limit). */
    REJECTED("rejected_429", "429 rejected"),
    /** 504: the service gave up on the request itself. */
    TIMEOUT("timeout_504", "504 timeout"),
    /** Any other status (3xx, 4xx, 5xx); redirects are never followed. */
    HTTP_ERROR("http_error", "other 4xx/5xx"),
    /** No HTTP answer: connection refused or reset, or the client-side request timeout expired. */
    CONNECTION_ERROR("connection_error", "connection error / client timeout"),
    /** Never sent because the cap on outstanding requests was reached; has no latency. */
    DROPPED("dropped", "dropped (outstanding cap)");

    private final String key;
    private final String label;

    Outcome(String key, String label) {
        this.key = key;
        this.label = label;
    }

    /** The stable snake_case name used in the JSON report. */
    public String key() {
        return key;
    }

    /** The human-readable name used in the markdown summary. */
    public String label() {
        return label;
    }

    /** Classifies an HTTP status code. */
    public static Outcome ofStatus(int status) {
        if (status >= 200 && status < 300) {
            return SUCCESS;
        }
        return switch (status) {
            case 429 -> REJECTED;
            case 504 -> TIMEOUT;
            default -> HTTP_ERROR;
        };
    }
}
