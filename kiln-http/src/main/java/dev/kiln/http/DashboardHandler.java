package dev.kiln.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.cache.ReadCache;
import dev.kiln.platform.PageRequest;
import dev.kiln.platform.dashboard.Dashboard;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * {@code GET /v1/dashboard}: a page of the caller's projects with their scenes and latest generations, through the
 * read cache (group {@code d:<userId>}, one field per page), with an ETag.
 */
final class DashboardHandler {
    private static final int MIN_INITIAL_BUFFER = 16 * 1024;
    private static final int MAX_INITIAL_BUFFER = 1024 * 1024;
    /** The size of the last page written (any user's): a racy hint for the next page's buffer, nothing more. */
    private static volatile int lastPageBytes = MIN_INITIAL_BUFFER;

    private final Dashboard dashboard;
    private final ReadCache cache;

    DashboardHandler(Dashboard dashboard, ReadCache cache) {
        this.dashboard = dashboard;
        this.cache = cache;
    }

    void get(ServerRequest req, ServerResponse res) {
        long userId = Api.userId();
        PageRequest page = Api.page(req);
        String field = page.limit() + "|" + page.after().map(String::valueOf).orElse("");
        CachedJson body = cache.get(CacheGroups.dashboard(userId), field, () -> {
                    Dashboard.View view = dashboard.page(userId, page);
                    // Settled only when nothing on the page can still change by itself.
                    boolean settled = view.projects().stream()
                            .flatMap(p -> p.scenes().stream())
                            .allMatch(s -> s.latest().isEmpty()
                                    || s.latest().get().status().terminal());
                    return Optional.of(new ReadCache.Loaded(
                            CachedJson.of(userId, bytes(view)).encode(), settled));
                })
                .map(CachedJson::decode)
                .flatMap(c -> c.ownedBy(userId))
                .orElseThrow(() -> new IllegalStateException("a dashboard page always loads"));
        GenerationHandlers.sendRevalidated(req, res, body);
    }

    /**
     * The page as {@code {items: [project…], nextCursor}}, written straight to bytes: the same document as
     * {@link #json}, without building its tree first (a page of 150 scenes is about 100 KB).
     */
    static byte[] bytes(Dashboard.View view) {
        // Sized from the last page written, so a page of ~100 KB does not grow its buffer from 16 KB through three
        // copies (about 240 KB of garbage a page before the final copy).
        int last = lastPageBytes;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(Math.min(last + last / 8, MAX_INITIAL_BUFFER));
        try (JsonGenerator out = Api.MAPPER.getFactory().createGenerator(buffer)) {
            out.writeStartObject();
            out.writeArrayFieldStart("items");
            for (Dashboard.ProjectSummary p : view.projects()) {
                out.writeStartObject();
                out.writeNumberField("id", p.id());
                out.writeStringField("name", p.name());
                out.writeNumberField("sceneCount", p.sceneCount());
                out.writeNumberField("completedCost", p.completedCost());
                Api.writeTime(out, "createdAt", p.createdAt());
                Api.writeTime(out, "updatedAt", p.updatedAt());
                out.writeArrayFieldStart("scenes");
                for (Dashboard.SceneSummary s : p.scenes()) {
                    out.writeStartObject();
                    out.writeNumberField("id", s.id());
                    out.writeStringField("name", s.name());
                    out.writeNumberField("position", s.position());
                    Api.writeTime(out, "createdAt", s.createdAt());
                    Api.writeTime(out, "updatedAt", s.updatedAt());
                    out.writeFieldName("latestGeneration");
                    if (s.latest().isPresent()) {
                        GenerationHandlers.write(out, s.latest().get());
                    } else {
                        out.writeNull();
                    }
                    out.writeEndObject();
                }
                out.writeEndArray();
                out.writeStringField("scenesNextCursor", p.scenesNextCursor().orElse(null));
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeStringField("nextCursor", view.nextCursor().orElse(null));
            out.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a dashboard page to memory", e);
        }
        lastPageBytes = Math.max(buffer.size(), MIN_INITIAL_BUFFER);
        return buffer.toByteArray();
    }

    /** The page as {@code {items: [project…], nextCursor}}, as a tree (tests compare {@link #bytes} with it). */
    static ObjectNode json(Dashboard.View view) {
        ObjectNode node = Api.MAPPER.createObjectNode();
        ArrayNode items = node.putArray("items");
        for (Dashboard.ProjectSummary p : view.projects()) {
            ObjectNode n = items.addObject();
            n.put("id", p.id());
            n.put("name", p.name());
            n.put("sceneCount", p.sceneCount());
            n.put("completedCost", p.completedCost());
            n.put("createdAt", Api.time(p.createdAt()));
            n.put("updatedAt", Api.time(p.updatedAt()));
            ArrayNode scenes = n.putArray("scenes");
            for (Dashboard.SceneSummary s : p.scenes()) {
                ObjectNode sn = scenes.addObject();
                sn.put("id", s.id());
                sn.put("name", s.name());
                sn.put("position", s.position());
                sn.put("createdAt", Api.time(s.createdAt()));
                sn.put("updatedAt", Api.time(s.updatedAt()));
                sn.set(
                        "latestGeneration",
                        s.latest().map(GenerationHandlers::json).orElse(null));
            }
            n.put("scenesNextCursor", p.scenesNextCursor().orElse(null));
        }
        node.put("nextCursor", view.nextCursor().orElse(null));
        return node;
    }
}
