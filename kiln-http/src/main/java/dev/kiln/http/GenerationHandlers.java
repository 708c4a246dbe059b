package dev.kiln.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.cache.ReadCache;
import dev.kiln.platform.NotFoundException;
import dev.kiln.platform.credits.Pricing;
import dev.kiln.platform.generations.Generation;
import dev.kiln.platform.generations.GenerationKind;
import dev.kiln.platform.generations.GenerationStatus;
import dev.kiln.platform.generations.Generations;
import dev.kiln.platform.projects.Scene;
import dev.kiln.platform.projects.Scenes;
import dev.kiln.render.PreparedRender;
import dev.kiln.render.Violation;
import dev.kiln.video.VideoLimits;
import dev.kiln.video.VideoRequests;
import dev.kiln.video.VideoSpec;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@code /v1/scenes/{id}/generations} and {@code /v1/generations…}. */
final class GenerationHandlers {
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private static final Set<String> FIELDS = Set.of("output");

    /** The video caps every instance applies (docs/limits.md, "Video"). */
    static final VideoLimits VIDEO_LIMITS = VideoLimits.defaults();

    private final Generations generations;
    private final Scenes scenes;
    private final JsonBodies bodies;
    private final Documents documents;
    private final ReadCache cache;

    GenerationHandlers(
            Generations generations, Scenes scenes, JsonBodies bodies, Documents documents, ReadCache cache) {
        this.generations = generations;
        this.scenes = scenes;
        this.bodies = bodies;
        this.documents = documents;
        this.cache = cache;
    }

    void submit(ServerRequest req, ServerResponse res) {
        long userId = Api.userId();
        long sceneId = SceneHandlers.id(req);
        ObjectNode body = Api.object(bodies.read(req), FIELDS);
        JsonNode output = body.get("output");
        if (output != null && !output.isObject()) {
            throw ProblemException.invalid(
                    422, "/output: must be an object", List.of(new Violation("/output", "must be an object")));
        }
        Optional<Generations.IdempotencyKey> key = idempotencyKey(req, sceneId, body);
        if (key.isPresent()) {
            Optional<Generation> earlier = generations.replay(userId, key.get());
            if (earlier.isPresent()) {
                accepted(res, earlier.get());
                return;
            }
        }
        Scene scene = scenes.get(userId, sceneId);
        ObjectNode request = Documents.request(Api.tree(scene.documentJson()), output);
        long cost;
        GenerationKind kind;
        if (VideoRequests.isVideo(request)) {
            // Every video cap (duration, fps, frames, pixel-frames, memory) answers here, before anything is paid.
            VideoSpec spec = documents.prepareVideo(request, VIDEO_LIMITS).spec();
            cost = Pricing.video(spec.width(), spec.height(), spec.frames());
            kind = GenerationKind.VIDEO;
        } else {
            PreparedRender prepared = documents.prepare(request);
            cost = Pricing.still(prepared.output().width(), prepared.output().height());
            kind = GenerationKind.STILL;
        }
        Generations.Submitted submitted =
                generations.submit(new Generations.Submit(userId, sceneId, Api.text(request), cost, key, kind));
        accepted(res, submitted.generation());
    }

    void list(ServerRequest req, ServerResponse res) {
        Optional<GenerationStatus> status = Optional.empty();
        Optional<String> raw = req.query().first("status").asOptional();
        if (raw.isPresent()) {
            status = GenerationStatus.parse(raw.get());
            if (status.isEmpty()) {
                throw Api.badQuery("status must be one of queued, processing, completed, failed, canceled");
            }
        }
        Api.send(res, 200, Api.page(generations.list(Api.userId(), status, Api.page(req)), GenerationHandlers::json));
    }

    /**
     * The generation, through the read cache (group {@code g:<id>}, one entry per owner, so a non-owner's miss never
     * shares a load with the owner's), with an ETag over its body: a client polling for status sends
     * {@code If-None-Match} and gets an empty 304 until something changes.
     */
    void get(ServerRequest req, ServerResponse res) {
        long userId = Api.userId();
        long id = id(req);
        CachedJson body = cache.get(CacheGroups.generation(id), Long.toString(userId), () -> {
                    Generation g = generations.get(userId, id);
                    return Optional.of(new ReadCache.Loaded(
                            CachedJson.of(g.userId(), Api.bytes(json(g))).encode(),
                            g.status().terminal()));
                })
                .map(CachedJson::decode)
                .flatMap(c -> c.ownedBy(userId))
                .orElseThrow(() -> new NotFoundException("generation " + id));
        sendRevalidated(req, res, body);
    }

    /**
     * Sends a cached body with its ETag, or an empty 304 when {@code If-None-Match} names it. Private (per API key)
     * and revalidated every time: a client's copy is only ever reused after a 304.
     */
    static void sendRevalidated(ServerRequest req, ServerResponse res, CachedJson body) {
        res.header(HeaderNames.ETAG, body.etag());
        res.header(HeaderNames.CACHE_CONTROL, "private, no-cache");
        if (matches(req.headers().first(HeaderNames.IF_NONE_MATCH), body.etag())) {
            res.header(HeaderNames.VARY, "Accept-Encoding");
            res.status(io.helidon.http.Status.NOT_MODIFIED_304).send();
            return;
        }
        res.status(io.helidon.http.Status.OK_200);
        JsonResponses.send(res, Api.JSON, body);
    }

    /** Whether an {@code If-None-Match} value names {@code etag} by weak comparison (RFC 9110), or is {@code *}. */
    static boolean matches(Optional<String> ifNoneMatch, String etag) {
        if (ifNoneMatch.isEmpty()) {
            return false;
        }
        String opaque = etag.startsWith("W/") ? etag.substring(2) : etag;
        for (String tag : ifNoneMatch.get().split(",")) {
            String t = tag.strip();
            if (t.equals("*") || (t.startsWith("W/") ? t.substring(2) : t).equals(opaque)) {
                return true;
            }
        }
        return false;
    }

    void cancel(ServerRequest req, ServerResponse res) {
        Api.send(res, 200, json(generations.cancel(Api.userId(), id(req))));
    }

    private static void accepted(ServerResponse res, Generation g) {
        res.header(HeaderNames.LOCATION, "/v1/generations/" + g.id());
        Api.send(res, 202, json(g));
    }

    /**
     * The request's key with a hash of what it asks for: the scene and the parsed body, so whitespace and
     * formatting do not make a retry look like another request.
     */
    private static Optional<Generations.IdempotencyKey> idempotencyKey(ServerRequest req, long sceneId, JsonNode body) {
        Optional<String> header = req.headers().first(HeaderNames.create(IDEMPOTENCY_KEY));
        if (header.isEmpty()) {
            return Optional.empty();
        }
        String key = header.get();
        if (key.isEmpty()
                || key.length() > Generations.MAX_IDEMPOTENCY_KEY_LENGTH
                || !key.chars().allMatch(ch -> ch >= 0x21 && ch <= 0x7e)) {
            throw ProblemException.invalid(
                    400,
                    IDEMPOTENCY_KEY + " must be 1–" + Generations.MAX_IDEMPOTENCY_KEY_LENGTH
                            + " visible ASCII characters",
                    List.of(new Violation("", IDEMPOTENCY_KEY + " header: 1–255 visible ASCII characters")));
        }
        byte[] hash = sha256("scene " + sceneId + "\n" + Api.text(body));
        return Optional.of(new Generations.IdempotencyKey(key, hash));
    }

    private static byte[] sha256(String s) {
        return sha256(s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] sha256(byte[] bytes) {
        return CachedJson.sha256(bytes);
    }

    static long id(ServerRequest req) {
        return Api.pathId(req, "id", "generation");
    }

    /**
     * Writes {@link #json(Generation)}'s object, field for field, straight to {@code out}: the dashboard writes 150 of
     * them a page, and building the tree first cost as much as writing it.
     */
    static void write(com.fasterxml.jackson.core.JsonGenerator out, Generation g) throws java.io.IOException {
        out.writeStartObject();
        out.writeNumberField("id", g.id());
        writeNullable(out, "projectId", g.projectId());
        writeNullable(out, "sceneId", g.sceneId());
        out.writeStringField("status", g.status().wireName());
        out.writeNumberField("progress", g.progress());
        out.writeStringField("stage", g.stage().orElse(null));
        out.writeNumberField("attempt", g.attempt());
        out.writeNumberField("cost", g.cost());
        out.writeFieldName("output");
        copyJson(out, g.outputJson());
        out.writeStringField("thumbnailUrl", g.thumbnailUrl().orElse(null));
        out.writeFieldName("error");
        copyJson(out, g.errorJson());
        Api.writeTime(out, "createdAt", g.createdAt());
        Api.writeTime(out, "startedAt", g.startedAt().orElse(null));
        Api.writeTime(out, "finishedAt", g.finishedAt().orElse(null));
        Api.writeTime(out, "updatedAt", g.updatedAt());
        out.writeEndObject();
    }

    /**
     * Stored JSON (a jsonb column's text) into {@code out} token by token, or null: the same bytes as parsing it into a
     * tree and writing the tree (compact, keys in their stored order), without building the tree.
     */
    private static void copyJson(com.fasterxml.jackson.core.JsonGenerator out, Optional<String> json)
            throws java.io.IOException {
        if (json.isEmpty()) {
            out.writeNull();
            return;
        }
        try (com.fasterxml.jackson.core.JsonParser in = Api.MAPPER.getFactory().createParser(json.get())) {
            if (in.nextToken() == null) {
                throw new IllegalStateException("stored JSON is empty");
            }
            out.copyCurrentStructure(in);
        }
    }

    private static void writeNullable(com.fasterxml.jackson.core.JsonGenerator out, String name, Optional<Long> v)
            throws java.io.IOException {
        if (v.isPresent()) {
            out.writeNumberField(name, v.get());
        } else {
            out.writeNullField(name);
        }
    }

    static ObjectNode json(Generation g) {
        ObjectNode n = Api.MAPPER.createObjectNode();
        n.put("id", g.id());
        n.put("projectId", g.projectId().orElse(null));
        n.put("sceneId", g.sceneId().orElse(null));
        n.put("status", g.status().wireName());
        n.put("progress", g.progress());
        n.put("stage", g.stage().orElse(null));
        n.put("attempt", g.attempt());
        n.put("cost", g.cost());
        n.set("output", g.outputJson().map(Api::tree).orElse(null));
        n.put("thumbnailUrl", g.thumbnailUrl().orElse(null));
        n.set("error", g.errorJson().map(Api::tree).orElse(null));
        n.put("createdAt", Api.time(g.createdAt()));
        n.put("startedAt", Api.time(g.startedAt()));
        n.put("finishedAt", Api.time(g.finishedAt()));
        n.put("updatedAt", Api.time(g.updatedAt()));
        return n;
    }
}
