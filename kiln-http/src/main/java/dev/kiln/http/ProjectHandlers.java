package dev.kiln.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.platform.projects.Project;
import dev.kiln.platform.projects.Projects;
import dev.kiln.render.Violation;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code /v1/projects} and {@code /v1/projects/{id}}. */
final class ProjectHandlers {
    private static final Set<String> FIELDS = Set.of("name");

    private final Projects projects;
    private final JsonBodies bodies;

    ProjectHandlers(Projects projects, JsonBodies bodies) {
        this.projects = projects;
        this.bodies = bodies;
    }

    void create(ServerRequest req, ServerResponse res) {
        String name = name(req);
        Project p = projects.create(Api.userId(), name);
        Api.created(res, "/v1/projects/" + p.id(), json(p));
    }

    void list(ServerRequest req, ServerResponse res) {
        Api.send(res, 200, Api.page(projects.list(Api.userId(), Api.page(req)), ProjectHandlers::json));
    }

    void get(ServerRequest req, ServerResponse res) {
        Api.send(res, 200, json(projects.get(Api.userId(), id(req))));
    }

    void patch(ServerRequest req, ServerResponse res) {
        long id = id(req);
        String name = name(req);
        Api.send(res, 200, json(projects.rename(Api.userId(), id, name)));
    }

    void delete(ServerRequest req, ServerResponse res) {
        projects.delete(Api.userId(), id(req));
        res.status(io.helidon.http.Status.NO_CONTENT_204).send();
    }

    private String name(ServerRequest req) {
        ObjectNode body = Api.object(bodies.read(req), FIELDS);
        List<Violation> errors = new ArrayList<>();
        String name = Api.name(body, Projects.MAX_NAME_LENGTH, errors);
        Api.check(errors);
        return name;
    }

    static long id(ServerRequest req) {
        return Api.pathId(req, "id", "project");
    }

    static ObjectNode json(Project p) {
        ObjectNode n = Api.MAPPER.createObjectNode();
        n.put("id", p.id());
        n.put("name", p.name());
        n.put("createdAt", Api.time(p.createdAt()));
        n.put("updatedAt", Api.time(p.updatedAt()));
        return n;
    }
}
