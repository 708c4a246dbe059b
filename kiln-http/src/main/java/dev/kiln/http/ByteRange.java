package dev.kiln.http;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One satisfiable byte range of a {@code Range: bytes=…} header (RFC 9110 §14.1.2), resolved against the file's
 * size. Only single ranges are served; a multi-range request gets the whole file (allowed: a server may ignore
 * Range), which keeps responses simple for the video players that ask for one range at a time.
 *
 * @param start first byte, inclusive
 * @param end last byte, inclusive
 */
record ByteRange(long start, long end) {
    private static final Pattern SINGLE = Pattern.compile("bytes=(\\d{0,19})-(\\d{0,19})");

    /** What a Range header asks for. */
    sealed interface Request {}

    /** No Range header, a syntax the server ignores, or several ranges: send the whole file (200). */
    record Whole() implements Request {}

    /** A satisfiable single range (206). */
    record Partial(ByteRange range) implements Request {}

    /** A syntactically valid range that lies outside the file (416). */
    record Unsatisfiable() implements Request {}

    long length() {
        return end - start + 1;
    }

    /** Resolves {@code header} (may be null) against a file of {@code size} bytes. */
    static Request parse(String header, long size) {
        if (header == null) {
            return new Whole();
        }
        Matcher m = SINGLE.matcher(header.strip());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return new Whole();
        }
        Optional<Long> first = number(m.group(1));
        Optional<Long> last = number(m.group(2));
        if ((!m.group(1).isEmpty() && first.isEmpty()) || (!m.group(2).isEmpty() && last.isEmpty())) {
            return new Whole(); // a number too large for a long is not a range we can honour
        }
        if (first.isEmpty()) {
            // Suffix range: the last N bytes.
            long n = last.orElseThrow();
            if (n == 0 || size == 0) {
                return new Unsatisfiable();
            }
            return new Partial(new ByteRange(Math.max(0, size - n), size - 1));
        }
        long start = first.orElseThrow();
        if (start >= size) {
            return new Unsatisfiable();
        }
        long end = last.map(l -> Math.min(l, size - 1)).orElse(size - 1);
        if (end < start) {
            return new Whole(); // an invalid range-spec is ignored, not refused
        }
        return new Partial(new ByteRange(start, end));
    }

    private static Optional<Long> number(String digits) {
        if (digits.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(digits));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
