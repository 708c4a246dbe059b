package dev.kiln.http;

import dev.kiln.cache.ReadCache;
import dev.kiln.platform.Changes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The cache groups of the read path and the platform listener that invalidates them: a generation is group
 * {@code g:<id>}, a user's dashboard pages are group {@code d:<userId>}. Every committed change the platform reports
 * (API and worker writes alike) drops the groups it touched, here and, through Redis pub/sub, on every instance.
 */
public final class CacheGroups implements Changes {
    private final ReadCache cache;

    /** Invalidates {@code cache} on every change. */
    public CacheGroups(ReadCache cache) {
        this.cache = Objects.requireNonNull(cache, "cache");
    }

    /** The group of generation {@code id}. */
    public static String generation(long id) {
        return "g:" + id;
    }

    /** The group of {@code userId}'s dashboard pages. */
    public static String dashboard(long userId) {
        return "d:" + userId;
    }

    @Override
    public void generationsChanged(long userId, long... generationIds) {
        List<String> groups = new ArrayList<>(generationIds.length + 1);
        for (long id : generationIds) {
            groups.add(generation(id));
        }
        groups.add(dashboard(userId));
        cache.invalidate(groups);
    }

    @Override
    public void projectsChanged(long userId) {
        cache.invalidate(List.of(dashboard(userId)));
    }
}
