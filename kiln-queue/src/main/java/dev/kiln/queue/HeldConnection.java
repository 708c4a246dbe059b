package dev.kiln.queue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * A pooled connection that one thread keeps between statements, with session settings applied once when it is
 * borrowed and undone before it goes back. Only its owning thread touches it. It goes back to the pool after {@link
 * #maxAge} (at the next {@link #get}), so the pool can still retire connections by age, and on {@link #release}; a
 * connection whose settings cannot be undone is aborted rather than returned, so no other user of the pool inherits
 * them.
 */
final class HeldConnection {

    private final DataSource dataSource;
    private final String settings;
    private final String reset;
    private final Duration maxAge;
    private Connection connection;
    private long since;

    /**
     * @param settings statements run once on a freshly borrowed connection (in autocommit)
     * @param reset statements that undo {@code settings} before the connection goes back
     */
    HeldConnection(DataSource dataSource, String settings, String reset, Duration maxAge) {
        this.dataSource = dataSource;
        this.settings = settings;
        this.reset = reset;
        this.maxAge = maxAge;
    }

    /** The held connection in autocommit, borrowing (and setting up) a fresh one when none is held or it is old. */
    Connection get() throws SQLException {
        if (connection != null && System.nanoTime() - since > maxAge.toNanos()) {
            release();
        }
        if (connection == null) {
            Connection c = dataSource.getConnection();
            try {
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    s.execute(settings);
                }
            } catch (SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
            connection = c;
            since = System.nanoTime();
        }
        return connection;
    }

    /** Gives the connection back with its settings undone (a broken one is dropped by the pool); no-op when none. */
    void release() {
        Connection c = connection;
        connection = null;
        if (c == null) {
            return;
        }
        try (c) {
            try (Statement s = c.createStatement()) {
                s.execute(reset);
            } catch (SQLException e) {
                // Never hand the pool a connection that may still carry these settings: close it for good.
                c.abort(Runnable::run);
            }
        } catch (SQLException e) {
            // Closing or aborting a broken connection; the pool drops it either way.
        }
    }
}
