package dev.kiln.renderpool;

/** A monotonic nanosecond clock; injected so tests can drive time (deadlines, overdue detection, drain timeouts). */
@FunctionalInterface
public interface Ticker {

    /** The JVM's monotonic clock. */
    Ticker SYSTEM = System::nanoTime;

    /** Returns the current time in nanoseconds on an arbitrary but fixed origin; only differences are meaningful. */
    long nanos();
}
