package dev.kiln.queue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One LISTEN connection per queue that wakes every local worker when jobs are enqueued, rescued or released. When it
 * is down, workers still claim every {@link QueueConfig#pollInterval()}.
 */
final class Notifier implements AutoCloseable {

    /** How long one wait for notifications blocks; also how long {@link #close()} may take. */
    static final Duration LISTEN_WAIT = Duration.ofMillis(200);
    /** Pause before reconnecting after the LISTEN connection failed. */
    static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(Notifier.class);

    private final DataSource dataSource;
    private final QueueListener listener;
    private final Set<Wakeup> targets = new CopyOnWriteArraySet<>();
    private final Object lifecycle = new Object();
    private volatile boolean running;
    private Thread thread;

    Notifier(DataSource dataSource, QueueListener listener) {
        this.dataSource = dataSource;
        this.listener = listener;
    }

    void register(Wakeup wakeup) {
        targets.add(wakeup);
        synchronized (lifecycle) {
            if (thread == null) {
                running = true;
                thread = Thread.ofPlatform()
                        .name("kiln-queue-listen")
                        .daemon(true)
                        .start(this::loop);
            }
        }
    }

    void unregister(Wakeup wakeup) {
        targets.remove(wakeup);
    }

    private void loop() {
        boolean failing = false;
        while (running) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + Sql.CHANNEL);
                    if (failing) {
                        log.info("LISTEN connection restored");
                        failing = false;
                    }
                    // Anything enqueued while we were not listening was not announced to us.
                    signalAll();
                    PGConnection pg = c.unwrap(PGConnection.class);
                    while (running) {
                        PGNotification[] batch = pg.getNotifications((int) LISTEN_WAIT.toMillis());
                        if (batch != null && batch.length > 0) {
                            signalAll();
                            listener.notified();
                        }
                    }
                } finally {
                    // The connection goes back to a pool: a stray LISTEN would queue notifications on it forever.
                    try (Statement s = c.createStatement()) {
                        s.execute("UNLISTEN *");
                    } catch (SQLException ignored) {
                        // A broken connection is discarded by the pool anyway.
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                if (!failing) {
                    log.warn("LISTEN connection failed ({}); workers poll until it is back", e.toString());
                    failing = true;
                }
                pause();
            }
        }
    }

    /** Waits {@link #RECONNECT_DELAY}, or less if {@link #close()} is called meanwhile. */
    private void pause() {
        synchronized (lifecycle) {
            long end = System.nanoTime() + RECONNECT_DELAY.toNanos();
            long left;
            while (running && (left = end - System.nanoTime()) > 0) {
                try {
                    lifecycle.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void signalAll() {
        for (Wakeup w : targets) {
            w.signal();
        }
    }

    @Override
    public void close() {
        Thread t;
        synchronized (lifecycle) {
            running = false;
            t = thread;
            thread = null;
            lifecycle.notifyAll();
        }
        if (t == null) {
            return;
        }
        // No interrupt: the loop sees the flag within one LISTEN_WAIT, and an interrupt in the middle of pgjdbc's
        // I/O would only break the pooled connection.
        try {
            t.join(LISTEN_WAIT.multipliedBy(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
