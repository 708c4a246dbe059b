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

    /**
     * Refused at once; {@code retryAfter} is whole seconds, at least one, for an HTTP {@code Retry-After} header;
     * {@code predictedService} is the task's own predicted service time (zero when the refusal came before the
     * task was known, as with {@link RenderPool#rejectEarly()}).
     */
    record Rejected<T>(RejectReason reason, Duration retryAfter, Duration predictedService) implements Admission<T> {
        /** Validates the fields are present. */
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(retryAfter, "retryAfter");
            Objects.requireNonNull(predictedService, "predictedService");
        }

        /** A refusal that does not depend on the task, so it has no predicted service time. */
        public Rejected(RejectReason reason, Duration retryAfter) {
            this(reason, retryAfter, Duration.ZERO);
        }
    }
}
