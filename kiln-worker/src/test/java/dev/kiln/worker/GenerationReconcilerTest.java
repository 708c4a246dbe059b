package dev.kiln.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.platform.ApiKeys;
import dev.kiln.platform.PageRequest;
import dev.kiln.platform.Platform;
import dev.kiln.platform.generations.Generation;
import dev.kiln.platform.generations.GenerationStatus;
import dev.kiln.platform.generations.Generations;
import dev.kiln.platform.testing.TestDatabase;
import dev.kiln.queue.JobQueue;
import dev.kiln.queue.QueueSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A worker killed during a generation's last attempt: the rescuer discards the job, and the generation must not stay
 * {@code processing} for ever. The reconciler fails it and refunds it, once.
 */
class GenerationReconcilerTest {
    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    static final String REQUEST = "{\"document\":{\"type\":\"svg\",\"svg\":\"<svg xmlns='http://www.w3.org/2000/svg'"
            + " width='4' height='4'/>\"},\"output\":{\"format\":\"png\"}}";

    @Test
    void generationWhoseJobWasDiscardedIsFailedAndRefundedOnce() throws Exception {
        DataSource ds = db.dataSource();
        QueueSchema.migrate(ds);
        try (JobQueue queue = JobQueue.create(ds)) {
            Platform platform = Platform.create(ds, new QueueGenerationJobs(queue));
            long user = new ApiKeys(ds, java.time.Clock.systemUTC(), 100)
                    .create("u")
                    .userId();
            long project = platform.projects().create(user, "p").id();
            long scene = platform.scenes()
                    .create(
                            user,
                            project,
                            "s",
                            "{\"type\":\"svg\",\"svg\":\"<svg xmlns='http://www.w3.org/2000/svg'"
                                    + " width='4' height='4'/>\"}")
                    .id();
            Generation g = platform.generations()
                    .submit(new Generations.Submit(user, scene, REQUEST, 7, Optional.empty()))
                    .generation();
            assertThat(balance(platform, user)).isEqualTo(93);
            new dev.kiln.platform.generations.GenerationRuns(ds).begin(g.id(), 3);
            // What the rescuer does once the dead worker's job has spent its attempts.
            try (Connection c = ds.getConnection();
                    PreparedStatement ps = c.prepareStatement(
                            "UPDATE kiln_queue_jobs SET state = 'discarded', finished_at = now() WHERE id = ?")) {
                ps.setLong(1, g.jobId().orElseThrow());
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            GenerationReconciler reconciler = new GenerationReconciler(
                    ds,
                    platform.generations(),
                    new SegmentReaper(
                            ds,
                            dev.kiln.storage.LocalBlobStore.open(
                                    java.nio.file.Files.createTempDirectory("kiln-blobs"))));

            assertThat(reconciler.reconcileOnce()).isEqualTo(1);
            assertThat(reconciler.reconcileOnce()).as("nothing twice").isZero();

            Generation failed = platform.generations().get(user, g.id());
            assertThat(failed.status()).isEqualTo(GenerationStatus.FAILED);
            assertThat(balance(platform, user)).as("refunded once").isEqualTo(100);
        }
    }

    private static long balance(Platform platform, long user) {
        return platform.credits().statement(user, PageRequest.first()).balance();
    }
}
