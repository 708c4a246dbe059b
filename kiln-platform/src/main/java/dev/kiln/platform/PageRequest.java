package dev.kiln.platform;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * Which page of a keyset-paginated list to read: at most {@code limit} rows after the row that {@code after} names.
 *
 * @param limit rows per page, 1 to {@link #MAX_LIMIT}
 * @param after the sort key (an id or a position) of the last row of the previous page; empty for the first page
 */
public record PageRequest(int limit, Optional<Long> after) {

    /** Page size when the client names none. */
    public static final int DEFAULT_LIMIT = 20;
    /** Largest page size; larger requests are clamped to it, so no list costs more than this many rows. */
    public static final int MAX_LIMIT = 100;

    private static final String CURSOR_PREFIX = "k1:";

    public PageRequest {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1–" + MAX_LIMIT + ", was " + limit);
        }
    }

    /** The first page of {@link #DEFAULT_LIMIT} rows. */
    public static PageRequest first() {
        return new PageRequest(DEFAULT_LIMIT, Optional.empty());
    }

    /**
     * Parses the client's {@code limit} and {@code cursor}; a limit over {@link #MAX_LIMIT} is clamped to it.
     *
     * @throws IllegalArgumentException naming the parameter, when a value is malformed or the limit is below 1
     */
    public static PageRequest parse(Optional<String> limit, Optional<String> cursor) {
        int n = DEFAULT_LIMIT;
        if (limit.isPresent()) {
            long parsed;
            try {
                parsed = Long.parseLong(limit.get().strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("limit must be an integer from 1 to " + MAX_LIMIT);
            }
            if (parsed < 1) {
                throw new IllegalArgumentException("limit must be an integer from 1 to " + MAX_LIMIT);
            }
            n = (int) Math.min(parsed, MAX_LIMIT);
        }
        return new PageRequest(n, cursor.map(PageRequest::decode));
    }

    /** The cursor that continues after {@code key}; opaque to clients, so its encoding may change. */
    public static String encode(long key) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((CURSOR_PREFIX + key).getBytes(StandardCharsets.US_ASCII));
    }

    /** The sort key inside a cursor made by {@link #encode}. */
    static long decode(String cursor) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(cursor.strip()), StandardCharsets.US_ASCII);
            if (s.startsWith(CURSOR_PREFIX)) {
                return Long.parseLong(s.substring(CURSOR_PREFIX.length()));
            }
        } catch (IllegalArgumentException e) {
            // falls through to the one message below: a cursor is opaque, its parse error means nothing to clients
        }
        throw new IllegalArgumentException("cursor is not one this server handed out; start again without it");
    }

    /**
     * The page of {@code rows}, which were read with {@code LIMIT limit + 1}: the extra row only says that another
     * page exists, and the cursor names the last row kept.
     */
    public <T> Page<T> page(List<T> rows, ToLongFunction<T> key) {
        if (rows.size() <= limit) {
            return new Page<>(rows, Optional.empty());
        }
        List<T> kept = rows.subList(0, limit);
        return new Page<>(kept, Optional.of(encode(key.applyAsLong(kept.getLast()))));
    }
}
