package dev.kiln.render.internal;

import dev.kiln.render.InvalidDocumentException;
import dev.kiln.render.Violation;
import java.util.ArrayList;
import java.util.List;

/** Collects violations while walking a document, then throws them together. Not thread-safe. */
public final class Violations {
    /** Stop collecting after this many; a hostile document must not make a huge error body. */
    public static final int MAX_REPORTED = 50;

    private final List<Violation> list = new ArrayList<>();

    /** Records a problem at {@code pointer}. */
    public void add(String pointer, String detail) {
        if (list.size() < MAX_REPORTED) {
            list.add(new Violation(pointer, detail));
        }
    }

    public boolean isEmpty() {
        return list.isEmpty();
    }

    /** Throws an {@link InvalidDocumentException} if anything was recorded. */
    public void throwIfAny() {
        if (!list.isEmpty()) {
            throw new InvalidDocumentException(list);
        }
    }

    /** Appends a JSON Pointer segment, escaping {@code ~} and {@code /} per RFC 6901. */
    public static String child(String pointer, String segment) {
        return pointer + "/" + segment.replace("~", "~0").replace("/", "~1");
    }

    /** Appends an array index segment. */
    public static String child(String pointer, int index) {
        return pointer + "/" + index;
    }
}
