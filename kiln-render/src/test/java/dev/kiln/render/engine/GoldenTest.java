package dev.kiln.render.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The golden comparison itself must be able to fail. */
class GoldenTest {
    @Test
    void aDifferentImageFailsAndLeavesActualAndDiffBehind() {
        // In update mode assertMatches would overwrite the reference with this blank image.
        assumeFalse(Boolean.getBoolean("kiln.golden.update"), "not in golden update mode");
        BufferedImage blank = new BufferedImage(200, 120, BufferedImage.TYPE_INT_ARGB_PRE);

        assertThatThrownBy(() -> Golden.assertMatches("svg/shapes", blank))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("pixels differ");
        assertThat(Files.exists(Path.of("target/golden-failures/svg/shapes.actual.png")))
                .isTrue();
        assertThat(Files.exists(Path.of("target/golden-failures/svg/shapes.diff.png")))
                .isTrue();
    }

    @Test
    void aWrongSizeFails() {
        assumeFalse(Boolean.getBoolean("kiln.golden.update"), "not in golden update mode");

        assertThatThrownBy(() ->
                        Golden.assertMatches("svg/shapes", new BufferedImage(10, 10, BufferedImage.TYPE_INT_ARGB_PRE)))
                .isInstanceOf(AssertionError.class);
    }
}
