package dev.kiln.platform.events;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one LISTEN connection of an instance on {@link GenerationEvents#CHANNEL}, fanning committed generation events
 * out to the local subscribers of each generation. Whichever instance's worker changed a generation, PostgreSQL
 * delivers the NOTIFY to every instance's hub. A notification carries only the range of event ids one statement wrote;
 * the hub reads the batch's range in one statement (when anyone here watches anything) and hands each subscriber the
 * events of its generation, in id order, on the listener
 * thread, so a subscriber must not block (it queues and wakes its stream). Streams hold no connection and no platform
 * thread: this hub owns the only connection and the only platform thread.
 *
 * <p>When the LISTEN connection fails, notifications sent meanwhile are lost: on reconnecting the hub tells every
 * subscriber to {@link Subscriber#resync()}, and the stream reads what it missed from the log itself.
 */
public final class GenerationEventHub implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GenerationEventHub.class);

    /** How long one wait for notifications blocks; also about how long {@link #close()} takes. */
    static final Duration LISTEN_WAIT = Duration.ofMillis(250);
    /** Widest range of announced event ids one batch reads; beyond it the subscribers resync from the log. */
    static final long MAX_RANGE = 10_000;
    /** Pause before reconnecting after the LISTEN connection failed. */
    static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);

    /** Receives one generation's events; called on the hub's thread, so it must return at once. */
    public interface Subscriber {
        /** An event of the watched generation, announced after its commit; may repeat one already read. */
        void deliver(GenerationEvent event);

        /** Announcements may have been lost (the listener reconnected, say): read the log again. */
        void resync();
    }

    /** A subscription; closing it stops the deliveries. */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    private final DataSource dataSource;
    private final GenerationEvents events;
    private final Map<Long, Set<Subscriber>> subscribers = new ConcurrentHashMap<>();
    private final Object lifecycle = new Object();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean listening;

    private GenerationEventHub(DataSource dataSource) {
        this.dataSource = dataSource;
        this.events = new GenerationEvents(dataSource);
        this.thread =
                Thread.ofPlatform().name("kiln-generation-events").daemon(true).unstarted(this::loop);
    }

    /** Starts listening on {@code dataSource} (it keeps one of its connections for as long as the hub runs). */
    public static GenerationEventHub start(DataSource dataSource) {
        GenerationEventHub hub = new GenerationEventHub(Objects.requireNonNull(dataSource, "dataSource"));
        hub.thread.start();
        return hub;
    }

    /** The event log the hub reads; streams read their backlog from it too. */
    public GenerationEvents events() {
        return events;
    }

    /** Whether the LISTEN connection is up (events announced now reach this instance at once). */
    public boolean listening() {
        return listening;
    }

    /** Number of generations with at least one local subscriber. */
    public int watchedGenerations() {
        return subscribers.size();
    }

    /**
     * Delivers the events of {@code generationId} announced from now on to {@code subscriber}. Subscribe before reading
     * the backlog, so that nothing committed between the two is missed (a repeat is possible; dedupe by id).
     */
    public Subscription subscribe(long generationId, Subscriber subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        subscribers
                .computeIfAbsent(generationId, k -> ConcurrentHashMap.newKeySet())
                .add(subscriber);
        return () -> subscribers.computeIfPresent(generationId, (k, set) -> {
            set.remove(subscriber);
            return set.isEmpty() ? null : set;
        });
    }

    private void loop() {
        boolean failing = false;
        while (running) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + GenerationEvents.CHANNEL);
                    listening = true;
                    if (failing) {
                        LOG.info("generation events: LISTEN connection restored");
                        failing = false;
                    }
                    // Whatever was announced while nobody listened is in the log; the streams read it themselves.
                    resyncAll();
                    PGConnection pg = c.unwrap(PGConnection.class);
                    while (running) {
                        PGNotification[] batch = pg.getNotifications((int) LISTEN_WAIT.toMillis());
                        if (batch != null && batch.length > 0) {
                            dispatch(batch);
                        }
                    }
                } finally {
                    listening = false;
                    // The connection goes back to a pool: a stray LISTEN would queue notifications on it for ever.
                    try (Statement s = c.createStatement()) {
                        s.execute("UNLISTEN *");
                    } catch (SQLException ignored) {
                        // a broken connection is discarded by the pool anyway
                    }
                }
            } catch (SQLException | RuntimeException e) {
                listening = false;
                if (!running) {
                    return;
                }
                if (!failing) {
                    LOG.warn("generation events: LISTEN connection failed ({}); retrying", e.toString());
                    failing = true;
                }
                resyncAll(); // the streams fall back on reading the log until the listener is back
                pause();
            }
        }
    }

    private void dispatch(PGNotification[] batch) {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (PGNotification n : batch) {
            if (!GenerationEvents.CHANNEL.equals(n.getName())) {
                continue;
            }
            String payload = n.getParameter();
            int colon = payload.indexOf(':');
            try {
                first = Math.min(first, Long.parseLong(payload, 0, colon, 10));
                last = Math.max(last, Long.parseLong(payload, colon + 1, payload.length(), 10));
            } catch (NumberFormatException | IndexOutOfBoundsException e) {
                LOG.warn("generation events: ignoring a malformed notification '{}'", payload);
            }
        }
        if (last < first || subscribers.isEmpty()) {
            return;
        }
        if (last - first >= MAX_RANGE) {
            resyncAll(); // a burst: each stream reads its own generation's log instead of us reading every event
            return;
        }
        List<GenerationEvent> read;
        try {
            read = events.inRange(first, last);
        } catch (RuntimeException e) {
            LOG.warn("generation events: cannot read announced events ({}); streams will read them", e.toString());
            resyncAll();
            return;
        }
        for (GenerationEvent e : read) {
            Set<Subscriber> set = subscribers.get(e.generationId());
            if (set != null) {
                for (Subscriber s : set) {
                    s.deliver(e);
                }
            }
        }
    }

    private void resyncAll() {
        subscribers.values().forEach(set -> set.forEach(Subscriber::resync));
    }

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

    /** Stops listening; subscribers get nothing more. Returns within about {@link #LISTEN_WAIT}. */
    @Override
    public void close() {
        synchronized (lifecycle) {
            running = false;
            lifecycle.notifyAll();
        }
        // No interrupt: the loop sees the flag within one LISTEN_WAIT, and an interrupt inside pgjdbc's I/O would
        // only break the pooled connection.
        try {
            thread.join(LISTEN_WAIT.multipliedBy(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
