package dev.kiln.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
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

    /** Runs {@code n} lookups of one token on virtual threads, all started before the first one may finish. */
    static List<CompletableFuture<Optional<Caller>>> concurrentLookups(
            CachingAuthenticator auth, String token, int n, List<Thread> threads) {
        List<CompletableFuture<Optional<Caller>>> answers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            CompletableFuture<Optional<Caller>> answer = new CompletableFuture<>();
            answers.add(answer);
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    answer.complete(auth.authenticate(token));
                } catch (RuntimeException e) {
                    answer.completeExceptionally(e);
                }
            }));
        }
        return answers;
    }

    @Test
    void concurrentMissesOfOneTokenShareOneLookup() {
        AtomicInteger lookups = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        Authenticator db = token -> {
            lookups.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return Optional.of(new Caller(7, "k"));
        };
        CachingAuthenticator auth = new CachingAuthenticator(db);
        List<Thread> threads = new ArrayList<>();
        var answers = concurrentLookups(auth, "good", 50, threads);
        // Every thread is parked: one in the lookup, the others waiting for its answer.
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> threads.stream()
                .allMatch(t -> t.getState() == Thread.State.WAITING));
        release.countDown();
        assertThat(answers).allSatisfy(a -> assertThat(a.join()).contains(new Caller(7, "k")));
        assertThat(lookups).as("one database round trip for the burst").hasValue(1);
    }

    @Test
    void aFailedSharedLookupFailsItsWaitersAndIsNotRemembered() {
        AtomicInteger lookups = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        Authenticator db = token -> {
            if (lookups.incrementAndGet() == 1) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                throw new IllegalStateException("no connection became free");
            }
            return Optional.of(new Caller(7, "k"));
        };
        CachingAuthenticator auth = new CachingAuthenticator(db);
        List<Thread> threads = new ArrayList<>();
        var answers = concurrentLookups(auth, "good", 10, threads);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> threads.stream()
                .allMatch(t -> t.getState() == Thread.State.WAITING));
        release.countDown();
        assertThat(answers).allSatisfy(a -> assertThat(a)
                .failsWithin(Duration.ofSeconds(30))
                .withThrowableThat()
                .havingRootCause()
                .isInstanceOf(IllegalStateException.class)
                .withMessage("no connection became free"));
        assertThat(auth.authenticate("good"))
                .as("the next request looks up again")
                .contains(new Caller(7, "k"));
        assertThat(lookups).hasValue(2);
    }
}
