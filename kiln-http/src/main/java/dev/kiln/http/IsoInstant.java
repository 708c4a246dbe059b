package dev.kiln.http;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * {@link Instant#toString()}'s text (ISO-8601 in UTC, {@code 2026-12-02T13:49:48.938037Z}: seconds always, then the
 * fraction in groups of three digits, as many as it needs), written without {@code DateTimeFormatter}. A dashboard page
 * of 150 scenes carries about 900 timestamps, and formatting them through {@code DateTimeFormatter} was an eighth of
 * an uncached page's CPU (BENCHMARKS.md, "Third pass"). Years outside 0001–9999 fall back to {@code toString}.
 */
final class IsoInstant {
    private static final long MIN_SECOND = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
    private static final long MAX_SECOND = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

    private IsoInstant() {}

    static String format(Instant t) {
        return new String(bytes(t), StandardCharsets.ISO_8859_1);
    }

    /**
     * The same text as {@link #format} in ASCII bytes, for a JSON generator's {@code writeRawUTF8String}: the page
     * writer needs neither the {@code String} nor its re-encoding (ISO-8601 text has nothing to escape).
     */
    static byte[] bytes(Instant t) {
        long second = t.getEpochSecond();
        if (second < MIN_SECOND || second > MAX_SECOND) {
            return t.toString().getBytes(StandardCharsets.ISO_8859_1);
        }
        int nano = t.getNano();
        long days = Math.floorDiv(second, 86_400);
        int secondOfDay = Math.floorMod(second, 86_400);
        // Days to a civil date (proleptic Gregorian), after Howard Hinnant's days_from_civil inverse.
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        int dayOfEra = (int) (z - era * 146_097);
        int yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        int mp = (5 * dayOfYear + 2) / 153;
        int day = dayOfYear - (153 * mp + 2) / 5 + 1;
        int month = mp < 10 ? mp + 3 : mp - 9;
        int year = (int) (yearOfEra + era * 400) + (month <= 2 ? 1 : 0);

        int fractionDigits = nano == 0 ? 0 : nano % 1_000_000 == 0 ? 3 : nano % 1000 == 0 ? 6 : 9;
        byte[] b = new byte[20 + (fractionDigits == 0 ? 0 : fractionDigits + 1)];
        digits(b, 0, year, 4);
        b[4] = '-';
        digits(b, 5, month, 2);
        b[7] = '-';
        digits(b, 8, day, 2);
        b[10] = 'T';
        digits(b, 11, secondOfDay / 3600, 2);
        b[13] = ':';
        digits(b, 14, secondOfDay / 60 % 60, 2);
        b[16] = ':';
        digits(b, 17, secondOfDay % 60, 2);
        int at = 19;
        if (fractionDigits > 0) {
            b[at++] = '.';
            int scaled = fractionDigits == 3 ? nano / 1_000_000 : fractionDigits == 6 ? nano / 1000 : nano;
            digits(b, at, scaled, fractionDigits);
            at += fractionDigits;
        }
        b[at] = 'Z';
        return b;
    }

    /** {@code value} as exactly {@code width} decimal digits (zero-padded) at {@code b[from]}. */
    private static void digits(byte[] b, int from, int value, int width) {
        for (int i = from + width - 1; i >= from; i--) {
            b[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }
}
