package dev.kiln.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.platform.ApiKeys.CreatedKey;
import dev.kiln.platform.ApiKeys.Principal;
import dev.kiln.platform.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ApiKeysTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    private ApiKeys keys() {
        return new ApiKeys(db.dataSource(), clock);
    }

    @Test
    void createdTokenAuthenticatesAsItsUser() {
        CreatedKey key = keys().create("alice");

        assertThat(key.token()).matches("kiln_[a-z2-7]{12}_[A-Za-z0-9_-]{43}");
        assertThat(key.token()).startsWith("kiln_" + key.keyId() + "_");
        assertThat(keys().authenticate(key.token())).contains(new Principal(key.userId(), key.keyId(), "alice"));
        assertThat(key.toString()).doesNotContain(key.token());
    }

    @Test
    void wrongSecretIsRejected() {
        CreatedKey key = keys().create("bob");
        String token = key.token();
        int firstSecretChar = "kiln_".length() + ApiKeys.KEY_ID_LENGTH + 1;
        char flipped = token.charAt(firstSecretChar) == 'A' ? 'B' : 'A';
        String wrong = token.substring(0, firstSecretChar) + flipped + token.substring(firstSecretChar + 1);

        assertThat(keys().authenticate(wrong)).isEmpty();
        assertThat(keys().authenticate(key.token())).isPresent();
    }

    @Test
    void unknownKeyIdIsRejected() {
        CreatedKey key = keys().create("carol");
        String otherId = key.keyId().equals("aaaaaaaaaaaa") ? "bbbbbbbbbbbb" : "aaaaaaaaaaaa";

        assertThat(keys().authenticate(key.token().replace(key.keyId(), otherId)))
                .isEmpty();
    }

    @Test
    void revokedKeyIsRejected() {
        CreatedKey key = keys().create("dave");

        assertThat(keys().revoke(key.keyId())).isTrue();
        assertThat(keys().revoke(key.keyId())).as("second revoke").isFalse();
        assertThat(keys().authenticate(key.token())).isEmpty();
    }

    @Test
    void malformedTokensAreRejectedWithoutAQuery() {
        String valid = keys().create("erin").token();
        ApiKeys offline = new ApiKeys(new NoConnectionDataSource(), clock);
        List<String> malformed = new ArrayList<>(List.of(
                "",
                "kiln_",
                "Bearer " + valid,
                valid + "x",
                valid.substring(1),
                valid.replace("kiln_", "klin_"),
                valid.toUpperCase(java.util.Locale.ROOT),
                valid.substring(0, valid.length() - 1) + "!",
                valid.substring(0, 17) + "-" + valid.substring(18)));
        malformed.add(null);

        for (String token : malformed) {
            assertThat(offline.authenticate(token)).as("%s", token).isEmpty();
        }
        // The same parser accepts the well-formed token, so the offline source would have been reached.
        assertThatThrownBy(() -> offline.authenticate(valid)).isInstanceOf(DatabaseException.class);
    }

    @Test
    void nonCanonicalSecretSpellingIsRejected() {
        String token = keys().create("frank").token();
        // The last base64 char carries 2 unused bits; a different char with the same 4 used bits decodes to the
        // same bytes, so the canonical check is what rejects it.
        char last = token.charAt(token.length() - 1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int v = alphabet.indexOf(last);
        char sibling = alphabet.charAt(v ^ 1);
        String variant = token.substring(0, token.length() - 1) + sibling;

        assertThat(keys().authenticate(variant)).isEmpty();
    }

    @Test
    void onlyAHashOfTheSecretIsStored() throws SQLException {
        CreatedKey key = keys().create("grace");
        String secret =
                key.token().substring(key.token().lastIndexOf('_', key.token().length() - 44) + 1);
        assertThat(secret).hasSize(43);
        byte[] secretBytes = java.util.Base64.getUrlDecoder().decode(secret);

        try (Connection c = db.dataSource().getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT k::text, secret_hash FROM api_keys k WHERE key_id = ?")) {
            ps.setString(1, key.keyId());
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                String row = rs.getString(1);
                assertThat(row).doesNotContain(secret).doesNotContain(key.token());
                byte[] stored = rs.getBytes(2);
                assertThat(stored).hasSize(32).isNotEqualTo(secretBytes);
                assertThat(new String(stored, StandardCharsets.ISO_8859_1))
                        .doesNotContain(new String(secretBytes, StandardCharsets.ISO_8859_1));
            }
        }
    }

    @Test
    void lastUsedIsWrittenAtMostOncePerResolution() throws SQLException {
        CreatedKey key = keys().create("heidi");
        assertThat(lastUsed(key.keyId())).isNull();

        keys().authenticate(key.token());
        Instant first = clock.instant();
        assertThat(lastUsed(key.keyId())).isEqualTo(first);

        clock.advance(ApiKeys.LAST_USED_RESOLUTION.minusSeconds(1));
        keys().authenticate(key.token());
        assertThat(lastUsed(key.keyId())).as("within the resolution").isEqualTo(first);

        clock.advance(Duration.ofSeconds(2));
        keys().authenticate(key.token());
        assertThat(lastUsed(key.keyId())).as("after the resolution").isEqualTo(clock.instant());
    }

    @Test
    void anyKeyExistsIgnoresRevokedKeys() throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("UPDATE api_keys SET revoked_at = now() WHERE revoked_at IS NULL");
        }
        assertThat(keys().anyKeyExists()).isFalse();
        keys().create("ivan");
        assertThat(keys().anyKeyExists()).isTrue();
    }

    @Test
    void nameIsValidated() {
        assertThatThrownBy(() -> keys().create(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name");
        assertThatThrownBy(() -> keys().create(null)).hasMessageContaining("name");
        assertThatThrownBy(() -> keys().create("x".repeat(101))).hasMessageContaining("name");
        assertThat(keys().create("y".repeat(100)).keyId()).hasSize(12);
    }

    @Test
    void sixteenThreadsCreatingAtOneGateGetDistinctKeysAndUsers() throws Exception {
        int threads = 16;
        CountDownLatch gate = new CountDownLatch(1);
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        List<Future<CreatedKey>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int i = 0; i < threads; i++) {
                String name = "user-" + i;
                futures.add(pool.submit(() -> {
                    gate.await();
                    try {
                        return keys().create(name);
                    } catch (RuntimeException e) {
                        firstFailure.compareAndSet(null, e);
                        throw e;
                    }
                }));
            }
            gate.countDown();
        }
        assertThat(firstFailure.get()).isNull();
        Set<String> keyIds = new HashSet<>();
        Set<Long> userIds = new HashSet<>();
        Set<String> tokens = new HashSet<>();
        for (Future<CreatedKey> f : futures) {
            CreatedKey k = f.get();
            keyIds.add(k.keyId());
            userIds.add(k.userId());
            tokens.add(k.token());
            assertThat(keys().authenticate(k.token())).map(Principal::userId).contains(k.userId());
        }
        assertThat(keyIds).hasSize(threads);
        assertThat(userIds).hasSize(threads);
        assertThat(tokens).hasSize(threads);
    }

    private static Instant lastUsed(String keyId) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT last_used_at FROM api_keys WHERE key_id = ?")) {
            ps.setString(1, keyId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                OffsetDateTime t = rs.getObject(1, OffsetDateTime.class);
                return t == null ? null : t.toInstant();
            }
        }
    }

    /** A clock the test moves by hand. */
    private static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** Fails every connection request, so any query attempt is visible. */
    private static final class NoConnectionDataSource implements DataSource {
        @Override
        public Connection getConnection() throws SQLException {
            throw new SQLException("authenticate must not query for this token", "XX000");
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public java.io.PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(java.io.PrintWriter out) {}

        @Override
        public void setLoginTimeout(int seconds) {}

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
