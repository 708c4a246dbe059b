package dev.kiln.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.render.RenderLimits;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Heap, render workers and the per-job budget follow the box: the cgroup's limits, else the host. */
class BoxSizingTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void aBoxOf512MiBAndOneCoreGetsA256MiBHeapAndOneWorker() {
        Box box = new Box(1, 512 * MIB, "cgroup v1");
        assertThat(box.defaultHeapBytes()).isEqualTo(256 * MIB);

        KilnConfig c = KilnConfig.from(new Settings(Map.of()), box, box.defaultHeapBytes());
        assertThat(c.pool().workers()).isEqualTo(1);
        assertThat(c.pool().queueCapacity()).isEqualTo(4);
        assertThat(c.limits().maxPixels())
                .as("a 128 MiB render budget still holds the largest default output")
                .isEqualTo(RenderLimits.DEFAULT_MAX_PIXELS);
    }

    @Test
    void aLargeHostIsSizedByItsCoresNotItsMemory() {
        Box host = new Box(2, 24L * 1024 * MIB, "host");
        assertThat(host.defaultHeapBytes()).isEqualTo(512 * MIB);

        KilnConfig c = KilnConfig.from(new Settings(Map.of()), host, host.defaultHeapBytes());
        assertThat(c.pool().workers()).isEqualTo(2);
        assertThat(new Box(16, 64L * 1024 * MIB, "host").defaultHeapBytes()).isEqualTo(4096 * MIB);
    }

    @Test
    void manyCoresInLittleMemoryAreCappedByTheRenderBudget() {
        Box box = new Box(8, 1024 * MIB, "cgroup v2");
        assertThat(box.defaultHeapBytes()).isEqualTo(512 * MIB);

        KilnConfig c = KilnConfig.from(new Settings(Map.of()), box, box.defaultHeapBytes());
        assertThat(c.pool().workers())
                .as("256 MiB of render budget ÷ 128 MiB a job")
                .isEqualTo(2);
    }

    @Test
    void aTinyBoxShrinksTheLargestOutputSoOneRenderStillFits() {
        Box box = new Box(1, 256 * MIB, "cgroup v2");
        assertThat(box.defaultHeapBytes()).isEqualTo(Box.MIN_HEAP_BYTES);

        KilnConfig c = KilnConfig.from(new Settings(Map.of()), box, box.defaultHeapBytes());
        assertThat(c.pool().workers()).isEqualTo(1);
        assertThat(c.limits().maxPixels())
                .as("64 MiB of render budget at 8 bytes a pixel")
                .isEqualTo(64 * MIB / KilnConfig.BYTES_PER_PIXEL_BUDGET);
    }

    /** Regression: Runtime.maxMemory() leaves out a survivor space, so a 512 MiB Serial heap got one worker. */
    @Test
    void theRenderBudgetIsHalfOfXmxItself() {
        assertThat(KilnConfig.maxHeapBytes())
                .as("this JVM's -Xmx, at least what maxMemory() reports")
                .isGreaterThanOrEqualTo(Runtime.getRuntime().maxMemory());
    }

    @Test
    void smallBoxesGetTheSerialCollectorLargerOnesZgc() {
        assertThat(new Box(1, 512 * MIB, "cgroup v1").defaultCollector()).isEqualTo(Box.Collector.SERIAL);
        assertThat(new Box(2, 24L * 1024 * MIB, "host").defaultCollector()).isEqualTo(Box.Collector.SERIAL);
        assertThat(new Box(3, 24L * 1024 * MIB, "host").defaultCollector()).isEqualTo(Box.Collector.ZGC);
    }

    @Test
    void explicitSettingsStillWin() {
        Box box = new Box(1, 512 * MIB, "cgroup v1");
        KilnConfig c = KilnConfig.from(
                new Settings(Map.of("KILN_RENDER_WORKERS", "3", "KILN_RENDER_MEMORY_MB", "1024")),
                box,
                box.defaultHeapBytes());
        assertThat(c.pool().workers()).isEqualTo(3);
        assertThat(c.pool().queueCapacity()).isEqualTo(12);
    }
}
