package dev.kiln.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StreamLimiterTest {
    @Test
    void capsPerUserAndPerInstanceAndAPermitReleasesOnce() {
        StreamLimiter limiter = new StreamLimiter(3, 2);
        StreamLimiter.Outcome a1 = limiter.acquire(1);
        StreamLimiter.Outcome a2 = limiter.acquire(1);
        assertThat(a1.permit()).isPresent();
        assertThat(a2.permit()).isPresent();
        StreamLimiter.Outcome a3 = limiter.acquire(1);
        assertThat(a3.permit()).isEmpty();
        assertThat(a3.refusal()).isEqualTo(StreamLimiter.Refusal.USER);

        assertThat(limiter.acquire(2).permit()).isPresent();
        StreamLimiter.Outcome full = limiter.acquire(3);
        assertThat(full.permit()).isEmpty();
        assertThat(full.refusal()).isEqualTo(StreamLimiter.Refusal.INSTANCE);
        assertThat(limiter.open()).as("refusals hold nothing").isEqualTo(3);

        a1.permit().get().close();
        a1.permit().get().close(); // a second close must not free a second slot
        assertThat(limiter.open()).isEqualTo(2);
        assertThat(limiter.acquire(1).permit())
                .as("user 1 is below its cap again")
                .isPresent();
        assertThat(limiter.acquire(3).permit())
                .as("and the instance is full again")
                .isEmpty();
    }
}
