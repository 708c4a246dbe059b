package dev.kiln.render;

/**
 * Encoded still image.
 *
 * @param bytes the encoded file; callers must not modify it
 * @param mediaType e.g. {@code image/png}
 * @param width pixel width
 * @param height pixel height
 */
public record RenderOutput(byte[] bytes, String mediaType, int width, int height) {}
