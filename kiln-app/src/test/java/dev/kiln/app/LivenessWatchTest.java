package dev.kiln.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LivenessWatchTest {
    @Test
    void restartsOnceWhenThePoolStopsBeingLive() {
        AtomicBoolean live = new AtomicBoolean(true);
        AtomicInteger restarts = new AtomicInteger();
        LivenessWatch watch = new LivenessWatch(live::get, restarts::incrementAndGet);

        assertThat(watch.checkOnce()).isFalse();
        assertThat(restarts).hasValue(0);

        live.set(false);
        assertThat(watch.checkOnce()).isTrue();
        assertThat(watch.checkOnce())
                .as("a restart already under way is not started twice")
                .isFalse();
        assertThat(restarts).hasValue(1);
    }
}
