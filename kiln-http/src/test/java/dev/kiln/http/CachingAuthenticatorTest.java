package dev.kiln.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CachingAuthenticatorTest {
    @Test
    void positiveAnswersAreCachedUntilTheTtlAndFailuresNever() {
        AtomicInteger lookups = new AtomicInteger();
        AtomicLong now = new AtomicLong();
        Authenticator db = token -> {
            lookups.incrementAndGet();
            return token.equals("good") ? Optional.of(new Caller(7, "k")) : Optional.empty();
        };
        CachingAuthenticator auth = new CachingAuthenticator(db, Duration.ofSeconds(30), now::get);

        assertThat(auth.authenticate("good")).contains(new Caller(7, "k"));
        assertThat(auth.authenticate("good")).contains(new Caller(7, "k"));
        assertThat(lookups.get()).isEqualTo(1);

        assertThat(auth.authenticate("bad")).isEmpty();
        assertThat(auth.authenticate("bad")).isEmpty();
        assertThat(lookups.get()).as("failures always reach the store").isEqualTo(3);

        now.addAndGet(Duration.ofSeconds(31).toNanos());
        auth.authenticate("good");
        assertThat(lookups.get()).as("expired entries are looked up again").isEqualTo(4);
    }
}
