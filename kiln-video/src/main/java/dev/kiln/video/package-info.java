/**
 * Video: {@link dev.kiln.video.VideoRequests} validates a video output against {@link dev.kiln.video.VideoLimits},
 * {@link dev.kiln.video.VideoEncoder} renders its frames on the render pool and streams them into an ffmpeg child
 * process ({@link dev.kiln.video.Ffmpeg}), and {@link dev.kiln.video.VideoMemoryBudget} admits videos by their
 * {@link dev.kiln.video.MemoryEstimate}.
 */
package dev.kiln.video;
