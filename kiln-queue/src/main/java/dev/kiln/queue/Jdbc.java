package dev.kiln.queue;

import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/** Small JDBC conversions shared by the queue's statements. */
final class Jdbc {

    /** The CHECK constraint that is the per-tenant quota. */
    static final String QUOTA_CONSTRAINT = "kiln_queue_tenants_quota";

    private Jdbc() {}

    /** An instant as a {@code timestamptz} parameter. */
    static OffsetDateTime ts(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    /** A nullable {@code timestamptz} column as an instant. */
    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    /** A text array; timestamps travel as ISO-8601 text and are cast in SQL, so no driver type mapping is needed. */
    static Array text(Connection c, String[] values) throws SQLException {
        return c.createArrayOf("text", values);
    }

    static Array bigints(Connection c, long[] values) throws SQLException {
        Long[] boxed = new Long[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return c.createArrayOf("int8", boxed);
    }

    static Array ints(Connection c, int[] values) throws SQLException {
        Integer[] boxed = new Integer[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return c.createArrayOf("int4", boxed);
    }

    /** Whether {@code e} is the quota CHECK failing. */
    static boolean isQuotaViolation(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PSQLException p) {
                ServerErrorMessage m = p.getServerErrorMessage();
                if (m != null && QUOTA_CONSTRAINT.equals(m.getConstraint())) {
                    return true;
                }
            }
        }
        return false;
    }
}
