package dev.kiln.ops;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one parser of the durations operators write, in {@code KILN_*} settings and on the command line:
 * {@code 500ms}, {@code 10s}, {@code 1.5s}, {@code 2m}, {@code 1h}, a bare number of milliseconds, or an ISO-8601
 * duration such as {@code PT1M30S}. Negative durations are refused; every message names the setting.
 */
public final class Durations {

    private static final Pattern SHORT = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");

    private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);

    private Durations() {}

    /**
     * Parses {@code text} as the value of {@code setting}.
     *
     * @throws IllegalArgumentException whose message names {@code setting} and quotes {@code text}, when it is not a
     *     duration, is negative, or is too large
     */
    public static Duration parse(String setting, String text) {
        String trimmed = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (trimmed.startsWith("-")) {
            throw new IllegalArgumentException(setting + " must not be negative, was '" + text + "'");
        }
        if (trimmed.startsWith("p")) {
            Duration iso;
            try {
                iso = Duration.parse(trimmed.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw invalid(setting, text);
            }
            if (iso.isNegative()) {
                throw new IllegalArgumentException(setting + " must not be negative, was '" + text + "'");
            }
            return iso;
        }
        Matcher m = SHORT.matcher(trimmed);
        if (!m.matches()) {
            throw invalid(setting, text);
        }
        String unit = m.group(2);
        if (unit == null && m.group(1).contains(".")) {
            throw invalid(setting, text); // a bare number is whole milliseconds
        }
        long nanosPerUnit =
                switch (unit == null ? "ms" : unit) {
                    case "ms" -> 1_000_000L;
                    case "s" -> 1_000_000_000L;
                    case "m" -> 60_000_000_000L;
                    default -> 3_600_000_000_000L;
                };
        BigDecimal nanos = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(nanosPerUnit));
        if (nanos.compareTo(MAX_NANOS) > 0) {
            throw new IllegalArgumentException(setting + " is too large, was '" + text + "'");
        }
        return Duration.ofNanos(
                nanos.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact());
    }

    /** Prints a duration in the short syntax {@link #parse} reads back, e.g. {@code 20s}, {@code 1.5s}, {@code 250ms}. */
    public static String format(Duration d) {
        long millis = d.toMillis();
        if (millis > 0 && millis % 1_000 == 0) {
            return millis / 1_000 + "s";
        }
        return millis < 1_000 ? millis + "ms" : millis / 1_000.0 + "s";
    }

    private static IllegalArgumentException invalid(String setting, String text) {
        return new IllegalArgumentException(
                setting + " must be a duration such as 500ms, 10s, 2m or 1h, was '" + text + "'");
    }
}
