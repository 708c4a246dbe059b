package dev.kiln.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.render.CancellationSignal;
import dev.kiln.render.RenderCancelledException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Admission by memory estimate: two 4K MP4s do not fit the default budget together; one waits for the other. */
class VideoMemoryBudgetTest {
    static final long MIB = 1024 * 1024;

    static VideoSpec mp4(int w, int h) {
        return new VideoSpec(VideoFormat.MP4, w, h, 30, 0, 300, 75, 18);
    }

    @Test
    void theEstimateCountsFrameBuffersAndTheEncoder() {
        long hd = MemoryEstimate.bytes(mp4(1920, 1080));
        // 2 frames a batch (8.3 MB each): two batches + two surfaces and their images (two half batches render at
        // once) = 8 frames, + 2 frames of frame cache = 83 MB; x264 40 × 3.1 MB + 48 MiB.
        assertThat(hd).isEqualTo(10L * 8_294_400 + 40L * 2_073_600 * 3 / 2 + 48 * MIB);
        assertThat(MemoryEstimate.frameCacheBytes(mp4(1920, 1080))).isEqualTo(2L * 8_294_400);
        // 4K: one frame a batch, so one renders at a time: 1 + 1 + surface + image, + 2 frames of frame cache.
        assertThat(MemoryEstimate.renderingAtOnce(MemoryEstimate.batchFrames(4L * 3840 * 2160)))
                .isEqualTo(1);
        assertThat(MemoryEstimate.bytes(mp4(3840, 2160))).isBetween(650 * MIB, 750 * MIB);
        assertThat(MemoryEstimate.batchFrames(4L * 64 * 48)).isEqualTo(MemoryEstimate.MAX_BATCH_FRAMES);
        assertThat(MemoryEstimate.batchFrames(4L * 1920 * 1080)).isEqualTo(2);
    }

    @Test
    void twoFourKVideosWaitForEachOtherAndTwo1080pRunTogether() throws Exception {
        VideoMemoryBudget budget = new VideoMemoryBudget(VideoLimits.DEFAULT_MAX_JOB_MEMORY_BYTES);
        long uhd = MemoryEstimate.bytes(mp4(3840, 2160));
        Optional<VideoMemoryBudget.Permit> first = budget.tryAcquire(uhd);
        assertThat(first).isPresent();
        assertThat(budget.tryAcquire(uhd))
                .as("a second 4K does not fit beside the first")
                .isEmpty();

        CompletableFuture<Optional<VideoMemoryBudget.Permit>> second = CompletableFuture.supplyAsync(() -> {
            try {
                return budget.acquire(uhd, Duration.ofSeconds(30), CancellationSignal.NONE);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(second).isNotDone();
        first.get().close();
        first.get().close(); // a second release changes nothing
        Optional<VideoMemoryBudget.Permit> got = second.get(10, TimeUnit.SECONDS);
        assertThat(got).isPresent();
        assertThat(budget.reservedBytes()).isEqualTo(uhd);
        got.get().close();

        long hd = MemoryEstimate.bytes(mp4(1920, 1080));
        try (VideoMemoryBudget.Permit a = budget.tryAcquire(hd).orElseThrow();
                VideoMemoryBudget.Permit b = budget.tryAcquire(hd).orElseThrow()) {
            assertThat(budget.reservedBytes()).isEqualTo(a.bytes() + b.bytes());
        }
        assertThat(budget.reservedBytes()).isZero();
    }

    @Test
    void aWaitEndsOnCancellationOrWhenItsTimeRunsOut() throws Exception {
        VideoMemoryBudget budget = new VideoMemoryBudget(100 * MIB);
        try (VideoMemoryBudget.Permit all = budget.tryAcquire(100 * MIB).orElseThrow()) {
            assertThat(budget.acquire(MIB, Duration.ZERO, CancellationSignal.NONE))
                    .isEmpty();
            assertThatThrownBy(() -> budget.acquire(MIB, Duration.ofSeconds(30), () -> true))
                    .isInstanceOf(RenderCancelledException.class);
            assertThatThrownBy(() -> budget.tryAcquire(101 * MIB)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
