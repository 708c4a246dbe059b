package dev.kiln.platform.generations;

import java.time.Instant;
import java.util.Optional;

/**
 * A generation: one paid render of a scene, done by a background job.
 *
 * @param id generation id
 * @param userId owner
 * @param projectId the scene's project; empty once the project was deleted
 * @param sceneId the scene; empty once the scene was deleted
 * @param status where it is in its life
 * @param progress 0–100
 * @param stage what the worker is doing, when it says
 * @param attempt attempts started so far
 * @param cost credits debited at submit
 * @param outputJson the stored result as JSON text ({@code url, contentType, bytes, width, height, durationMs})
 * @param thumbnailUrl the thumbnail, once there is one
 * @param errorJson the last error once failed, as JSON text ({@code code, message})
 * @param jobId the job-queue's id for its job
 * @param createdAt when it was submitted
 * @param startedAt when a worker first started it
 * @param finishedAt when it reached a terminal status
 * @param updatedAt when it last changed
 */
public record Generation(
        long id,
        long userId,
        Optional<Long> projectId,
        Optional<Long> sceneId,
        GenerationStatus status,
        int progress,
        Optional<String> stage,
        int attempt,
        long cost,
        Optional<String> outputJson,
        Optional<String> thumbnailUrl,
        Optional<String> errorJson,
        Optional<Long> jobId,
        Instant createdAt,
        Optional<Instant> startedAt,
        Optional<Instant> finishedAt,
        Instant updatedAt) {

    /**
     * This generation as its submit answered it: queued, nothing started. An idempotent replay answers this, so it
     * repeats the first answer byte for byte whatever happened since.
     */
    public Generation asSubmitted() {
        return new Generation(
                id,
                userId,
                projectId,
                sceneId,
                GenerationStatus.QUEUED,
                0,
                Optional.empty(),
                0,
                cost,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                jobId,
                createdAt,
                Optional.empty(),
                Optional.empty(),
                createdAt);
    }
}
