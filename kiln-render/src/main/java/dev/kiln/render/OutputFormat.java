package dev.kiln.render;

import java.util.Locale;
import java.util.Optional;

/** Still-image output formats. Animated formats (mp4, gif, webp-animated) belong to jobs, not here. */
public enum OutputFormat {
    PNG("png", "image/png"),
    JPEG("jpeg", "image/jpeg"),
    WEBP("webp", "image/webp");

    private final String wireName;
    private final String mediaType;

    OutputFormat(String wireName, String mediaType) {
        this.wireName = wireName;
        this.mediaType = mediaType;
    }

    /** The name used in JSON ({@code "png"}). */
    public String wireName() {
        return wireName;
    }

    /** The HTTP media type of the encoded bytes. */
    public String mediaType() {
        return mediaType;
    }

    /** Looks a format up by its JSON name; {@code "jpg"} is accepted as an alias of jpeg. */
    public static Optional<OutputFormat> fromWireName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.equals("jpg")) {
            return Optional.of(JPEG);
        }
        for (OutputFormat f : values()) {
            if (f.wireName.equals(n)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
