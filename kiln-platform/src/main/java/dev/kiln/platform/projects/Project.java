package dev.kiln.platform.projects;

import java.time.Instant;

/**
 * A user's project: a named, ordered collection of scenes.
 *
 * @param id project id
 * @param userId owner
 * @param name 1–200 characters
 * @param createdAt when it was created
 * @param updatedAt when it was last renamed
 */
public record Project(long id, long userId, String name, Instant createdAt, Instant updatedAt) {}
