package dev.kiln.platform;

/**
 * Told after a write commits, so that caches of what it changed can be dropped. The platform calls it for every
 * committed write that changes a generation, a project or a scene; implementations must be fast and must not throw
 * (a failure to invalidate is theirs to handle, the write has already happened).
 */
public interface Changes {

    /** Nothing listens. */
    Changes NONE = new Changes() {
        @Override
        public void generationsChanged(long userId, long... generationIds) {}

        @Override
        public void projectsChanged(long userId) {}
    };

    /** Generations {@code generationIds} of {@code userId} changed (and so did that user's dashboard). */
    void generationsChanged(long userId, long... generationIds);

    /** A project or scene of {@code userId} was created, changed or deleted (the user's dashboard changed). */
    void projectsChanged(long userId);
}
