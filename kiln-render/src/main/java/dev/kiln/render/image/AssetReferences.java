package dev.kiln.render.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.kiln.render.InvalidDocumentException;
import dev.kiln.render.Violation;
import dev.kiln.render.internal.Violations;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code asset:<id>} image sources in scenes. The render engine knows no database, so the caller resolves them:
 * {@link #resolve} finds every reference, asks a {@link Lookup} (which answers only the caller's own assets) for all
 * of them at once, and returns a copy of the request with each reference replaced by the asset's bytes as a
 * {@code data:} URI, which the scene reader then checks and decodes like any embedded image. The stored document
 * keeps its references; only the copy handed to the engine carries bytes.
 */
public final class AssetReferences {
    /** The prefix of an asset image source. */
    public static final String PREFIX = "asset:";
    /** Most distinct assets one document may reference (each may be up to the embedded-image byte cap). */
    public static final int MAX_ASSETS_PER_DOCUMENT = 16;

    private AssetReferences() {}

    /**
     * An asset's stored bytes and their media type, or why the caller's asset cannot be used.
     *
     * @param unusable null for a usable asset; else the reason it is not (its image did not decode), for the 422
     */
    public record Source(String mediaType, byte[] bytes, String unusable) {
        /** A usable asset. */
        public Source(String mediaType, byte[] bytes) {
            this(mediaType, bytes, null);
        }

        /** The caller's asset that cannot be rendered, and why. */
        public static Source unusable(String why) {
            return new Source("", new byte[0], why);
        }
    }

    /** Finds the caller's assets among {@code ids}; ids that are not the caller's are simply absent. */
    @FunctionalInterface
    public interface Lookup {
        Map<Long, Source> find(Set<Long> ids);
    }

    /** One reference: where it is (a JSON Pointer into the request) and the asset it names. */
    public record Ref(String pointer, long assetId) {}

    /**
     * The references in a render request's scene document (other document types have none), in document order.
     *
     * @throws InvalidDocumentException for a malformed reference ({@code asset:x}) or too many distinct assets
     */
    public static List<Ref> find(JsonNode request) {
        JsonNode document = request.path("document");
        if (!"scene".equals(document.path("type").asText())) {
            return List.of();
        }
        List<Ref> refs = new ArrayList<>();
        List<Violation> errors = new ArrayList<>();
        walk(document, "/document", refs, errors);
        long distinct = refs.stream().mapToLong(Ref::assetId).distinct().count();
        if (distinct > MAX_ASSETS_PER_DOCUMENT) {
            errors.add(new Violation(
                    "/document", "references " + distinct + " distinct assets, more than " + MAX_ASSETS_PER_DOCUMENT));
        }
        if (!errors.isEmpty()) {
            throw new InvalidDocumentException(errors);
        }
        return refs;
    }

    /**
     * {@code request} with every {@code asset:<id>} replaced by that asset's bytes, or {@code request} itself when it
     * has none.
     *
     * @throws InvalidDocumentException naming each reference to an asset that is not the caller's (or does not exist)
     */
    public static JsonNode resolve(JsonNode request, Lookup lookup) {
        List<Ref> refs = find(request);
        if (refs.isEmpty()) {
            return request;
        }
        Set<Long> ids = new LinkedHashSet<>();
        refs.forEach(r -> ids.add(r.assetId()));
        Map<Long, Source> found = lookup.find(ids);
        List<Violation> errors = new ArrayList<>();
        for (Ref r : refs) {
            Source s = found.get(r.assetId());
            if (s == null) {
                errors.add(new Violation(
                        r.pointer(), "no asset " + r.assetId() + " among yours (upload images with POST /v1/assets)"));
            } else if (s.unusable() != null) {
                errors.add(new Violation(r.pointer(), "asset " + r.assetId() + " cannot be used: " + s.unusable()));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidDocumentException(errors);
        }
        JsonNode copy = request.deepCopy();
        Map<Long, TextNode> uris = new java.util.HashMap<>();
        for (Ref r : refs) {
            // One string per asset, however many layers use it.
            TextNode uri = uris.computeIfAbsent(r.assetId(), id -> {
                Source s = found.get(id);
                return TextNode.valueOf("data:" + s.mediaType() + ";base64,"
                        + Base64.getEncoder().encodeToString(s.bytes()));
            });
            int slash = r.pointer().lastIndexOf('/');
            ((ObjectNode) copy.at(r.pointer().substring(0, slash))).set("src", uri);
        }
        return copy;
    }

    private static void walk(JsonNode node, String pointer, List<Ref> refs, List<Violation> errors) {
        if (node.isObject()) {
            JsonNode src = node.get("src");
            if (src != null && src.isTextual() && src.textValue().startsWith(PREFIX)) {
                String id = src.textValue().substring(PREFIX.length());
                try {
                    long assetId = Long.parseLong(id);
                    if (assetId <= 0) {
                        throw new NumberFormatException();
                    }
                    refs.add(new Ref(pointer + "/src", assetId));
                } catch (NumberFormatException e) {
                    errors.add(new Violation(pointer + "/src", "must be asset:<id> with the id of an uploaded asset"));
                }
            }
            for (Map.Entry<String, JsonNode> f : node.properties()) {
                if (f.getValue().isContainerNode()) {
                    walk(f.getValue(), Violations.child(pointer, f.getKey()), refs, errors);
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), Violations.child(pointer, i), refs, errors);
            }
        }
    }
}
