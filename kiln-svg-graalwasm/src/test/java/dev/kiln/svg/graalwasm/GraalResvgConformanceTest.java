package dev.kiln.svg.graalwasm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.svg.ResvgException;
import dev.kiln.svg.ResvgLimits;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The same wasm as kiln-svg's Chicory engine, so the same pass rate on the same sample (issue 9: at least 90 %). */
class GraalResvgConformanceTest {
    @Test
    void passesAtLeastNinetyPercentOfTheSample() throws Exception {
        List<Path> files = Suite.files();
        List<String> failures = new ArrayList<>();
        try (GraalResvgEngine engine =
                new GraalResvgEngine(ResvgLimits.defaults(), GraalResvgEngine.Isolation.INSTANCE_PER_RENDER)) {
            for (Path svg : files) {
                BufferedImage expected = Suite.reference(svg);
                String name = Suite.root().relativize(svg).toString();
                try {
                    double off = Suite.offFraction(engine.render(Files.readString(svg), expected.getWidth()), expected);
                    if (off > Suite.MAX_OFF_FRACTION) {
                        failures.add(name + String.format(" (%.2f %% of pixels off)", off * 100));
                    }
                } catch (ResvgException e) {
                    failures.add(name + " (" + e.getMessage() + ")");
                }
            }
        }
        double rate = 1 - (double) failures.size() / files.size();
        System.out.printf(
                "graalwasm pass rate %d/%d; failing: %s%n", files.size() - failures.size(), files.size(), failures);
        assertThat(files).hasSizeGreaterThanOrEqualTo(50);
        assertThat(rate)
                .as("pass rate %d/%d; failing: %s", files.size() - failures.size(), files.size(), failures)
                .isGreaterThanOrEqualTo(0.90);
    }
}
