package dev.kiln.platform;

import java.util.List;
import java.util.Optional;

/**
 * One page of a keyset-paginated list.
 *
 * @param items the rows, in list order
 * @param nextCursor the opaque cursor of the next page; empty on the last page
 */
public record Page<T>(List<T> items, Optional<String> nextCursor) {
    public Page {
        items = List.copyOf(items);
    }
}
