package dev.kiln.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.platform.projects.Scene;
import dev.kiln.platform.projects.Scenes;
import dev.kiln.render.Violation;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code /v1/projects/{id}/scenes} and {@code /v1/scenes/{id}}. */
final class SceneHandlers {
    private static final Set<String> FIELDS = Set.of("name", "document");

    private final Scenes scenes;
    private final JsonBodies bodies;
    private final Documents documents;

    SceneHandlers(Scenes scenes, JsonBodies bodies, Documents documents) {
        this.scenes = scenes;
        this.bodies = bodies;
        this.documents = documents;
    }

    void create(ServerRequest req, ServerResponse res) {
        long projectId = ProjectHandlers.id(req);
        Input in = input(req);
        Scene s = scenes.create(Api.userId(), projectId, in.name(), in.documentJson());
        Api.created(res, "/v1/scenes/" + s.id(), json(s));
    }

    void list(ServerRequest req, ServerResponse res) {
        long projectId = ProjectHandlers.id(req);
        Api.send(res, 200, Api.page(scenes.list(Api.userId(), projectId, Api.page(req)), SceneHandlers::json));
    }

    void get(ServerRequest req, ServerResponse res) {
        Api.send(res, 200, json(scenes.get(Api.userId(), id(req))));
    }

    void put(ServerRequest req, ServerResponse res) {
        long id = id(req);
        Input in = input(req);
        Api.send(res, 200, json(scenes.replace(Api.userId(), id, in.name(), in.documentJson())));
    }

    void delete(ServerRequest req, ServerResponse res) {
        scenes.delete(Api.userId(), id(req));
        res.status(io.helidon.http.Status.NO_CONTENT_204).send();
    }

    private record Input(String name, String documentJson) {}

    /** {@code {name, document}}, the document checked by the engine (with the default output) before storing. */
    private Input input(ServerRequest req) {
        ObjectNode body = Api.object(bodies.read(req), FIELDS);
        List<Violation> errors = new ArrayList<>();
        String name = Api.name(body, Scenes.MAX_NAME_LENGTH, errors);
        JsonNode document = body.get("document");
        if (document == null || document.isNull()) {
            errors.add(new Violation(
                    "/document", "required: a document object ({\"type\": \"scene\" | \"svg\" | \"lottie\", …})"));
        }
        Api.check(errors);
        // The pointers of {document} are the pointers of this body: both put the document at /document.
        documents.prepare(Documents.request(document, null));
        return new Input(name, Api.text(document));
    }

    static long id(ServerRequest req) {
        return Api.pathId(req, "id", "scene");
    }

    static ObjectNode json(Scene s) {
        ObjectNode n = Api.MAPPER.createObjectNode();
        n.put("id", s.id());
        n.put("projectId", s.projectId());
        n.put("name", s.name());
        n.put("position", s.position());
        n.set("document", Api.tree(s.documentJson()));
        n.put("createdAt", Api.time(s.createdAt()));
        n.put("updatedAt", Api.time(s.updatedAt()));
        return n;
    }
}
