package dev.kiln.render.image;

import java.util.Locale;
import java.util.Optional;

/** The image formats an upload may be. */
public enum ImageFormat {
    PNG("image/png"),
    JPEG("image/jpeg"),
    WEBP("image/webp");

    private final String mediaType;

    ImageFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    /** The media type, e.g. {@code image/png}. */
    public String mediaType() {
        return mediaType;
    }

    /** The format of a {@code Content-Type} value (parameters ignored; {@code image/jpg} is JPEG), if accepted. */
    public static Optional<ImageFormat> fromMediaType(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        int semi = contentType.indexOf(';');
        String type = (semi < 0 ? contentType : contentType.substring(0, semi))
                .strip()
                .toLowerCase(Locale.ROOT);
        if (type.equals("image/jpg")) {
            return Optional.of(JPEG);
        }
        for (ImageFormat f : values()) {
            if (f.mediaType.equals(type)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
