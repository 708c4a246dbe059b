package dev.kiln.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A JSON body as the read cache keeps it: its owner (checked on every hit, so a cached copy is never shown to another
 * user), its ETag (computed once, when loaded) and its bytes.
 */
record CachedJson(long ownerId, String etag, byte[] json) {

    static CachedJson of(long ownerId, byte[] json) {
        // Weak, because gzip and identity encodings of the body are the same representation for revalidation.
        String etag = "W/\"" + HexFormat.of().formatHex(sha256(json), 0, 16) + "\"";
        return new CachedJson(ownerId, etag, json);
    }

    byte[] encode() {
        byte[] tag = etag.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(8 + 2 + tag.length + json.length)
                .putLong(ownerId)
                .putShort((short) tag.length)
                .put(tag)
                .put(json)
                .array();
    }

    static CachedJson decode(byte[] bytes) {
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
