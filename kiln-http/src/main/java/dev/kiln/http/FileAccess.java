package dev.kiln.http;

import java.util.Optional;

/** Who may read which stored file, for {@code GET /v1/files/{key}}. */
@FunctionalInterface
public interface FileAccess {
    /** The content type of file {@code key} when {@code userId} may read it; empty otherwise (answered 404). */
    Optional<String> contentType(long userId, String key);

    /** No file is readable: the route answers 404 (an instance without storage). */
    FileAccess NONE = (userId, key) -> Optional.empty();
}
