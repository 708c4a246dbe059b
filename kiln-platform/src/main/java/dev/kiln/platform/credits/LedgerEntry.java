package dev.kiln.platform.credits;

import java.time.Instant;
import java.util.Optional;

/**
 * One row of a user's append-only credit ledger.
 *
 * @param id ledger row id; later rows have larger ids
 * @param delta credits added (positive) or debited (negative)
 * @param balanceAfter the balance right after this row
 * @param reason why the balance changed
 * @param generationId the generation debited or refunded, for those reasons
 * @param createdAt when the row was written
 */
public record LedgerEntry(
        long id, long delta, long balanceAfter, Reason reason, Optional<Long> generationId, Instant createdAt) {

    /** Why a balance changed; the wire and database names are the lower-case names. */
    public enum Reason {
        /** The starting balance of a new user ({@code KILN_NEW_USER_CREDITS}). */
        SIGNUP,
        /** An operator's grant ({@code kiln credits grant}). */
        GRANT,
        /** The debit for a generation, at submit. */
        GENERATION,
        /** A generation's cost given back: it was cancelled before completing, or failed for good. */
        REFUND;

        /** The name in the database and in JSON. */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Reason of(String wireName) {
            return valueOf(wireName.toUpperCase(java.util.Locale.ROOT));
        }
    }
}
