package dev.kiln.render.internal;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Something slow to make (a sandboxed class loader, a child process) made once, on a platform thread of its own, so
 * that neither the first request nor a render thread that a guard may interrupt pays for it.
 *
 * @param <T> what is made
 */
public final class BackgroundStart<T> {
    private final String threadName;
    private final Callable<T> maker;
    private final CompletableFuture<T> ready = new CompletableFuture<>();
    private final AtomicBoolean started = new AtomicBoolean();

    /** Makes nothing until {@link #start()} or {@link #get()}. */
    public BackgroundStart(String threadName, Callable<T> maker) {
        this.threadName = threadName;
        this.maker = maker;
    }

    /** Starts making it in the background; idempotent. */
    public void start() {
        if (started.compareAndSet(false, true)) {
            Thread.ofPlatform().name(threadName).daemon(true).start(() -> {
                try {
                    ready.complete(maker.call());
                } catch (Throwable t) {
                    ready.completeExceptionally(t);
                }
            });
        }
    }

    /**
     * What was made, waiting for it (and starting it) if need be.
     *
     * @throws RenderAbortedError when the caller is interrupted (its render was cancelled) while waiting
     * @throws IllegalStateException when making it failed; {@code what} names it in the message
     */
    public T get(String what) {
        start();
        try {
            return ready.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RenderAbortedError();
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot " + what + ": " + e.getCause().getMessage(), e.getCause());
        }
    }
}
