package dev.kiln.storage;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The name of a stored blob: the lowercase hex SHA-256 of its bytes and an extension naming its type, such as
 * {@code 9f86d0…0a08.png}. The grammar admits no separator, dot segment or escape, so a key can never name a file
 * outside the store's root, whatever a client puts in a URL.
 *
 * @param sha256 64 lowercase hex digits
 * @param type the media type the extension stands for
 */
public record BlobKey(String sha256, BlobType type) {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** Validates both parts. */
    public BlobKey {
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(type, "type");
        if (!SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("sha256 must be 64 lowercase hex digits, was '" + sha256 + "'");
        }
    }

    /** The key {@code bytes} are stored under as {@code type}: what {@link BlobStore#put} returns for them. */
    public static BlobKey of(byte[] bytes, BlobType type) {
        Objects.requireNonNull(bytes, "bytes");
        try {
            return new BlobKey(hex(MessageDigest.getInstance("SHA-256").digest(bytes)), type);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Parses {@code <sha256>.<extension>}; empty for anything else (which a file route answers with 404). */
    public static Optional<BlobKey> parse(String text) {
        if (text == null || text.length() > 80) {
            return Optional.empty();
        }
        int dot = text.indexOf('.');
        if (dot != 64 || !SHA256.matcher(text.substring(0, 64)).matches()) {
            return Optional.empty();
        }
        return BlobType.fromExtension(text.substring(65)).map(t -> new BlobKey(text.substring(0, 64), t));
    }

    /** The key as it appears in URLs and on disk. */
    @Override
    public String toString() {
        return sha256 + "." + type.extension();
    }

    /** The key's ETag: its content hash, which never changes for the key. */
    public String etag() {
        return "\"" + sha256 + "\"";
    }

    static String hex(byte[] digest) {
        StringBuilder b = new StringBuilder(digest.length * 2);
        for (byte d : digest) {
            b.append(String.format(Locale.ROOT, "%02x", d));
        }
        return b.toString();
    }
}
