package dev.kiln.platform;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Optional;

/** Turns driver and pool failures into Kiln's exceptions with one-line, actionable messages. */
final class Failures {

    /** SQLSTATE duplicate_database: a concurrent creator won the race. */
    static final String DUPLICATE_DATABASE = "42P04";
    /** SQLSTATE unique_violation. */
    static final String UNIQUE_VIOLATION = "23505";

    private Failures() {}

    /** The failure as a {@link DatabaseException}, or a {@link DatabaseUnavailableException} when it is one. */
    static DatabaseException translate(String doing, String address, Duration connectionTimeout, SQLException e) {
        return unavailable(address, connectionTimeout, e)
                .<DatabaseException>map(u -> u)
                .orElseGet(() -> new DatabaseException(doing + " failed: " + firstLine(e.getMessage()), e));
    }

    /**
     * A {@link DatabaseUnavailableException} when some {@link SQLException} in {@code failure}'s cause chain says the
     * server cannot be reached or refuses connections; empty for ordinary SQL errors.
     *
     * @param address {@code host:port} for the message, or null when unknown
     * @param connectionTimeout the configured connect timeout, for the message; may be null
     */
    static Optional<DatabaseUnavailableException> unavailable(
            String address, Duration connectionTimeout, Throwable failure) {
        String at = address == null ? "" : " at " + address;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (!(t instanceof SQLException sql)) {
                continue;
            }
            String state = sql.getSQLState() == null ? "" : sql.getSQLState();
            String message =
                    switch (state) {
                        case "28P01", "28000" ->
                            "PostgreSQL" + at + " rejected the connection (" + firstLine(sql.getMessage()) + "): set "
                                    + DatabaseConfig.ENV_USER + "/" + DatabaseConfig.ENV_PASSWORD;
                        case "3D000" ->
                            "PostgreSQL" + at + " has no such database (" + firstLine(sql.getMessage())
                                    + "): create it, or set " + DatabaseConfig.ENV_NAME;
                        case "57P03" ->
                            "PostgreSQL" + at + " is starting up or shutting down: wait for it, then start Kiln again";
                        case "53300" ->
                            "PostgreSQL" + at + " has no free connection slots (too many connections): raise"
                                    + " max_connections, or lower " + DatabaseConfig.ENV_POOL_SIZE;
                        default -> {
                            if (state.startsWith("08")) {
                                yield "PostgreSQL is not reachable" + at + " (" + reason(sql, connectionTimeout)
                                        + "): start it, or set " + DatabaseConfig.ENV_HOST + "/"
                                        + DatabaseConfig.ENV_PORT;
                            }
                            if (sql instanceof SQLTransientConnectionException) {
                                // HikariCP's borrow timeout: the pool is exhausted or every connect attempt fails.
                                yield "no PostgreSQL connection" + at + " became free in time ("
                                        + firstLine(sql.getMessage()) + "): check that PostgreSQL is up, or raise "
                                        + DatabaseConfig.ENV_POOL_SIZE;
                            }
                            yield null;
                        }
                    };
            if (message != null) {
                return Optional.of(new DatabaseUnavailableException(message, failure));
            }
        }
        return Optional.empty();
    }

    /** Whether some {@link SQLException} in the cause chain has one of the given SQLSTATEs. */
    static boolean hasState(Throwable failure, String... states) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                for (String s : states) {
                    if (s.equals(sql.getSQLState())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static String reason(SQLException e, Duration connectionTimeout) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            switch (t) {
                case ConnectException c -> {
                    return "connection refused";
                }
                case SocketTimeoutException s -> {
                    return connectionTimeout == null
                            ? "connect timed out"
                            : "connect timed out after " + connectionTimeout.toMillis() + " ms";
                }
                case UnknownHostException u -> {
                    return "unknown host";
                }
                case NoRouteToHostException n -> {
                    return "no route to host";
                }
                default -> {}
            }
        }
        return firstLine(e.getMessage());
    }

    static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).strip();
    }
}
