package dev.kiln.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.platform.NotFoundException;
import dev.kiln.platform.Page;
import dev.kiln.platform.PageRequest;
import dev.kiln.render.Violation;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** What the resource handlers share: the caller, path ids, paging, body shape checks and JSON answers. */
final class Api {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String JSON = "application/json";

    private Api() {}

    /** The authenticated caller; every {@code /v1} route has one (KilnFilter refuses the request otherwise). */
    static long userId() {
        return RequestContext.caller()
                .orElseThrow(() -> new IllegalStateException("no caller on a /v1 route"))
                .userId();
    }

    /** The numeric path parameter {@code name}; anything else names no resource, so it is a 404. */
    static long pathId(ServerRequest req, String name, String what) {
        String raw = req.path().pathParameters().first(name).orElse("");
        try {
            long id = Long.parseLong(raw);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // not a number: no such resource, the same answer as an unknown number
        }
        throw new NotFoundException(what + " " + (raw.length() > 40 ? raw.substring(0, 40) + "…" : raw));
    }

    /** {@code limit} and {@code cursor} from the query; 400 when malformed (limits over the maximum are clamped). */
    static PageRequest page(ServerRequest req) {
        try {
            return PageRequest.parse(
                    req.query().first("limit").asOptional(),
                    req.query().first("cursor").asOptional());
        } catch (IllegalArgumentException e) {
            throw badQuery(e.getMessage());
        }
    }

    /** A 400 for a bad query parameter; the pointer is empty because the body is not at fault. */
    static ProblemException badQuery(String detail) {
        return ProblemException.invalid(400, "invalid query parameter: " + detail, List.of(new Violation("", detail)));
    }

    /** The body as an object with only {@code allowed} fields; 422 naming each stray field otherwise. */
    static ObjectNode object(JsonNode body, Set<String> allowed) {
        if (!(body instanceof ObjectNode o)) {
            throw ProblemException.invalid(
                    422, "the body must be a JSON object", List.of(new Violation("", "must be a JSON object")));
        }
        List<Violation> unknown = new ArrayList<>();
        o.fieldNames().forEachRemaining(f -> {
            if (!allowed.contains(f)) {
                unknown.add(new Violation("/" + escape(f), "unknown field; allowed: " + String.join(", ", allowed)));
            }
        });
        if (!unknown.isEmpty()) {
            throw ProblemException.invalid(422, unknown.getFirst().pointer() + ": unknown field", unknown);
        }
        return o;
    }

    /** A required name field of 1 to {@code max} characters. */
    static String name(ObjectNode body, int max, List<Violation> errors) {
        JsonNode n = body.get("name");
        if (n == null || n.isNull()) {
            errors.add(new Violation("/name", "required: a string of 1–" + max + " characters"));
            return null;
        }
        if (!n.isTextual()) {
            errors.add(new Violation("/name", "must be a string of 1–" + max + " characters"));
            return null;
        }
        String s = n.textValue();
        if (s.isBlank() || s.codePointCount(0, s.length()) > max) {
            errors.add(new Violation("/name", "must be a string of 1–" + max + " characters, not blank"));
            return null;
        }
        return s;
    }

    /** Throws one 422 listing every violation, when there are any. */
    static void check(List<Violation> errors) {
        if (!errors.isEmpty()) {
            Violation first = errors.getFirst();
            String more = errors.size() > 1 ? " (+" + (errors.size() - 1) + " more)" : "";
            throw ProblemException.invalid(422, first.pointer() + ": " + first.detail() + more, errors);
        }
    }

    /** A list page as {@code {items: [...], nextCursor}}. */
    static <T> ObjectNode page(Page<T> page, Function<T, ObjectNode> item) {
        ObjectNode node = MAPPER.createObjectNode();
        ArrayNode items = node.putArray("items");
        page.items().forEach(t -> items.add(item.apply(t)));
        node.put("nextCursor", page.nextCursor().orElse(null));
        return node;
    }

    /** JSON text stored by the platform, back as a tree. */
    static JsonNode tree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON does not parse", e);
        }
    }

    static String text(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
    }

    /** {@code t} as {@link Instant#toString()} writes it (ISO-8601, UTC), or null; see {@link IsoInstant}. */
    static String time(Instant t) {
        return t == null ? null : IsoInstant.format(t);
    }

    static String time(Optional<Instant> t) {
        return t.map(IsoInstant::format).orElse(null);
    }

    /**
     * Writes {@code name: t} as {@link #time(Instant)} would, or {@code name: null}, without an intermediate String;
     * {@code out} writes bytes (a generator over an {@code OutputStream}: a {@code Writer}'s has no raw UTF-8).
     */
    static void writeTime(com.fasterxml.jackson.core.JsonGenerator out, String name, Instant t)
            throws java.io.IOException {
        if (t == null) {
            out.writeNullField(name);
            return;
        }
        out.writeFieldName(name);
        byte[] text = IsoInstant.bytes(t);
        out.writeRawUTF8String(text, 0, text.length);
    }

    /** {@code body} as JSON bytes. */
    static byte[] bytes(JsonNode body) {
        try {
            return MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a response", e);
        }
    }

    /** Sends {@code body} as JSON with {@code status}; never cached, since every resource here is mutable. */
    static void send(ServerResponse res, int status, JsonNode body) {
        res.status(Status.create(status));
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        try {
            JsonResponses.send(res, JSON, MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a response", e);
        }
    }

    /** Sends a 201 with {@code Location: location}. */
    static void created(ServerResponse res, String location, JsonNode body) {
        res.header(HeaderNames.LOCATION, location);
        send(res, 201, body);
    }

    /** A client-sent value shortened for an error message (at most 60 characters). */
    static String clip(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }

    /** RFC 6901 escaping of one pointer segment. */
    static String escape(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }
}
