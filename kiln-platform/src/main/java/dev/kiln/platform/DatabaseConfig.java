package dev.kiln.platform;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How Kiln reaches PostgreSQL and sizes its connection pool.
 *
 * @param host PostgreSQL host name or address
 * @param port PostgreSQL TCP port
 * @param database name of Kiln's database; created on first start when missing
 * @param user PostgreSQL role
 * @param password password of {@code user}; empty when the server trusts the connection
 * @param poolSize largest number of pooled connections
 * @param connectionTimeout longest wait to connect, or to borrow a connection from the pool
 * @param statementTimeout longest a single statement may run before PostgreSQL cancels it
 * @param idleTimeout how long an idle connection above the pool minimum is kept (at least 10 s)
 */
public record DatabaseConfig(
        String host,
        int port,
        String database,
        String user,
        String password,
        int poolSize,
        Duration connectionTimeout,
        Duration statementTimeout,
        Duration idleTimeout) {

    /** Environment variable for {@link #host()}. */
    public static final String ENV_HOST = "KILN_DB_HOST";
    /** Environment variable for {@link #port()}. */
    public static final String ENV_PORT = "KILN_DB_PORT";
    /** Environment variable for {@link #database()}. */
    public static final String ENV_NAME = "KILN_DB_NAME";
    /** Environment variable for {@link #user()}. */
    public static final String ENV_USER = "KILN_DB_USER";
    /** Environment variable for {@link #password()}. */
    public static final String ENV_PASSWORD = "KILN_DB_PASSWORD";
    /** Environment variable for {@link #poolSize()}. */
    public static final String ENV_POOL_SIZE = "KILN_DB_POOL_SIZE";

    /** Default host: the local PostgreSQL. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** Default port: PostgreSQL's standard 5432. */
    public static final int DEFAULT_PORT = 5432;
    /** Default database name. */
    public static final String DEFAULT_DATABASE = "kiln";
    /** Default role. */
    public static final String DEFAULT_USER = "postgres";
    /** Default password: none (trust or peer authentication). */
    public static final String DEFAULT_PASSWORD = "";
    /**
     * Default pool size: 8 connections. PostgreSQL throughput peaks near (2 × cores) busy connections; more only
     * queue inside the server, and several instances share one server.
     */
    public static final int DEFAULT_POOL_SIZE = 8;
    /** Default connect and borrow timeout: 2 s, so a dead database fails a request quickly instead of hanging. */
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(2);
    /** Default statement timeout: 5 s; no request-path query should come near it. */
    public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(5);
    /** Default idle timeout: 10 min. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);

    /** Smallest connection timeout HikariCP accepts: 250 ms. */
    public static final Duration MIN_CONNECTION_TIMEOUT = Duration.ofMillis(250);
    /** Smallest idle timeout HikariCP honours: 10 s (it silently raises smaller values). */
    public static final Duration MIN_IDLE_TIMEOUT = Duration.ofSeconds(10);
    /** Largest pool size accepted; beyond this PostgreSQL's per-connection memory dominates. */
    public static final int MAX_POOL_SIZE = 200;

    /**
     * Smallest pool: some connections are held for as long as the process runs (the job queue's LISTEN connection,
     * a worker's claim connection, the live-event listener), and requests, heartbeats and completions need the rest.
     */
    public static final int MIN_POOL_SIZE = 4;

    // Database names are interpolated into CREATE/DROP DATABASE (identifiers cannot be bound parameters), so only
    // plain lower-case identifiers are accepted; 63 bytes is PostgreSQL's NAMEDATALEN - 1.
    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    public DatabaseConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host (" + ENV_HOST + ") must not be blank");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port (" + ENV_PORT + ") must be in 1..65535, was " + port);
        }
        if (database == null || !DATABASE_NAME.matcher(database).matches()) {
            throw new IllegalArgumentException("database (" + ENV_NAME
                    + ") must be a lower-case identifier of 1-63 chars [a-z0-9_], was " + database);
        }
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("user (" + ENV_USER + ") must not be blank");
        }
        password = Objects.requireNonNullElse(password, "");
        if (poolSize < MIN_POOL_SIZE || poolSize > MAX_POOL_SIZE) {
            throw new IllegalArgumentException("poolSize (" + ENV_POOL_SIZE + ") must be in " + MIN_POOL_SIZE + ".."
                    + MAX_POOL_SIZE + ", was " + poolSize);
        }
        atLeast("connectionTimeout", connectionTimeout, MIN_CONNECTION_TIMEOUT);
        atLeast("statementTimeout", statementTimeout, Duration.ofMillis(1));
        atLeast("idleTimeout", idleTimeout, MIN_IDLE_TIMEOUT);
    }

    /** The documented defaults: {@code postgres@127.0.0.1:5432/kiln}, 8 connections. */
    public static DatabaseConfig defaults() {
        return new DatabaseConfig(
                DEFAULT_HOST,
                DEFAULT_PORT,
                DEFAULT_DATABASE,
                DEFAULT_USER,
                DEFAULT_PASSWORD,
                DEFAULT_POOL_SIZE,
                DEFAULT_CONNECTION_TIMEOUT,
                DEFAULT_STATEMENT_TIMEOUT,
                DEFAULT_IDLE_TIMEOUT);
    }

    /**
     * The defaults overridden by the {@code KILN_DB_*} variables present in {@code env} (e.g. {@code System.getenv()}).
     *
     * @throws IllegalArgumentException naming the variable when a value is invalid
     */
    public static DatabaseConfig fromEnv(Map<String, String> env) {
        DatabaseConfig d = defaults();
        return new DatabaseConfig(
                env.getOrDefault(ENV_HOST, d.host()),
                intVar(env, ENV_PORT, d.port()),
                env.getOrDefault(ENV_NAME, d.database()),
                env.getOrDefault(ENV_USER, d.user()),
                env.getOrDefault(ENV_PASSWORD, d.password()),
                intVar(env, ENV_POOL_SIZE, d.poolSize()),
                d.connectionTimeout(),
                d.statementTimeout(),
                d.idleTimeout());
    }

    /** A copy pointing at another database on the same server. */
    public DatabaseConfig withDatabase(String name) {
        return new DatabaseConfig(
                host, port, name, user, password, poolSize, connectionTimeout, statementTimeout, idleTimeout);
    }

    /** A copy with another pool size. */
    public DatabaseConfig withPoolSize(int size) {
        return new DatabaseConfig(
                host, port, database, user, password, size, connectionTimeout, statementTimeout, idleTimeout);
    }

    /** The JDBC URL of {@link #database()}, without credentials or options. */
    public String jdbcUrl() {
        return jdbcUrl(database);
    }

    /** The JDBC URL of another database on the same server (e.g. the {@code postgres} maintenance database). */
    String jdbcUrl(String databaseName) {
        // IPv6 literals need brackets in a URL.
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + h + ":" + port + "/" + databaseName;
    }

    /** Host and port as written in messages, e.g. {@code 127.0.0.1:5432}. */
    String address() {
        return host + ":" + port;
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "DatabaseConfig[" + user + "@" + address() + "/" + database + ", password="
                + (password.isEmpty() ? "(none)" : "***") + ", poolSize=" + poolSize + ", connectionTimeout="
                + connectionTimeout + ", statementTimeout=" + statementTimeout + ", idleTimeout=" + idleTimeout + "]";
    }

    private static void atLeast(String name, Duration value, Duration min) {
        if (value == null || value.compareTo(min) < 0) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
        }
    }

    private static int intVar(Map<String, String> env, String name, int fallback) {
        String raw = env.get(name);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(raw.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, was '" + raw + "'", e);
        }
    }
}
