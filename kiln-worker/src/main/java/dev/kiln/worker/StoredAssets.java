package dev.kiln.worker;

import dev.kiln.platform.assets.Asset;
import dev.kiln.platform.assets.AssetStatus;
import dev.kiln.platform.assets.Assets;
import dev.kiln.render.image.AssetReferences;
import dev.kiln.storage.BlobKey;
import dev.kiln.storage.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Resolves {@code asset:<id>} sources of one user from the platform's assets and the blob store. */
public final class StoredAssets {
    private final Assets assets;
    private final BlobStore store;

    /** Assets in {@code assets}, bytes in {@code store}. */
    public StoredAssets(Assets assets, BlobStore store) {
        this.assets = Objects.requireNonNull(assets, "assets");
        this.store = Objects.requireNonNull(store, "store");
    }

    /** The {@link AssetReferences.Lookup} of {@code userId}: their assets only, one query for all ids. */
    public AssetReferences.Lookup of(long userId) {
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
                            : new AssetReferences.Source(a.contentType(), read(store, a.fileKey())));
        }
        return out;
    }

    /** The whole blob {@code key}. */
    static byte[] read(BlobStore store, String key) {
        BlobKey k = BlobKey.parse(key).orElseThrow(() -> new IllegalStateException("not a storage key: " + key));
        try {
            long size = store.size(k).orElseThrow(() -> new java.nio.file.NoSuchFileException(key));
            try (InputStream in = store.open(k, 0, size)) {
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read stored asset " + key, e);
        }
    }
}
