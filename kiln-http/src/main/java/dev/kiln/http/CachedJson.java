package dev.kiln.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A JSON body as the read cache keeps it: its owner (checked on every hit, so a cached copy is never shown to another
 * user), its ETag (computed once, when loaded), its bytes, and their gzip form once a client asked for it (compressed
 * once per cached value, not once per request).
 */
final class CachedJson {
    /**
     * Decoded bodies by the identity of the cached bytes: an L1 hit returns the very array it stored, so a hit costs
     * neither a decode (a copy of the body) nor a second gzip. Weak keys: an entry leaves with its cache value.
     */
    private static final Cache<byte[], CachedJson> DECODED =
            Caffeine.newBuilder().weakKeys().maximumSize(10_000).build();

    private final long ownerId;
    private final String etag;
    private final byte[] json;
    private volatile byte[] gzip; // benign race: two threads may both compress once

    private CachedJson(long ownerId, String etag, byte[] json) {
        this.ownerId = ownerId;
        this.etag = etag;
        this.json = json;
    }

    static CachedJson of(long ownerId, byte[] json) {
        // Weak, because gzip and identity encodings of the body are the same representation for revalidation.
        String etag = "W/\"" + HexFormat.of().formatHex(sha256(json), 0, 16) + "\"";
        return new CachedJson(ownerId, etag, json);
    }

    String etag() {
        return etag;
    }

    byte[] json() {
        return json;
    }

    /** The body gzip-compressed, computed on first use. */
    byte[] gzip() {
        byte[] g = gzip;
        if (g == null) {
            g = JsonResponses.gzip(json);
            gzip = g;
        }
        return g;
    }

    /**
     * This body as the cache stores it. The encoded array is remembered as this object's (see {@link #DECODED}), so
     * decoding the very array a loader just returned (every miss, and every request when the cache is off) is a
     * lookup, not a second copy of the body.
     */
    byte[] encode() {
        byte[] tag = etag.getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = ByteBuffer.allocate(8 + 2 + tag.length + json.length)
                .putLong(ownerId)
                .putShort((short) tag.length)
                .put(tag)
                .put(json)
                .array();
        DECODED.put(bytes, this);
        return bytes;
    }

    /** The body {@code bytes} encodes; the same object for the same array (see {@link #DECODED}). */
    static CachedJson decode(byte[] bytes) {
        return DECODED.get(bytes, CachedJson::parse);
    }

    private static CachedJson parse(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        long owner = b.getLong();
        byte[] tag = new byte[b.getShort()];
        b.get(tag);
        byte[] json = new byte[b.remaining()];
        b.get(json);
        return new CachedJson(owner, new String(tag, StandardCharsets.US_ASCII), json);
    }

    /** This body for {@code userId}, or empty when it is another user's. */
    Optional<CachedJson> ownedBy(long userId) {
        return ownerId == userId ? Optional.of(this) : Optional.empty();
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }
}
