package dev.kiln.render;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutputFormatTest {
    @Test
    void wireNamesRoundTripAndJpgIsAnAlias() {
        for (OutputFormat f : OutputFormat.values()) {
            assertThat(OutputFormat.fromWireName(f.wireName())).contains(f);
        }
        assertThat(OutputFormat.fromWireName("JPG")).contains(OutputFormat.JPEG);
        assertThat(OutputFormat.fromWireName("mp4")).isEmpty();
    }
}
