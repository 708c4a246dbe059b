package dev.kiln.platform;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import com.zaxxer.hikari.pool.HikariPool;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Kiln's PostgreSQL database: created when missing, migrated, and served through a small HikariCP pool. */
public final class Database implements AutoCloseable {

    /** Name of the pool, in HikariCP's logs and thread names. */
    public static final String POOL_NAME = "kiln";
    /** Where Flyway finds the migrations. */
    public static final String MIGRATIONS = "classpath:db/migration";
    /** PostgreSQL's maintenance database, from which Kiln's own database is created. */
    static final String MAINTENANCE_DATABASE = "postgres";
    /** Connections kept open while idle; the rest are closed after {@link DatabaseConfig#idleTimeout()}. */
    static final int MIN_IDLE = 2;

    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final DatabaseConfig config;
    private final HikariDataSource dataSource;

    private Database(DatabaseConfig config, HikariDataSource dataSource) {
        this.config = config;
        this.dataSource = dataSource;
    }

    /**
     * Creates the database when missing, migrates it, and opens the pool.
     *
     * @throws DatabaseUnavailableException when PostgreSQL cannot be reached or refuses the connection
     * @throws DatabaseException when creation or a migration fails for another reason
     */
    public static Database open(DatabaseConfig config) {
        Objects.requireNonNull(config, "config");
        createIfMissing(config);
        migrate(config);
        HikariDataSource pool = openPool(config);
        log.info("Database {} on {} ready (pool of {})", config.database(), config.address(), config.poolSize());
        return new Database(config, pool);
    }

    /** The pooled data source; borrow connections with try-with-resources. */
    public DataSource dataSource() {
        return dataSource;
    }

    /** The configuration this database was opened with. */
    public DatabaseConfig config() {
        return config;
    }

    /**
     * Records the pool's metrics through {@code factory}, HikariCP's own tracker (its Micrometer one in Kiln:
     * {@code hikaricp.connections.*}, tagged {@code pool=kiln}). Once per database; HikariCP refuses a second.
     */
    public void trackMetrics(MetricsTrackerFactory factory) {
        dataSource.setMetricsTrackerFactory(factory);
    }

    /** A snapshot of the pool's connection counts, for tests and diagnosis. */
    public PoolStats poolStats() {
        HikariPoolMXBean bean = dataSource.getHikariPoolMXBean();
        if (bean == null) {
            return new PoolStats(0, 0, 0, 0, config.poolSize());
        }
        return new PoolStats(
                bean.getActiveConnections(),
                bean.getIdleConnections(),
                bean.getThreadsAwaitingConnection(),
                bean.getTotalConnections(),
                config.poolSize());
    }

    /** Closes the pool; connections in use are closed when returned. */
    @Override
    public void close() {
        dataSource.close();
    }

    /**
     * Connection counts of the pool.
     *
     * @param active connections lent out
     * @param idle connections waiting in the pool
     * @param pending threads waiting for a connection
     * @param total open connections
     * @param max the pool size
     */
    public record PoolStats(int active, int idle, int pending, int total, int max) {}

    /**
     * Creates {@code config.database()} from the maintenance database unless it exists. Safe against concurrent
     * creators (other instances, or other test classes): losing the race is success.
     */
    static void createIfMissing(DatabaseConfig config) {
        try (Connection c = simpleDataSource(config, MAINTENANCE_DATABASE).getConnection()) {
            if (exists(c, config.database())) {
                return;
            }
            try (Statement s = c.createStatement()) {
                // Identifiers cannot be bound; DatabaseConfig restricts the name to [a-z0-9_] so quoting is enough.
                s.execute("CREATE DATABASE \"" + config.database() + "\"");
                log.info("Created database {} on {}", config.database(), config.address());
            } catch (SQLException e) {
                // 42P04 when the other creator committed first; 23505 when both reached pg_database's unique index.
                if (!Failures.hasState(e, Failures.DUPLICATE_DATABASE, Failures.UNIQUE_VIOLATION)) {
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw Failures.translate(
                    "creating database " + config.database(), config.address(), config.connectionTimeout(), e);
        }
    }

    private static boolean exists(Connection c, String database) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void migrate(DatabaseConfig config) {
        // Flyway gets its own unpooled connection without the pool's statement_timeout: a later migration (an index
        // build, a backfill) may legitimately run longer than any request-path statement.
        Flyway flyway = Flyway.configure(Database.class.getClassLoader())
                .dataSource(simpleDataSource(config, config.database()))
                .locations(MIGRATIONS)
                // Route Flyway through SLF4J like the rest of Kiln, so its lines land in the structured log.
                .loggers("slf4j")
                .failOnMissingLocations(true)
                .connectRetries(0)
                .load();
        try {
            MigrateResult result = flyway.migrate();
            if (result.migrationsExecuted > 0) {
                log.info(
                        "Migrated database {} to version {} ({} migrations)",
                        config.database(),
                        result.targetSchemaVersion,
                        result.migrationsExecuted);
            }
        } catch (FlywayException e) {
            throw Failures.unavailable(config.address(), config.connectionTimeout(), e)
                    .<DatabaseException>map(u -> u)
                    .orElseGet(() -> new DatabaseException(
                            "migrating database " + config.database() + " failed: "
                                    + Failures.firstLine(e.getMessage()),
                            e));
        }
    }

    private static HikariDataSource openPool(DatabaseConfig config) {
        HikariConfig h = new HikariConfig();
        h.setPoolName(POOL_NAME);
        h.setJdbcUrl(config.jdbcUrl());
        h.setUsername(config.user());
        h.setPassword(config.password());
        h.setMaximumPoolSize(config.poolSize());
        // A few warm connections; the rest come and go so that idle instances (and test classes) do not pin
        // PostgreSQL's connection slots.
        h.setMinimumIdle(Math.min(MIN_IDLE, config.poolSize()));
        h.setIdleTimeout(config.idleTimeout().toMillis());
        h.setConnectionTimeout(config.connectionTimeout().toMillis());
        h.setValidationTimeout(Math.max(
                DatabaseConfig.MIN_CONNECTION_TIMEOUT.toMillis(),
                config.connectionTimeout().toMillis() / 2));
        // Fail the start within one connect timeout instead of retrying in the background.
        h.setInitializationFailTimeout(config.connectionTimeout().toMillis());
        driverProperties(config).forEach(h::addDataSourceProperty);
        try {
            return new HikariDataSource(h);
        } catch (HikariPool.PoolInitializationException e) {
            throw Failures.unavailable(config.address(), config.connectionTimeout(), e)
                    .<DatabaseException>map(u -> u)
                    .orElseGet(() -> new DatabaseException(
                            "opening the connection pool failed: " + Failures.firstLine(e.getMessage()), e));
        }
    }

    /** pgjdbc properties shared by the pool; statement_timeout is set per session at connect time. */
    private static Map<String, String> driverProperties(DatabaseConfig config) {
        return Map.of(
                "ApplicationName",
                POOL_NAME,
                "connectTimeout",
                Long.toString(seconds(config.connectionTimeout())),
                "loginTimeout",
                Long.toString(seconds(config.connectionTimeout())),
                "tcpKeepAlive",
                "true",
                // Lets a later bulk insert go to the server as one multi-row statement.
                "reWriteBatchedInserts",
                "true",
                "options",
                "-c statement_timeout=" + config.statementTimeout().toMillis());
    }

    /** An unpooled data source for one-off connections (maintenance, migrations). */
    static PGSimpleDataSource simpleDataSource(DatabaseConfig config, String database) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(config.jdbcUrl(database));
        ds.setUser(config.user());
        ds.setPassword(config.password());
        ds.setApplicationName(POOL_NAME);
        ds.setConnectTimeout((int) seconds(config.connectionTimeout()));
        ds.setLoginTimeout((int) seconds(config.connectionTimeout()));
        return ds;
    }

    /** pgjdbc takes whole seconds; round up so a 2.5 s timeout does not become 2 s, and never 0 (= forever). */
    private static long seconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }
}
