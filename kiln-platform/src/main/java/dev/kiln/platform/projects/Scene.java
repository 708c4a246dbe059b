package dev.kiln.platform.projects;

import java.time.Instant;

/**
 * A scene of a project: a render document at a position in the project's order.
 *
 * @param id scene id
 * @param projectId the project it belongs to
 * @param userId owner (the project's)
 * @param name 1–200 characters
 * @param position 0-based order within the project, assigned at creation
 * @param documentJson the document as JSON text, validated by the render engine before it was stored
 * @param createdAt when it was created
 * @param updatedAt when it was last replaced
 */
public record Scene(
        long id,
        long projectId,
        long userId,
        String name,
        int position,
        String documentJson,
        Instant createdAt,
        Instant updatedAt) {}
