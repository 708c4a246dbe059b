package dev.kiln.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PauseDetectorTest {

    private static final Duration INTERVAL = Duration.ofMillis(10);
    private static final Duration WINDOW = Duration.ofSeconds(1);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    /** Extra delay the fake sleeper adds on each call, in nanos; empty means a punctual wake-up. */
    private final Deque<Long> injected = new ArrayDeque<>();

    private final PauseDetector.Sleeper fakeSleeper = d -> {
        Long extra = injected.poll();
        nanos.addAndGet(d.toNanos() + (extra == null ? 0 : extra));
    };

    private PauseDetector detector() {
        return new PauseDetector(registry, INTERVAL, WINDOW, nanos::get, fakeSleeper);
    }

    private Timer pauses() {
        return registry.get(MetricNames.JVM_PAUSE).timer();
    }

    @Test
    void recordsTheExcessOverTheInterval() throws InterruptedException {
        PauseDetector d = detector();
        injected.addAll(java.util.List.of(0L, 0L, Duration.ofMillis(50).toNanos(), 0L));

        for (int i = 0; i < 4; i++) {
            d.sampleOnce();
        }

        assertThat(pauses().count()).isEqualTo(4);
        assertThat(pauses().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(50.0);
        assertThat(pauses().max(TimeUnit.MILLISECONDS)).isEqualTo(50.0);
        assertThat(d.recentMax()).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void earlyWakeUpIsNotANegativePause() throws InterruptedException {
        PauseDetector d = detector();
        injected.add(-Duration.ofMillis(4).toNanos());

        d.sampleOnce();

        assertThat(pauses().totalTime(TimeUnit.NANOSECONDS)).isZero();
        assertThat(d.recentMax()).isZero();
    }

    @Test
    void recentMaxForgetsPausesOlderThanTwoWindows() throws InterruptedException {
        PauseDetector d = detector();
        d.sampleOnce(); // opens the first window
        injected.add(Duration.ofMillis(200).toNanos());
        d.sampleOnce();
        assertThat(d.recentMax()).isEqualTo(Duration.ofMillis(200));

        // One window later the pause is still in the "previous" window.
        injected.add(WINDOW.toNanos());
        d.sampleOnce();
        assertThat(d.recentMax()).isEqualTo(WINDOW);

        // Punctual samples for just over two more windows: both windows have rolled past every pause.
        long samples = 2 * WINDOW.toNanos() / INTERVAL.toNanos() + 2;
        for (long i = 0; i < samples; i++) {
            d.sampleOnce();
        }
        assertThat(d.recentMax()).isZero();
        // The timer keeps the full distribution regardless of the window.
        assertThat(pauses().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(1200.0);
    }

    @Test
    void threadSamplesUntilClosed() throws InterruptedException {
        // The sleeper runs before each sample is recorded, so its fourth call proves three samples were recorded
        // (regression: counting three calls let close() interrupt the third sample before it was recorded).
        CountDownLatch sampled = new CountDownLatch(4);
        PauseDetector d = new PauseDetector(registry, INTERVAL, WINDOW, nanos::get, duration -> {
            nanos.addAndGet(duration.toNanos() + 1_000_000);
            sampled.countDown();
            Thread.sleep(1); // a real sleep only so the loop does not spin; the fake clock decides the pause
        });

        d.start();
        assertThat(sampled.await(30, TimeUnit.SECONDS))
                .as("sampled three times and began a fourth")
                .isTrue();
        assertThatThrownBy(d::start).isInstanceOf(IllegalStateException.class);
        d.close();

        assertThat(d.isRunning()).isFalse();
        assertThat(pauses().count()).isGreaterThanOrEqualTo(3);
        assertThat(pauses().max(TimeUnit.MILLISECONDS)).isEqualTo(1.0);
    }

    @Test
    void windowMustBeLongerThanInterval() {
        assertThatThrownBy(() -> new PauseDetector(registry, INTERVAL, INTERVAL, nanos::get, fakeSleeper))
                .hasMessageContaining("window");
        assertThatThrownBy(() -> new PauseDetector(registry, Duration.ZERO, WINDOW, nanos::get, fakeSleeper))
                .hasMessageContaining("interval");
    }
}
