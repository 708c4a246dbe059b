package dev.kiln.platform;

import dev.kiln.platform.credits.Credits;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * API keys: creation (the plaintext token is returned once and never stored) and authentication of bearer tokens.
 *
 * <p>A token reads {@code kiln_<keyId>_<secret>}: {@code keyId} is 12 public base32 characters that locate the key
 * row, {@code secret} is 32 random bytes in unpadded base64url. Only SHA-256 of the secret is stored. Thread-safe.
 */
public final class ApiKeys {

    /** Every token starts with this, so leaked tokens are easy to scan for. */
    public static final String TOKEN_PREFIX = "kiln_";
    /** Length of the public key id, in base32 characters (60 random bits). */
    public static final int KEY_ID_LENGTH = 12;
    /** Length of the secret, in random bytes (256 bits). */
    public static final int SECRET_BYTES = 32;
    /** Longest user or key name, in characters. */
    public static final int MAX_NAME_LENGTH = 100;
    /**
     * How stale {@code last_used_at} may get: it is written at most once per this interval per key, so that
     * authentication is a single indexed read in the steady state rather than a write per request.
     */
    public static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);

    private static final String BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
    private static final int SECRET_CHARS = (SECRET_BYTES * 4 + 2) / 3; // unpadded base64 of 32 bytes: 43
    private static final int TOKEN_LENGTH = TOKEN_PREFIX.length() + KEY_ID_LENGTH + 1 + SECRET_CHARS;
    /** A 60-bit key id collides essentially never; a retry covers the case without a read-before-write. */
    private static final int MAX_CREATE_ATTEMPTS = 3;

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private static final String INSERT = """
            WITH u AS (INSERT INTO users (name, credits) VALUES (?, ?) RETURNING id, credits),
            -- The starting balance is explained by the ledger like every later change.
            signup AS (
                INSERT INTO credit_ledger (user_id, delta, balance_after, reason)
                SELECT id, credits, credits, 'signup' FROM u WHERE credits > 0)
            INSERT INTO api_keys (key_id, user_id, name, secret_hash)
            SELECT ?, u.id, ?, ? FROM u
            RETURNING user_id
            """;
    private static final String LOOKUP = """
            SELECT k.user_id, k.secret_hash, k.last_used_at, u.name
              FROM api_keys k
              JOIN users u ON u.id = k.user_id
             WHERE k.key_id = ? AND k.revoked_at IS NULL
            """;
    private static final String TOUCH = """
            UPDATE api_keys SET last_used_at = ?
             WHERE key_id = ? AND (last_used_at IS NULL OR last_used_at < ?)
            """;
    private static final String REVOKE = """
            UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL
            """;
    private static final String ANY_KEY = """
            SELECT EXISTS (SELECT 1 FROM api_keys WHERE revoked_at IS NULL)
            """;

    private final DataSource dataSource;
    private final Clock clock;
    private final long newUserCredits;
    private final SecureRandom random = new SecureRandom();

    /** API keys stored in {@code dataSource}, timed by the system clock; new users get the default balance. */
    public ApiKeys(DataSource dataSource) {
        this(dataSource, Clock.systemUTC(), Credits.DEFAULT_NEW_USER_CREDITS);
    }

    /** API keys stored in {@code dataSource}; {@code clock} stamps revocation and last use. */
    public ApiKeys(DataSource dataSource, Clock clock) {
        this(dataSource, clock, Credits.DEFAULT_NEW_USER_CREDITS);
    }

    /**
     * API keys stored in {@code dataSource}; {@code clock} stamps revocation and last use, and each user created
     * with a key starts with {@code newUserCredits} credits.
     */
    public ApiKeys(DataSource dataSource, Clock clock, long newUserCredits) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (newUserCredits < 0 || newUserCredits > Credits.MAX_GRANT) {
            throw new IllegalArgumentException(
                    "newUserCredits must be 0 to " + Credits.MAX_GRANT + ", was " + newUserCredits);
        }
        this.newUserCredits = newUserCredits;
    }

    /**
     * Creates a user named {@code name} with one key of the same name, and returns the token; it is not stored and
     * cannot be shown again.
     *
     * @throws IllegalArgumentException when {@code name} is blank or longer than {@value #MAX_NAME_LENGTH} chars
     */
    public CreatedKey create(String name) {
        validateName(name);
        for (int attempt = 1; ; attempt++) {
            String keyId = newKeyId();
            byte[] secret = new byte[SECRET_BYTES];
            random.nextBytes(secret);
            try (Connection c = dataSource.getConnection();
                    PreparedStatement ps = c.prepareStatement(INSERT)) {
                ps.setString(1, name);
                ps.setLong(2, newUserCredits);
                ps.setString(3, keyId);
                ps.setString(4, name);
                ps.setBytes(5, sha256(secret));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new CreatedKey(
                            rs.getLong(1), keyId, TOKEN_PREFIX + keyId + "_" + ENCODER.encodeToString(secret));
                }
            } catch (SQLException e) {
                if (attempt < MAX_CREATE_ATTEMPTS && Failures.hasState(e, Failures.UNIQUE_VIOLATION)) {
                    continue; // key id collision: the whole statement rolled back, draw a new id
                }
                throw Failures.translate("creating an API key", null, null, e);
            }
        }
    }

    /**
     * The principal a bearer token (without the {@code Bearer } prefix) belongs to, or empty when the token is
     * malformed, unknown, revoked or has the wrong secret. Malformed tokens are rejected without a query.
     */
    public Optional<Principal> authenticate(String token) {
        if (token == null || token.length() != TOKEN_LENGTH || !token.startsWith(TOKEN_PREFIX)) {
            return Optional.empty();
        }
        int sep = TOKEN_PREFIX.length() + KEY_ID_LENGTH;
        String keyId = token.substring(TOKEN_PREFIX.length(), sep);
        String encodedSecret = token.substring(sep + 1);
        if (token.charAt(sep) != '_' || !isKeyId(keyId)) {
            return Optional.empty();
        }
        byte[] secret = decodeSecret(encodedSecret);
        if (secret == null) {
            return Optional.empty();
        }
        byte[] presented = sha256(secret);
        try (Connection c = dataSource.getConnection()) {
            long userId;
            String name;
            OffsetDateTime lastUsed;
            try (PreparedStatement ps = c.prepareStatement(LOOKUP)) {
                ps.setString(1, keyId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    // Constant-time, so response timing does not reveal how many leading hash bytes matched.
                    if (!MessageDigest.isEqual(presented, rs.getBytes("secret_hash"))) {
                        return Optional.empty();
                    }
                    userId = rs.getLong("user_id");
                    name = rs.getString("name");
                    lastUsed = rs.getObject("last_used_at", OffsetDateTime.class);
                }
            }
            Instant now = clock.instant();
            Instant staleBefore = now.minus(LAST_USED_RESOLUTION);
            if (lastUsed == null || lastUsed.toInstant().isBefore(staleBefore)) {
                try (PreparedStatement ps = c.prepareStatement(TOUCH)) {
                    ps.setObject(1, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
                    ps.setString(2, keyId);
                    ps.setObject(3, OffsetDateTime.ofInstant(staleBefore, ZoneOffset.UTC));
                    ps.executeUpdate();
                }
            }
            return Optional.of(new Principal(userId, keyId, name));
        } catch (SQLException e) {
            throw Failures.translate("authenticating an API key", null, null, e);
        }
    }

    /** Revokes a key; returns false when it does not exist or was already revoked. */
    public boolean revoke(String keyId) {
        Objects.requireNonNull(keyId, "keyId");
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(REVOKE)) {
            ps.setObject(1, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
            ps.setString(2, keyId);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw Failures.translate("revoking an API key", null, null, e);
        }
    }

    /** Whether any key that is not revoked exists; on first start Kiln creates and prints one when none does. */
    public boolean anyKeyExists() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(ANY_KEY);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        } catch (SQLException e) {
            throw Failures.translate("checking for API keys", null, null, e);
        }
    }

    /**
     * A newly created key.
     *
     * @param userId the user created with it
     * @param keyId the public key id, safe to log
     * @param token the full bearer token; shown once, never stored
     */
    public record CreatedKey(long userId, String keyId, String token) {
        /** Omits the token, so a logged key does not leak it. */
        @Override
        public String toString() {
            return "CreatedKey[userId=" + userId + ", keyId=" + keyId + ", token=***]";
        }
    }

    /**
     * Who an authenticated request acts for.
     *
     * @param userId the user's id
     * @param keyId the key that authenticated, safe to log
     * @param name the user's name
     */
    public record Principal(long userId, String keyId, String name) {}

    private static void validateName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        int length = name.codePointCount(0, name.length());
        if (length > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException(
                    "name must be at most " + MAX_NAME_LENGTH + " characters, was " + length);
        }
    }

    private String newKeyId() {
        char[] id = new char[KEY_ID_LENGTH];
        for (int i = 0; i < id.length; i++) {
            id[i] = BASE32.charAt(random.nextInt(BASE32.length()));
        }
        return new String(id);
    }

    private static boolean isKeyId(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (BASE32.indexOf(s.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    /** The secret's bytes, or null unless {@code s} is the canonical unpadded base64url of exactly 32 bytes. */
    private static byte[] decodeSecret(String s) {
        byte[] bytes;
        try {
            bytes = DECODER.decode(s.getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            return null;
        }
        // The decoder ignores the last character's unused bits; re-encoding keeps exactly one spelling per secret.
        if (bytes.length != SECRET_BYTES || !ENCODER.encodeToString(bytes).equals(s)) {
            return null;
        }
        return bytes;
    }

    /**
     * SHA-256, deliberately fast. Slow hashes (bcrypt, Argon2) protect low-entropy passwords from guessing; the
     * secret here is 256 bits from SecureRandom, so a stolen hash cannot be reversed by guessing at any hash speed,
     * and a slow hash would only add tens of milliseconds of CPU to every request.
     */
    private static byte[] sha256(byte[] secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }
}
