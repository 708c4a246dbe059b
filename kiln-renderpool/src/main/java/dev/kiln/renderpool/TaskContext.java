package dev.kiln.renderpool;

/** What a running task may ask of the pool; poll {@link #isCancelled()} between units of work. */
public interface TaskContext {

    /** True once the ticket was cancelled, the task's deadline passed, or the pool is closing. */
    boolean isCancelled();
}
