package dev.kiln.platform.events;

import dev.kiln.platform.generations.GenerationStatus;
import java.time.Instant;
import java.util.Optional;

/**
 * One recorded change of a generation, as a live-status stream sends it.
 *
 * @param id the event id, increasing for one generation in commit order (the SSE {@code id:})
 * @param generationId the generation it belongs to
 * @param kind {@code status} when the status changed (or the generation was created), else {@code progress}
 * @param status the status after the change
 * @param progress 0–100 after the change
 * @param stage the stage after the change, if any
 * @param attempt attempts started so far
 * @param outputJson the output once completed, as JSON text
 * @param errorJson the error once failed, as JSON text
 * @param at when the change committed (the transaction's time)
 */
public record GenerationEvent(
        long id,
        long generationId,
        String kind,
        GenerationStatus status,
        int progress,
        Optional<String> stage,
        int attempt,
        Optional<String> outputJson,
        Optional<String> errorJson,
        Instant at) {

    /** Whether this event is the generation's last: nothing follows a terminal status. */
    public boolean terminal() {
        return status.terminal();
    }
}
