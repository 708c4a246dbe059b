package dev.kiln.queue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class its own database on the real PostgreSQL, with the queue's schema migrated, dropped after the
 * class. A small equivalent of the platform's TestDatabase, so the queue does not depend on the platform.
 */
final class QueueDatabase implements BeforeAllCallback, AfterAllCallback {

    static final String HOST = System.getenv().getOrDefault("KILN_DB_HOST", "127.0.0.1");
    static final String PORT = System.getenv().getOrDefault("KILN_DB_PORT", "5432");
    static final String USER = System.getenv().getOrDefault("KILN_DB_USER", "postgres");
    static final String PASSWORD = System.getenv().getOrDefault("KILN_DB_PASSWORD", "");

    private static final SecureRandom RANDOM = new SecureRandom();

    private final int poolSize;
    private String name;
    private HikariDataSource pool;

    QueueDatabase() {
        this(8);
    }

    QueueDatabase(int poolSize) {
        this.poolSize = poolSize;
    }

    static String url(String database) {
        return "jdbc:postgresql://" + HOST + ":" + PORT + "/" + database;
    }

    /** A pool on {@code database}: the same settings the platform uses that matter here. */
    static HikariDataSource pool(String database, int size) {
        HikariConfig h = new HikariConfig();
        h.setJdbcUrl(url(database));
        h.setUsername(USER);
        h.setPassword(PASSWORD);
        h.setMaximumPoolSize(size);
        h.setMinimumIdle(1);
        h.setPoolName("queue-test");
        h.setConnectionTimeout(10_000);
        return new HikariDataSource(h);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws SQLException {
        String simple = context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT);
        name = "kiln_test_q_" + simple.substring(0, Math.min(simple.length(), 40)) + "_"
                + Integer.toString(RANDOM.nextInt(1 << 30), 36);
        try (Connection c = DriverManager.getConnection(url("postgres"), USER, PASSWORD);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE \"" + name + "\"");
        }
        pool = pool(name, poolSize);
        QueueSchema.migrate(pool);
    }

    @Override
    public void afterAll(ExtensionContext context) throws SQLException {
        if (pool != null) {
            pool.close();
        }
        try (Connection c = DriverManager.getConnection(url("postgres"), USER, PASSWORD);
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
        }
    }

    DataSource dataSource() {
        return pool;
    }

    String name() {
        return name;
    }

    /** Runs {@code sql} (with parameters) in its own transaction. */
    int update(String sql, Object... params) throws SQLException {
        try (Connection c = pool.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps.executeUpdate();
        }
    }

    /** The single long value of {@code sql}. */
    long queryLong(String sql, Object... params) throws SQLException {
        try (Connection c = pool.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Enqueues {@code requests} in one committed transaction. */
    List<Long> enqueue(JobQueue queue, List<JobRequest> requests) throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                List<Long> ids = queue.enqueueAll(c, requests);
                c.commit();
                return ids;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    long enqueue(JobQueue queue, JobRequest request) throws SQLException {
        return enqueue(queue, List.of(request)).getFirst();
    }
}
