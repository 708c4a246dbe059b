package dev.kiln.renderpool;

/** A handle on one admitted task; exactly one {@link Outcome} is ever produced for it. */
public interface Ticket<T> {

    /**
     * Blocks until the task completes, fails, is cancelled, or its deadline passes. At the deadline it returns
     * {@link Outcome.TimedOut} at once and cancels the task cooperatively, without waiting for the task to return.
     * Interrupting the caller throws {@link InterruptedException} and does not cancel the task.
     */
    Outcome<T> await() throws InterruptedException;

    /** The client went away: a queued task is dropped and never runs; a running one sees {@code ctx.isCancelled()}. */
    void cancel();
}
