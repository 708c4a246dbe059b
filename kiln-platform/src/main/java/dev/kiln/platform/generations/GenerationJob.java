package dev.kiln.platform.generations;

/**
 * What the platform asks the job queue to run: render generation {@code generationId}. The worker reads the
 * generation's stored render request, so the job carries ids only.
 *
 * @param generationId the generation to render
 * @param userId its owner, for the queue's per-tenant fairness
 * @param cost its cost in credits, a measure of its size
 * @param kind still or video: which handler runs it
 */
public record GenerationJob(long generationId, long userId, long cost, GenerationKind kind) {
    public GenerationJob {
        java.util.Objects.requireNonNull(kind, "kind");
    }

    /** A still's job. */
    public GenerationJob(long generationId, long userId, long cost) {
        this(generationId, userId, cost, GenerationKind.STILL);
    }
}
