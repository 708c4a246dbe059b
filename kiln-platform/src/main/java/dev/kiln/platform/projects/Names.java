package dev.kiln.platform.projects;

/** The naming rule shared by projects and scenes. */
final class Names {
    /** Longest project or scene name, in characters. */
    static final int MAX_LENGTH = 200;

    private Names() {}

    static String check(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        int length = name.codePointCount(0, name.length());
        if (length > MAX_LENGTH) {
            throw new IllegalArgumentException("name must be at most " + MAX_LENGTH + " characters, was " + length);
        }
        return name;
    }
}
