package dev.kiln.platform.projects;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.platform.ApiKeys;
import dev.kiln.platform.PageRequest;
import dev.kiln.platform.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Scene order: positions are dense and distinct even when scenes are created concurrently in one project. */
class ScenesTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final String DOC = "{\"type\":\"svg\",\"svg\":\"<svg/>\"}";

    @Test
    void concurrentCreatesInOneProjectTakeDistinctPositions() throws Exception {
        long userId = new ApiKeys(db.dataSource()).create("u").userId();
        long projectId = new Projects(db.dataSource()).create(userId, "p").id();
        Scenes scenes = new Scenes(db.dataSource());
        int threads = 8;
        CountDownLatch gate = new CountDownLatch(1);
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        List<Future<Scene>> created = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int i = 0; i < threads; i++) {
                String name = "s" + i;
                created.add(pool.submit(() -> {
                    gate.await();
                    try {
                        return scenes.create(userId, projectId, name, DOC);
                    } catch (RuntimeException e) {
                        firstFailure.compareAndSet(null, e);
                        throw e;
                    }
                }));
            }
            gate.countDown();
        }
        assertThat(firstFailure.get()).isNull();
        List<Integer> positions = new ArrayList<>();
        for (Future<Scene> f : created) {
            positions.add(f.get().position());
        }
        assertThat(positions).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7);

        var firstPage = scenes.list(userId, projectId, new PageRequest(5, Optional.empty()));
        assertThat(firstPage.items()).extracting(Scene::position).containsExactly(0, 1, 2, 3, 4);
        var secondPage = scenes.list(userId, projectId, PageRequest.parse(Optional.empty(), firstPage.nextCursor()));
        assertThat(secondPage.items()).extracting(Scene::position).containsExactly(5, 6, 7);
        assertThat(secondPage.nextCursor()).isEmpty();
    }
}
