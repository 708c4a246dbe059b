package dev.kiln.platform.assets;

import java.time.Instant;
import java.util.Optional;

/**
 * An uploaded reference image.
 *
 * @param id asset id (scenes name it as {@code asset:<id>})
 * @param userId owner
 * @param contentType {@code image/png}, {@code image/jpeg} or {@code image/webp}, from its magic bytes
 * @param bytes size of the original
 * @param width width in pixels, from its header
 * @param height height in pixels, from its header
 * @param fileKey storage key of the original
 * @param status where its thumbnail is
 * @param thumbnailKey storage key of the thumbnail once ready
 * @param thumbnailWidth the thumbnail's width once ready
 * @param thumbnailHeight the thumbnail's height once ready
 * @param error why there is no thumbnail, once failed
 * @param jobId the job-queue's id of its thumbnail job
 * @param createdAt when it was uploaded
 * @param updatedAt when it last changed
 */
public record Asset(
        long id,
        long userId,
        String contentType,
        long bytes,
        int width,
        int height,
        String fileKey,
        AssetStatus status,
        Optional<String> thumbnailKey,
        Optional<Integer> thumbnailWidth,
        Optional<Integer> thumbnailHeight,
        Optional<String> error,
        Optional<Long> jobId,
        Instant createdAt,
        Instant updatedAt) {}
