package dev.kiln.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.render.Violation;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.Map;

/** Writes RFC 9457 {@code application/problem+json} bodies. */
final class Problems {
    /** Problem {@code type} URIs live under this prefix; {@link ProblemType} lists every slug. */
    static final String TYPE_PREFIX = "urn:kiln:problem:";

    static final String MEDIA_TYPE = "application/problem+json";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Problems() {}

    static byte[] body(int status, ProblemType type, String detail, List<Violation> errors, String requestId) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("type", type.uri());
        node.put("title", type.title());
        node.put("status", status);
        node.put("detail", detail);
        if (requestId != null) {
            node.put("requestId", requestId);
        }
        if (!errors.isEmpty()) {
            ArrayNode arr = node.putArray("errors");
            for (Violation v : errors) {
                arr.addObject().put("pointer", v.pointer()).put("detail", v.detail());
            }
        }
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a problem body", e);
        }
    }

    static void send(ServerResponse res, ProblemException p) {
        for (Map.Entry<String, String> h : p.headers.entrySet()) {
            res.header(h.getKey(), h.getValue());
        }
        res.status(Status.create(p.status));
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        JsonResponses.send(
                res, MEDIA_TYPE, body(p.status, p.type, p.detail(), p.errors, RequestContext.currentRequestId()));
    }

    /** Sends a problem of {@code type} with its status and no field errors. */
    static void send(ServerResponse res, ProblemType type, String detail) {
        send(res, ProblemException.of(type, detail));
    }
}
