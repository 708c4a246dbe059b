package dev.kiln.renderpool;

import java.util.Optional;

/**
 * A queue slot held by {@link RenderPool#reserve()} while the caller reads and validates its task, or the refusal
 * that came instead. Held, it must be used exactly once: {@link #submit} turns the slot into the task's admission,
 * {@link #close()} gives it back; a try-with-resources block does both. Confined to the thread that reserved it.
 */
public final class Reservation implements AutoCloseable {

    /** Answered by {@link RenderPool#rejectEarly()} when nothing is refused: no slot is held. */
    static final Reservation NOT_HELD = new Reservation(null, null);

    private final RenderPool pool;
    private final Admission.Rejected<Void> refusal;
    private boolean held;

    private Reservation(RenderPool pool, Admission.Rejected<Void> refusal) {
        this.pool = pool;
        this.refusal = refusal;
        this.held = pool != null;
    }

    static Reservation held(RenderPool pool) {
        return new Reservation(pool, null);
    }

    static Reservation refused(Admission.Rejected<Void> refusal) {
        return new Reservation(null, refusal);
    }

    /** Why no slot could be held (draining, queue full); empty when one is held. */
    public Optional<Admission.Rejected<Void>> refusal() {
        return Optional.ofNullable(refusal);
    }

    /**
     * Submits the task in the held slot, as {@link RenderPool#submit} does: the slot is given back first, so the
     * task is judged against everything else (its own deadline and budget included) but never against itself.
     *
     * @throws IllegalStateException if no slot is held: refused, already submitted or closed
     */
    public <T> Admission<T> submit(RenderTask<T> task, long costUnits, long deadlineNanos) {
        if (!held) {
            throw new IllegalStateException(
                    refusal != null ? "the reservation was refused: " + refusal.reason() : "no slot is held any more");
        }
        // Argument checks throw before the pool gives the slot back: then the slot is still held, and close() frees it.
        Admission<T> admission = pool.submit(task, costUnits, deadlineNanos, /* reservedSlot= */ true);
        held = false;
        return admission;
    }

    /** Gives the slot back if it was neither submitted nor closed; otherwise does nothing. */
    @Override
    public void close() {
        if (held) {
            held = false;
            pool.release();
        }
    }
}
