package dev.kiln.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class CpuOffloadTest {

    @Test
    void uncheckedExceptionsComeBackAsThemselves() {
        try (CpuOffload offload = new CpuOffload(1, 1)) {
            IllegalArgumentException thrown = new IllegalArgumentException("bad document");
            assertThatThrownBy(() -> offload.call(() -> {
                        throw thrown;
                    }))
                    .isSameAs(thrown);
            assertThat(offload.call(() -> "fine")).isEqualTo("fine");
        }
    }

    @Test
    void aFullQueueIsA429NotAnUnboundedWait() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        try (CpuOffload offload = new CpuOffload(1, 1);
                ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> first = callers.submit(() -> offload.call(() -> {
                running.countDown();
                release.await();
                return "first";
            }));
            running.await();
            Future<String> queued = callers.submit(() -> offload.call(() -> "queued"));
            // The one queue place is taken once the second call is waiting in it.
            Awaitility.await().until(() -> offload.queued() == 1);
            assertThatThrownBy(() -> offload.call(() -> "third"))
                    .isInstanceOfSatisfying(
                            ProblemException.class, p -> assertThat(p.type).isEqualTo(ProblemType.OVERLOADED));
            release.countDown();
            assertThat(first.get(1, TimeUnit.MINUTES)).isEqualTo("first");
            assertThat(queued.get(1, TimeUnit.MINUTES)).isEqualTo("queued");
        }
    }
}
