package dev.kiln.renderpool;

/** The single result of an admitted task. */
public sealed interface Outcome<T> {

    /** The task returned a value before its deadline. */
    record Completed<T>(T value) implements Outcome<T> {}

    /** The task threw; {@code error} is what it threw. */
    record Failed<T>(Throwable error) implements Outcome<T> {}

    /** The deadline passed before the task returned (or before it started). */
    record TimedOut<T>() implements Outcome<T> {}

    /** The ticket was cancelled, or the pool closed, before the task returned. */
    record Cancelled<T>() implements Outcome<T> {}
}
