package dev.kiln.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.platform.assets.Asset;
import dev.kiln.platform.assets.AssetStatus;
import dev.kiln.platform.assets.Assets;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.Violation;
import dev.kiln.render.image.AssetReferences;
import dev.kiln.render.image.ImageFormat;
import dev.kiln.render.image.ImageHeader;
import dev.kiln.render.image.ImageInspector;
import dev.kiln.render.image.InvalidImageException;
import dev.kiln.storage.BlobKey;
import dev.kiln.storage.BlobStore;
import dev.kiln.storage.BlobType;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;

/**
 * {@code POST /v1/assets} (the image is the body, typed by {@code Content-Type}) and {@code GET /v1/assets/{id}}. An
 * upload is checked from its bytes without decoding them ({@link ImageInspector}: magic bytes, structure, header
 * dimensions), stored, and answered 201 with status {@code processing}; its thumbnail is a queued job.
 */
final class AssetHandlers {
    /**
     * Uploads being read at once may hold at most this many KiB, so a burst of large uploads on unbounded virtual
     * threads cannot exhaust the heap; past it an upload gets 429 at once.
     */
    static final int UPLOAD_BUDGET_KIB = 128 * 1024;

    private final Assets assets;
    private final BlobStore store;
    private final RenderLimits limits;
    private final Semaphore budgetKiB = new Semaphore(UPLOAD_BUDGET_KIB);

    AssetHandlers(Assets assets, BlobStore store, RenderLimits limits) {
        this.assets = assets;
        this.store = store;
        this.limits = limits;
    }

    void create(ServerRequest req, ServerResponse res) {
        long userId = Api.userId();
        Optional<String> contentType = req.headers().first(HeaderNames.CONTENT_TYPE);
        ImageFormat declared = contentType
                .flatMap(ImageFormat::fromMediaType)
                .orElseThrow(
                        () -> ProblemException.of(
                                ProblemType.UNSUPPORTED_MEDIA_TYPE,
                                contentType
                                                .map(t -> "Content-Type " + Api.clip(t) + " is not accepted; ")
                                                .orElse("")
                                        + "send the image itself as the body with Content-Type image/png, image/jpeg or image/webp"));
        long declaredLength = req.headers().contentLength().orElse(limits.maxImageBytes());
        if (declaredLength > limits.maxImageBytes()) {
            throw tooLarge();
        }
        int kib = (int) Math.max(1, (declaredLength + 1023) / 1024);
        if (!budgetKiB.tryAcquire(kib)) {
            throw new ProblemException(
                    ProblemType.OVERLOADED,
                    "too many uploads are being read at once; retry shortly",
                    List.of(),
                    Map.of("Retry-After", "1"));
        }
        byte[] bytes;
        try {
            bytes = readCapped(req);
        } finally {
            budgetKiB.release(kib);
        }
        ImageHeader header;
        try {
            header = ImageInspector.inspect(bytes, declared, limits);
        } catch (InvalidImageException e) {
            if (e.reason() == InvalidImageException.Reason.TOO_LARGE) {
                throw tooLarge();
            }
            throw ProblemException.invalid(422, e.getMessage(), List.of(new Violation("", e.getMessage())));
        }
        BlobType type = BlobType.fromMediaType(header.format().mediaType()).orElseThrow();
        BlobKey key;
        try {
            key = store.put(bytes, type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store an upload", e);
        }
        Asset asset = assets.create(new Assets.NewAsset(
                userId, header.format().mediaType(), bytes.length, header.width(), header.height(), key.toString()));
        Api.created(res, "/v1/assets/" + asset.id(), json(asset));
    }

    void get(ServerRequest req, ServerResponse res) {
        Api.send(res, 200, json(assets.get(Api.userId(), Api.pathId(req, "id", "asset"))));
    }

    /** {@code GET /v1/assets}: the caller's assets, newest first, keyset-paginated like every list. */
    void list(ServerRequest req, ServerResponse res) {
        Api.send(res, 200, Api.page(assets.list(Api.userId(), Api.page(req)), AssetHandlers::json));
    }

    /** {@code DELETE /v1/assets/{id}}: 204; scenes naming it keep the reference (see {@link Assets#delete}). */
    void delete(ServerRequest req, ServerResponse res) {
        assets.delete(Api.userId(), Api.pathId(req, "id", "asset"));
        res.status(io.helidon.http.Status.NO_CONTENT_204).send();
    }

    /** The {@link AssetReferences.Lookup} of {@code userId}: their assets only, one query for all ids. */
    AssetReferences.Lookup lookup(long userId) {
        return ids -> find(userId, ids);
    }

    private Map<Long, AssetReferences.Source> find(long userId, Set<Long> ids) {
        Map<Long, AssetReferences.Source> out = new HashMap<>();
        for (Asset a : assets.owned(userId, ids)) {
            // A failed asset's image did not decode: a 422 at its src now rather than a failed render later.
            out.put(
                    a.id(),
                    a.status() == AssetStatus.FAILED
                            ? AssetReferences.Source.unusable(
                                    "its image did not decode (see GET /v1/assets/" + a.id() + ")")
                            : new AssetReferences.Source(a.contentType(), read(a.fileKey())));
        }
        return out;
    }

    private byte[] read(String fileKey) {
        BlobKey key =
                BlobKey.parse(fileKey).orElseThrow(() -> new IllegalStateException("not a storage key: " + fileKey));
        try {
            long size = store.size(key).orElseThrow(() -> new java.nio.file.NoSuchFileException(fileKey));
            try (InputStream in = store.open(key, 0, size)) {
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read stored asset " + fileKey, e);
        }
    }

    private byte[] readCapped(ServerRequest req) {
        try (InputStream in = req.content().inputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
            byte[] buf = new byte[16 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > limits.maxImageBytes()) {
                    throw tooLarge();
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ProblemException tooLarge() {
        return ProblemException.of(
                ProblemType.PAYLOAD_TOO_LARGE,
                "an upload may be at most " + limits.maxImageBytes()
                        + " bytes (the embedded-image cap, maxImageBytes)");
    }

    static ObjectNode json(Asset a) {
        ObjectNode n = Api.MAPPER.createObjectNode();
        n.put("id", a.id());
        n.put("source", AssetReferences.PREFIX + a.id());
        n.put("contentType", a.contentType());
        n.put("bytes", a.bytes());
        n.put("width", a.width());
        n.put("height", a.height());
        n.put("url", "/v1/files/" + a.fileKey());
        n.put("status", a.status().wireName());
        n.put("thumbnailKey", a.thumbnailKey().orElse(null));
        n.put("thumbnailUrl", a.thumbnailKey().map(k -> "/v1/files/" + k).orElse(null));
        n.put("thumbnailWidth", a.thumbnailWidth().orElse(null));
        n.put("thumbnailHeight", a.thumbnailHeight().orElse(null));
        n.put("error", a.error().orElse(null));
        n.put("createdAt", Api.time(a.createdAt()));
        n.put("updatedAt", Api.time(a.updatedAt()));
        return n;
    }
}
