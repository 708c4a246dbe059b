package dev.kiln.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.platform.generations.GenerationRuns;
import dev.kiln.platform.generations.Generations;
import dev.kiln.queue.JobContext;
import dev.kiln.queue.JobHandler;
import dev.kiln.queue.PermanentJobFailure;
import dev.kiln.render.InvalidDocumentException;
import dev.kiln.render.PreparedRender;
import dev.kiln.render.RenderCancelledException;
import dev.kiln.render.RenderOutput;
import dev.kiln.render.Renderer;
import dev.kiln.renderpool.Admission;
import dev.kiln.renderpool.Outcome;
import dev.kiln.renderpool.RenderPool;
import dev.kiln.renderpool.Ticker;
import dev.kiln.storage.BlobKey;
import dev.kiln.storage.BlobStore;
import dev.kiln.storage.BlobType;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a still-image generation: marks it processing, renders it on the same bounded render pool as the synchronous
 * API, stores the output content-addressed, and completes the generation and its job in one transaction. A document
 * that cannot render fails for good at once (refunded); a full pool or an overrun is retried by the queue, and the
 * last failed attempt fails the generation for good, which refunds it.
 */
public final class StillGenerationHandler implements JobHandler {
    private static final Logger LOG = LoggerFactory.getLogger(StillGenerationHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Budget of one render attempt inside a job: generous, since no client waits on the socket. */
    public static final Duration RENDER_BUDGET = Duration.ofSeconds(60);

    private final DataSource dataSource;
    private final GenerationRuns runs;
    private final Generations generations;
    private final Renderer renderer;
    private final RenderPool pool;
    private final BlobStore store;
    /** Resolves {@code asset:<id>} image sources; null when uploads are not wired (then such documents fail). */
    private final StoredAssets assets;

    /** A handler over these parts; {@code dataSource} is the one the queue and platform share. */
    public StillGenerationHandler(
            DataSource dataSource,
            GenerationRuns runs,
            Generations generations,
            Renderer renderer,
            RenderPool pool,
            BlobStore store) {
        this(dataSource, runs, generations, renderer, pool, store, null);
    }

    /** Like the other constructor, resolving the generation owner's {@code asset:<id>} sources from {@code assets}. */
    public StillGenerationHandler(
            DataSource dataSource,
            GenerationRuns runs,
            Generations generations,
            Renderer renderer,
            RenderPool pool,
            BlobStore store,
            StoredAssets assets) {
        this.assets = assets;
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.runs = Objects.requireNonNull(runs, "runs");
        this.generations = Objects.requireNonNull(generations, "generations");
        this.renderer = Objects.requireNonNull(renderer, "renderer");
        this.pool = Objects.requireNonNull(pool, "pool");
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public void handle(JobContext ctx) throws Exception {
        long generationId = generationId(ctx.payload());
        Optional<GenerationRuns.Run> run = runs.begin(generationId, ctx.attempt());
        if (run.isEmpty()) {
            return; // cancelled or already terminal: nothing to render, and the job is done
        }
        try {
            RenderOutput out = render(ctx, run.get());
            ctx.throwIfCancelled();
            runs.progress(generationId, 90, "storing");
            BlobType type = BlobType.fromMediaType(out.mediaType())
                    .orElseThrow(() -> new PermanentJobFailure("no storage type for " + out.mediaType()));
            BlobKey key = store.put(out.bytes(), type);
            GenerationRuns.Output output = new GenerationRuns.Output(
                    key.toString(), type.mediaType(), out.bytes().length, out.width(), out.height(), 0);
            // Both or neither: the generation's output and the job's completion commit together.
            if (JobTransaction.commitIf(
                    dataSource, tx -> runs.complete(tx, generationId, output) && ctx.complete(tx))) {
                runs.committed(generationId, run.get().userId());
            }
        } catch (PermanentJobFailure e) {
            generations.failPermanently(generationId, "render-failed", e.getMessage());
            throw e;
        } catch (Exception e) {
            if (!ctx.isCancelled() && ctx.attempt() >= ctx.maxAttempts()) {
                generations.failPermanently(generationId, "render-failed", describe(e));
            }
            throw e;
        }
    }

    private RenderOutput render(JobContext ctx, GenerationRuns.Run run) throws Exception {
        JsonNode request = JSON.readTree(run.renderRequestJson());
        long deadline = Ticker.SYSTEM.nanos() + RENDER_BUDGET.toNanos();
        PreparedRender prepared;
        try {
            if (assets != null) {
                // The snapshot keeps asset:<id>; the owner's asset bytes go into the copy the engine sees.
                request = dev.kiln.render.image.AssetReferences.resolve(request, assets.of(run.userId()));
            }
            prepared = renderer.prepare(request, ctx::isCancelled);
        } catch (InvalidDocumentException e) {
            // Validated at submit; a document that no longer validates (an engine upgrade) cannot succeed later.
            throw new PermanentJobFailure("the document no longer validates: " + e.getMessage(), e);
        }
        Admission<RenderOutput> admission = pool.submit(
                task -> renderer.render(prepared, () -> task.isCancelled() || ctx.isCancelled()),
                prepared.costUnits(),
                deadline);
        if (admission instanceof Admission.Rejected<RenderOutput> r) {
            throw new IllegalStateException(
                    "render pool refused the job (" + r.reason().wireName() + ")");
        }
        Outcome<RenderOutput> outcome =
                ((Admission.Accepted<RenderOutput>) admission).ticket().await();
        return switch (outcome) {
            case Outcome.Completed<RenderOutput> c -> c.value();
            case Outcome.TimedOut<RenderOutput> t ->
                throw new IllegalStateException("render overran its " + RENDER_BUDGET.toSeconds() + " s budget");
            case Outcome.Cancelled<RenderOutput> x -> throw new RenderCancelledException();
            case Outcome.Failed<RenderOutput> f -> {
                if (f.error() instanceof InvalidDocumentException e) {
                    throw new PermanentJobFailure("the document cannot be rendered: " + e.getMessage(), e);
                }
                if (f.error() instanceof Exception e) {
                    throw e;
                }
                LOG.error("render of generation {} failed", run.generationId(), f.error());
                throw new IllegalStateException("render failed: " + f.error());
            }
        };
    }

    /** The generation id in a generation job's payload. */
    public static long generationId(String payload) throws java.io.IOException {
        JsonNode node = JSON.readTree(payload).get("generationId");
        if (node == null || !node.canConvertToLong()) {
            throw new PermanentJobFailure("payload has no generationId: " + payload);
        }
        return node.longValue();
    }

    private static String describe(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
