package dev.kiln.loadgen;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints the short duration syntax of the command line: {@code 500ms}, {@code 60s}, {@code 2m}. */
final class Durations {

    private static final Pattern SHORT = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    private Durations() {}

    /** Parses {@code <number><ms|s|m|h>} or an ISO-8601 duration such as {@code PT1M}. */
    static Duration parse(String text) {
        String trimmed = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (trimmed.startsWith("p")) {
            try {
                Duration iso = Duration.parse(trimmed.toUpperCase(Locale.ROOT));
                if (iso.isNegative()) {
                    throw new IllegalArgumentException("duration must not be negative: '" + text + "'");
                }
                return iso;
            } catch (DateTimeParseException e) {
                throw invalid(text, e);
            }
        }
        Matcher m = SHORT.matcher(trimmed);
        if (!m.matches()) {
            throw invalid(text, null);
        }
        double amount = Double.parseDouble(m.group(1));
        double nanosPerUnit =
                switch (m.group(2)) {
                    case "ms" -> 1e6;
                    case "s" -> 1e9;
                    case "m" -> 60e9;
                    default -> 3600e9;
                };
        double nanos = amount * nanosPerUnit;
        if (nanos > Long.MAX_VALUE) {
            throw new IllegalArgumentException("duration too large: '" + text + "'");
        }
        return Duration.ofNanos(Math.round(nanos));
    }

    /** Prints a duration in the same short syntax, e.g. {@code 1.5s} or {@code 250ms}. */
    static String format(Duration d) {
        long millis = d.toMillis();
        if (millis > 0 && millis % 1_000 == 0) {
            return millis / 1_000 + "s";
        }
        return millis < 1_000 ? millis + "ms" : millis / 1_000.0 + "s";
    }

    private static IllegalArgumentException invalid(String text, Exception cause) {
        return new IllegalArgumentException(
                "invalid duration '" + text + "': use a number and a unit, e.g. 500ms, 60s, 2m", cause);
    }
}
