package dev.kiln.platform.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The documented cost formulas (docs/credits.md), at the table's rows. */
class PricingTest {
    @Test
    void aStillCostsACreditPerStartedMegapixel() {
        assertThat(Pricing.still(120, 60)).isEqualTo(1);
        assertThat(Pricing.still(1200, 630)).isEqualTo(1);
        assertThat(Pricing.still(2400, 1260)).isEqualTo(4);
        assertThat(Pricing.still(4096, 4096)).isEqualTo(17);
    }

    @Test
    void aVideoCostsACreditPerStarted25MillionPixelFrames() {
        assertThat(Pricing.video(64, 48, 10)).as("a tiny clip still costs one").isEqualTo(1);
        assertThat(Pricing.video(1200, 630, 60)).as("1200×630, 2 s at 30 fps").isEqualTo(2);
        assertThat(Pricing.video(1920, 1080, 300)).as("1080p, 10 s at 30 fps").isEqualTo(25);
        assertThat(Pricing.video(1280, 720, 1800)).as("720p, 60 s at 30 fps").isEqualTo(67);
        assertThatThrownBy(() -> Pricing.video(0, 10, 10)).isInstanceOf(IllegalArgumentException.class);
    }
}
