package dev.kiln.app;

import dev.kiln.renderpool.Ticker;
import java.time.Duration;

/**
 * The one deadline a shutdown runs against: fixed when the shutdown begins ({@code KILN_DRAIN_TIMEOUT} from the
 * signal), and every phase (the server's wait for in-flight renders, the workers' wait for their jobs, the stop) may
 * wait only what the phases before it left. A phase that overruns therefore shortens the ones after it instead of
 * adding to the total. Reads an injected {@link Ticker}, so tests drive it.
 */
final class ShutdownDeadline {
    private final Ticker ticker;
    private final long deadlineNanos;
    private final Duration budget;

    /** A deadline {@code budget} after now, by {@code ticker}. */
    ShutdownDeadline(Ticker ticker, Duration budget) {
        if (budget.isNegative()) {
            throw new IllegalArgumentException("a shutdown budget must not be negative, was " + budget);
        }
        this.ticker = ticker;
        this.budget = budget;
        this.deadlineNanos = ticker.nanos() + saturatedNanos(budget);
    }

    /** The whole budget, as given. */
    Duration budget() {
        return budget;
    }

    /** Time left before the deadline; zero once it has passed. */
    Duration remaining() {
        return remaining(Duration.ZERO);
    }

    /** Time left before the deadline less {@code keep}, which the later phases need; never negative. */
    Duration remaining(Duration keep) {
        long left = deadlineNanos - ticker.nanos() - saturatedNanos(keep);
        return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return d.isNegative() ? Long.MIN_VALUE / 2 : Long.MAX_VALUE / 4;
        }
    }
}
