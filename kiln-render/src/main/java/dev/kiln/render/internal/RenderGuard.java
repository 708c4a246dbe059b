package dev.kiln.render.internal;

import dev.kiln.render.CancellationSignal;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Turns a {@link CancellationSignal} into an interrupt of the thread doing the work, so that code which never polls
 * the signal (instrumented library code, see {@link InterruptingClassLoader}) still stops. One daemon thread,
 * {@code kiln-render-guard}, polls the signals of the guarded sections every {@link #POLL_INTERVAL} and interrupts
 * the owner of each cancelled one, again on every poll until the section ends, so a library that clears the flag
 * cannot outlast it. A section never leaves an interrupt behind: closing it clears any interrupt it sent.
 */
public final class RenderGuard {
    /** How often cancelled sections are looked for: well under any request budget, and cheap at a few sections. */
    public static final Duration POLL_INTERVAL = Duration.ofMillis(20);

    private static final Set<Section> SECTIONS = ConcurrentHashMap.newKeySet();
    private static volatile Thread poller;

    private RenderGuard() {}

    /** Guards the calling thread until the returned section is closed; use with try-with-resources. */
    public static Section enter(CancellationSignal signal) {
        Section section = new Section(Thread.currentThread(), Objects.requireNonNull(signal, "signal"));
        SECTIONS.add(section);
        Thread p = ensurePoller();
        LockSupport.unpark(p);
        return section;
    }

    /** Number of sections currently guarded; for tests and metrics. */
    public static int activeSections() {
        return SECTIONS.size();
    }

    private static Thread ensurePoller() {
        Thread p = poller;
        if (p != null) {
            return p;
        }
        synchronized (RenderGuard.class) {
            if (poller == null) {
                poller = Thread.ofPlatform()
                        .name("kiln-render-guard")
                        .daemon(true)
                        .priority(Thread.MAX_PRIORITY)
                        .start(RenderGuard::pollLoop);
            }
            return poller;
        }
    }

    private static void pollLoop() {
        long pollNanos = POLL_INTERVAL.toNanos();
        while (true) {
            if (SECTIONS.isEmpty()) {
                // Parked until a section is entered (enter() unparks); the timeout only guards a lost wake-up.
                LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
                continue;
            }
            for (Section section : SECTIONS) {
                boolean cancelled;
                try {
                    cancelled = section.signal.isCancelled();
                } catch (RuntimeException e) {
                    cancelled = true; // a signal that cannot answer cannot vouch for the work
                }
                if (cancelled) {
                    section.interruptIfOpen();
                }
            }
            LockSupport.parkNanos(pollNanos);
        }
    }

    /** One guarded stretch of work on one thread. */
    public static final class Section implements AutoCloseable {
        private final Thread owner;
        private final CancellationSignal signal;
        // Guarded by this: an interrupt is sent only while open, so none can land after close().
        private boolean open = true;
        private boolean interrupted;

        private Section(Thread owner, CancellationSignal signal) {
            this.owner = owner;
            this.signal = signal;
        }

        private synchronized void interruptIfOpen() {
            if (open) {
                interrupted = true;
                owner.interrupt();
            }
        }

        /** Whether the guard interrupted this section's thread. */
        public synchronized boolean wasInterrupted() {
            return interrupted;
        }

        /** Ends the section and clears any interrupt the guard sent; must be called on the owning thread. */
        @Override
        public void close() {
            boolean clear;
            synchronized (this) {
                open = false;
                clear = interrupted;
            }
            SECTIONS.remove(this);
            if (clear && Thread.currentThread() == owner) {
                Thread.interrupted();
            }
        }
    }
}
