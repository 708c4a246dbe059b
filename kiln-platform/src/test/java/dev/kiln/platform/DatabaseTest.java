package dev.kiln.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.kiln.platform.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DatabaseTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    /** Far above the 2 s connect timeout: this guards against hanging or retrying for 30 s, not for speed. */
    private static final Duration NO_HANG = Duration.ofSeconds(15);

    @Test
    void migrationCreatesTheSchema() throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("1");
        }
        assertThat(tables()).contains("users", "api_keys");
    }

    @Test
    void pooledConnectionsCarryTheStatementTimeout() throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW statement_timeout")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("5s");
        }
        assertThat(db.database().poolStats().max()).isEqualTo(TestDatabase.POOL_SIZE);
    }

    @Test
    void creditsCannotGoNegative() throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("INSERT INTO users (name, credits) VALUES ('x', -1)"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("credits");
        }
    }

    @Test
    void openCreatesAMissingDatabase() throws Exception {
        DatabaseConfig cfg = TestDatabase.serverConfig().withDatabase(TestDatabase.uniqueName(getClass()));
        try {
            assertThat(exists(cfg.database())).isFalse();
            try (Database opened = Database.open(cfg)) {
                assertThat(exists(cfg.database())).isTrue();
                assertThat(new ApiKeys(opened.dataSource()).anyKeyExists()).isFalse();
            }
            // A second open finds it and its schema in place.
            try (Database reopened = Database.open(cfg)) {
                assertThat(new ApiKeys(reopened.dataSource()).anyKeyExists()).isFalse();
            }
        } finally {
            TestDatabase.drop(cfg);
        }
    }

    @Test
    void concurrentOpensOfAMissingDatabaseAllSucceed() throws Exception {
        DatabaseConfig cfg = TestDatabase.serverConfig()
                .withDatabase(TestDatabase.uniqueName(getClass()))
                .withPoolSize(DatabaseConfig.MIN_POOL_SIZE);
        int threads = 4;
        CountDownLatch gate = new CountDownLatch(1);
        List<Future<Database>> opened = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int i = 0; i < threads; i++) {
                opened.add(pool.submit(() -> {
                    gate.await();
                    return Database.open(cfg);
                }));
            }
            gate.countDown();
            List<Throwable> failures = new ArrayList<>();
            for (Future<Database> f : opened) {
                try {
                    f.get().close();
                } catch (Exception e) {
                    failures.add(e);
                }
            }
            assertThat(failures).isEmpty();
            assertThat(exists(cfg.database())).isTrue();
        } finally {
            TestDatabase.drop(cfg);
        }
    }

    @Test
    void closedPortGivesAOneLineMessageSayingWhatToStart() {
        DatabaseConfig cfg = new DatabaseConfig(
                "127.0.0.1",
                1,
                "kiln",
                "postgres",
                "",
                DatabaseConfig.MIN_POOL_SIZE,
                DatabaseConfig.DEFAULT_CONNECTION_TIMEOUT,
                DatabaseConfig.DEFAULT_STATEMENT_TIMEOUT,
                DatabaseConfig.DEFAULT_IDLE_TIMEOUT);
        DatabaseUnavailableException e = assertTimeoutPreemptively(
                NO_HANG, () -> assertThrows(DatabaseUnavailableException.class, () -> Database.open(cfg)));
        assertThat(e.getMessage())
                .isEqualTo("PostgreSQL is not reachable at 127.0.0.1:1 (connection refused): start it, or set"
                        + " KILN_DB_HOST/KILN_DB_PORT")
                .doesNotContain("\n");
    }

    @Test
    void unknownRoleNamesTheUserSetting() {
        DatabaseConfig server = TestDatabase.serverConfig();
        DatabaseConfig cfg = new DatabaseConfig(
                server.host(),
                server.port(),
                "kiln_never_created",
                "kiln_no_such_role",
                "",
                DatabaseConfig.MIN_POOL_SIZE,
                server.connectionTimeout(),
                server.statementTimeout(),
                server.idleTimeout());
        DatabaseUnavailableException e = assertTimeoutPreemptively(
                NO_HANG, () -> assertThrows(DatabaseUnavailableException.class, () -> Database.open(cfg)));
        assertThat(e.getMessage())
                .contains("rejected the connection", "KILN_DB_USER")
                .doesNotContain("\n");
    }

    @Test
    void exhaustedPoolFailsWithinTheConnectionTimeoutInsteadOfHanging() throws SQLException {
        DatabaseConfig small = new DatabaseConfig(
                db.config().host(),
                db.config().port(),
                db.config().database(),
                db.config().user(),
                db.config().password(),
                DatabaseConfig.MIN_POOL_SIZE,
                DatabaseConfig.MIN_CONNECTION_TIMEOUT,
                db.config().statementTimeout(),
                db.config().idleTimeout());
        try (Database one = Database.open(small)) {
            List<Connection> held = new ArrayList<>();
            try {
                // The pool opens its connections in the background, and a loaded machine can take longer than the
                // short connection timeout to open one: retry until all are held, then exhaust it.
                long giveUp =
                        System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
                while (held.size() < DatabaseConfig.MIN_POOL_SIZE) {
                    try {
                        held.add(one.dataSource().getConnection()); // waits up to the connection timeout
                    } catch (java.sql.SQLTransientConnectionException e) {
                        if (System.nanoTime() - giveUp > 0) {
                            throw e;
                        }
                    }
                }
                assertThat(held.getFirst().isValid(1)).isTrue();
                ApiKeys keys = new ApiKeys(one.dataSource());
                DatabaseUnavailableException e = assertTimeoutPreemptively(
                        NO_HANG, () -> assertThrows(DatabaseUnavailableException.class, keys::anyKeyExists));
                assertThat(e.getMessage()).contains("KILN_DB_POOL_SIZE").doesNotContain("\n");
                assertThat(one.poolStats().active()).isEqualTo(DatabaseConfig.MIN_POOL_SIZE);
            } finally {
                for (Connection c : held) {
                    c.close();
                }
            }
        }
    }

    private static List<String> tables() throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private static boolean exists(String database) throws SQLException {
        DatabaseConfig server = TestDatabase.serverConfig();
        String url = "jdbc:postgresql://" + server.host() + ":" + server.port() + "/postgres";
        try (Connection c = DriverManager.getConnection(url, server.user(), server.password());
                PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
