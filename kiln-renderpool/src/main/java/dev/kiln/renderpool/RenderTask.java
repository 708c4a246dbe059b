package dev.kiln.renderpool;

/** A unit of work run on a pool worker; should poll {@link TaskContext#isCancelled()} and stop early when true. */
@FunctionalInterface
public interface RenderTask<T> {

    /** Runs the work and returns its result; any exception becomes {@link Outcome.Failed}. */
    T run(TaskContext ctx) throws Exception;
}
