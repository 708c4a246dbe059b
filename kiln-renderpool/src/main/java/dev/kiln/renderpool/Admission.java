package dev.kiln.renderpool;

import java.time.Duration;
import java.util.Objects;

/** The immediate answer to {@link RenderPool#submit}: a permit is a value, either a ticket or a refusal. */
public sealed interface Admission<T> {

    /** Admitted: the caller must {@link Ticket#await()} or {@link Ticket#cancel()} the ticket. */
    record Accepted<T>(Ticket<T> ticket) implements Admission<T> {
        /** Validates the ticket is present. */
        public Accepted {
            Objects.requireNonNull(ticket, "ticket");
        }
    }

    /** Refused at once; {@code retryAfter} is whole seconds, at least one, for an HTTP {@code Retry-After} header. */
    record Rejected<T>(RejectReason reason, Duration retryAfter) implements Admission<T> {
        /** Validates both fields are present. */
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(retryAfter, "retryAfter");
        }
    }
}
