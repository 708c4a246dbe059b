package dev.kiln.storage;

import java.util.Optional;

/** The kinds of bytes Kiln stores, each with the extension its keys carry and the media type it is served as. */
public enum BlobType {
    PNG("png", "image/png"),
    JPEG("jpg", "image/jpeg"),
    WEBP("webp", "image/webp"),
    GIF("gif", "image/gif"),
    MP4("mp4", "video/mp4");

    private final String extension;
    private final String mediaType;

    BlobType(String extension, String mediaType) {
        this.extension = extension;
        this.mediaType = mediaType;
    }

    /** The file extension in keys, without the dot. */
    public String extension() {
        return extension;
    }

    /** The {@code Content-Type} the bytes are served with. */
    public String mediaType() {
        return mediaType;
    }

    /** The type for a key's extension. */
    public static Optional<BlobType> fromExtension(String extension) {
        for (BlobType t : values()) {
            if (t.extension.equals(extension)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** The type for a media type such as {@code image/png}. */
    public static Optional<BlobType> fromMediaType(String mediaType) {
        for (BlobType t : values()) {
            if (t.mediaType.equals(mediaType)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
