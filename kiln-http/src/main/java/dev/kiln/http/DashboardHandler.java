package dev.kiln.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.platform.dashboard.Dashboard;

/** {@code GET /v1/dashboard}: a page of the caller's projects with their scenes and latest generations. */
final class DashboardHandler {
    private DashboardHandler() {}

    /** The page as {@code {items: [project…], nextCursor}}. */
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
