package dev.kiln.cache;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** What single-flight loads share: waiting for another caller's load. */
public final class Futures {
    private Futures() {}

    /**
     * The value of {@code load}, which another thread completes; its failure is rethrown as that thread threw it
     * (a {@link RuntimeException} or {@link Error} unwrapped from the {@link CompletionException}).
     */
    public static <T> T join(CompletableFuture<T> load) {
        try {
            return load.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}
