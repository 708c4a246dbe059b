package dev.kiln.platform;

/** The resource does not exist, or belongs to another user: callers answer both the same way (404, never 403). */
public final class NotFoundException extends RuntimeException {

    /** Creates the exception; {@code what} names the resource, e.g. {@code "project 12"}. */
    public NotFoundException(String what) {
        super("no " + what, null, false, false);
    }
}
