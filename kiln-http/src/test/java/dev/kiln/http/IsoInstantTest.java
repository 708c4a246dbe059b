package dev.kiln.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link IsoInstant} writes exactly what {@link Instant#toString()} writes. */
class IsoInstantTest {

    @Test
    void edgeCasesMatchInstantToString() {
        for (String s : new String[] {
            "1970-01-01T00:00:00Z",
            "1969-12-31T23:59:59.999999999Z",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999999Z",
            "2000-02-29T12:00:00.100Z",
            "2024-02-29T23:59:59.000001Z",
            "2026-12-02T13:49:48.938037Z",
            "2026-12-31T23:59:59.000000001Z",
            "2100-03-01T00:00:00.010Z",
            "1900-02-28T01:02:03.120Z",
            "-0001-12-31T23:59:59Z",
            "+10000-01-01T00:00:00Z"
        }) {
            Instant t = Instant.parse(s);
            assertThat(IsoInstant.format(t)).as(s).isEqualTo(t.toString());
            assertThat(IsoInstant.bytes(t)).as(s).isEqualTo(t.toString().getBytes(StandardCharsets.US_ASCII));
        }
    }

    @Test
    void randomInstantsOfEveryPrecisionMatchInstantToString() {
        Random random = new Random(7);
        long min = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
        long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        for (int i = 0; i < 200_000; i++) {
            long second = min + Math.floorMod(random.nextLong(), max - min + 1);
            int nano =
                    switch (i % 4) {
                        case 0 -> 0;
                        case 1 -> random.nextInt(1000) * 1_000_000;
                        case 2 -> random.nextInt(1_000_000) * 1000;
                        default -> random.nextInt(1_000_000_000);
                    };
            Instant t = Instant.ofEpochSecond(second, nano);
            assertThat(IsoInstant.format(t)).isEqualTo(t.toString());
        }
    }
}
