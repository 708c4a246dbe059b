package dev.kiln.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ByteRangeTest {
    private static final long SIZE = 1000;

    @Test
    void singleRanges() {
        assertThat(ByteRange.parse("bytes=0-99", SIZE)).isEqualTo(new ByteRange.Partial(new ByteRange(0, 99)));
        assertThat(ByteRange.parse("bytes=900-", SIZE)).isEqualTo(new ByteRange.Partial(new ByteRange(900, 999)));
        assertThat(ByteRange.parse("bytes=-100", SIZE)).isEqualTo(new ByteRange.Partial(new ByteRange(900, 999)));
        assertThat(ByteRange.parse("bytes=-5000", SIZE)).isEqualTo(new ByteRange.Partial(new ByteRange(0, 999)));
        assertThat(ByteRange.parse("bytes=990-5000", SIZE)).isEqualTo(new ByteRange.Partial(new ByteRange(990, 999)));
    }

    @Test
    void rangesOutsideTheFileAreUnsatisfiable() {
        assertThat(ByteRange.parse("bytes=1000-", SIZE)).isInstanceOf(ByteRange.Unsatisfiable.class);
        assertThat(ByteRange.parse("bytes=-0", SIZE)).isInstanceOf(ByteRange.Unsatisfiable.class);
        assertThat(ByteRange.parse("bytes=0-0", 0)).isInstanceOf(ByteRange.Unsatisfiable.class);
    }

    @Test
    void anythingElseGetsTheWholeFile() {
        for (String h : new String[] {
            null, "", "bytes=", "bytes=-", "items=0-5", "bytes=5-1", "bytes=0-1,5-9", "bytes=99999999999999999999-"
        }) {
            assertThat(ByteRange.parse(h, SIZE)).as(String.valueOf(h)).isInstanceOf(ByteRange.Whole.class);
        }
    }
}
