package dev.kiln.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.platform.assets.Asset;
import dev.kiln.platform.assets.AssetStatus;
import dev.kiln.platform.assets.Assets;
import dev.kiln.queue.JobContext;
import dev.kiln.queue.JobHandler;
import dev.kiln.queue.PermanentJobFailure;
import dev.kiln.render.RenderCancelledException;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.image.InvalidImageException;
import dev.kiln.render.image.Thumbnails;
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

/**
 * Makes an uploaded asset's thumbnail ({@value QueueAssetJobs#THUMBNAIL} jobs): reads the original from storage,
 * decodes and scales it on the same bounded render pool as every render (decoding is the CPU- and memory-heavy part),
 * stores the PNG content-addressed, and records it and completes the job in one transaction. An image that does not
 * decode fails the asset at once; a full pool is retried by the queue, and the last failed attempt fails the asset.
 */
public final class AssetThumbnailHandler implements JobHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Budget of one decode-and-scale: generous, since no client waits on it. */
    public static final Duration BUDGET = Duration.ofSeconds(30);

    private final DataSource dataSource;
    private final Assets assets;
    private final RenderPool pool;
    private final BlobStore store;
    private final RenderLimits limits;
    private final int maxSide;

    /** A handler over these parts; {@code dataSource} is the one the queue and platform share. */
    public AssetThumbnailHandler(
            DataSource dataSource, Assets assets, RenderPool pool, BlobStore store, RenderLimits limits, int maxSide) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.assets = Objects.requireNonNull(assets, "assets");
        this.pool = Objects.requireNonNull(pool, "pool");
        this.store = Objects.requireNonNull(store, "store");
        this.limits = Objects.requireNonNull(limits, "limits");
        if (maxSide < 1) {
            throw new IllegalArgumentException("maxSide must be positive, was " + maxSide);
        }
        this.maxSide = maxSide;
    }

    @Override
    public void handle(JobContext ctx) throws Exception {
        long assetId = assetId(ctx.payload());
        Optional<Asset> found = assets.forJob(assetId);
        if (found.isEmpty() || found.get().status() != AssetStatus.PROCESSING) {
            return; // gone or already done: nothing to make
        }
        Asset asset = found.get();
        try {
            byte[] original = StoredAssets.read(store, asset.fileKey());
            Thumbnails.Thumbnail thumb = scale(ctx, original, (long) asset.width() * asset.height());
            ctx.throwIfCancelled();
            BlobKey key = store.put(thumb.png(), BlobType.PNG);
            // Both or neither: the asset's thumbnail and the job's completion commit together.
            JobTransaction.commitIf(
                    dataSource,
                    tx -> assets.thumbnailReady(
                                    tx,
                                    assetId,
                                    key.toString(),
                                    BlobType.PNG.mediaType(),
                                    thumb.png().length,
                                    thumb.width(),
                                    thumb.height())
                            && ctx.complete(tx));
        } catch (PermanentJobFailure e) {
            assets.thumbnailFailed(assetId, e.getMessage());
            throw e;
        } catch (Exception e) {
            if (!ctx.isCancelled() && ctx.attempt() >= ctx.maxAttempts()) {
                assets.thumbnailFailed(assetId, e.getMessage() == null ? e.toString() : e.getMessage());
            }
            throw e;
        }
    }

    private Thumbnails.Thumbnail scale(JobContext ctx, byte[] original, long pixels) throws Exception {
        long deadline = Ticker.SYSTEM.nanos() + BUDGET.toNanos();
        Admission<Thumbnails.Thumbnail> admission =
                pool.submit(task -> Thumbnails.make(original, maxSide, limits), Math.max(1, pixels), deadline);
        if (admission instanceof Admission.Rejected<Thumbnails.Thumbnail> r) {
            throw new IllegalStateException(
                    "render pool refused the thumbnail (" + r.reason().wireName() + ")");
        }
        Outcome<Thumbnails.Thumbnail> outcome =
                ((Admission.Accepted<Thumbnails.Thumbnail>) admission).ticket().await();
        return switch (outcome) {
            case Outcome.Completed<Thumbnails.Thumbnail> c -> c.value();
            case Outcome.TimedOut<Thumbnails.Thumbnail> t ->
                throw new IllegalStateException("the thumbnail overran its " + BUDGET.toSeconds() + " s budget");
            case Outcome.Cancelled<Thumbnails.Thumbnail> x -> throw new RenderCancelledException();
            case Outcome.Failed<Thumbnails.Thumbnail> f -> {
                if (f.error() instanceof InvalidImageException e) {
                    throw new PermanentJobFailure("the image cannot be decoded: " + e.getMessage(), e);
                }
                if (f.error() instanceof Exception e) {
                    throw e;
                }
                throw new IllegalStateException("thumbnail failed: " + f.error());
            }
        };
    }

    static long assetId(String payload) throws java.io.IOException {
        JsonNode node = JSON.readTree(payload).get("assetId");
        if (node == null || !node.canConvertToLong()) {
            throw new PermanentJobFailure("payload has no assetId: " + payload);
        }
        return node.longValue();
    }
}
