package dev.kiln.platform;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Objects;
import javax.sql.DataSource;

/** Transactions and failure translation shared by the platform's repositories; not meant for other modules. */
public final class Sql {

    /** SQLSTATE unique_violation. */
    public static final String UNIQUE_VIOLATION = Failures.UNIQUE_VIOLATION;

    private Sql() {}

    /** Work that runs on one connection inside a transaction. */
    @FunctionalInterface
    public interface Work<T> {
        /** Does the work; throwing rolls the transaction back. */
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. Runtime
     * exceptions (the domain's refusals) pass through unchanged; SQL failures become {@link DatabaseException}s.
     */
    public static <T> T transaction(DataSource dataSource, String doing, Work<T> work) {
        Objects.requireNonNull(work, "work");
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollbackQuietly(c, e);
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw Failures.translate(doing, null, null, e);
        }
    }

    /** Runs {@code work} on one auto-commit connection, for single-statement reads and writes. */
    public static <T> T once(DataSource dataSource, String doing, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw Failures.translate(doing, null, null, e);
        }
    }

    /** Whether some {@link SQLException} in {@code failure}'s cause chain has SQLSTATE {@code state}. */
    public static boolean hasState(Throwable failure, String state) {
        return Failures.hasState(failure, state);
    }

    /** A nullable {@code timestamptz} column as an instant. */
    public static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    /**
     * A nullable {@code timestamptz} column of the current row as an instant, read as an {@link OffsetDateTime}:
     * pgjdbc builds that straight from the wire value, where {@link ResultSet#getTimestamp(int)} goes through a
     * {@link java.util.Calendar} of the JVM's time zone (a read model of 150 rows has 900 of them).
     */
    public static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static void rollbackQuietly(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
