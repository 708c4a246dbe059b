package dev.kiln.platform.generations;

/** What a generation makes, which decides the job that runs it. Chosen by the HTTP layer from the output format. */
public enum GenerationKind {
    /** A still image (png, jpeg, webp). */
    STILL,
    /** A video (mp4, webp-animated, gif). */
    VIDEO
}
