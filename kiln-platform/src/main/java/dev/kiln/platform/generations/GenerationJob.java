package dev.kiln.platform.generations;

/**
 * What the platform asks the job queue to run: render generation {@code generationId}. The worker reads the
 * generation's stored render request, so the job carries ids only.
 *
 * @param generationId the generation to render
 * @param userId its owner, for the queue's per-tenant fairness
 * @param cost its cost in credits, a measure of its size
 */
public record GenerationJob(long generationId, long userId, long cost) {}
