package dev.kiln.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/** Parses and checks RFC 9457 problem responses in tests. */
record Problem(int status, String type, String title, String detail, List<String> pointers) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static Problem of(HttpResponse<byte[]> res) {
        assertThat(res.headers().firstValue("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        try {
            JsonNode n = MAPPER.readTree(res.body());
            assertThat(n.get("status").intValue()).isEqualTo(res.statusCode());
            assertThat(n.get("type").textValue()).startsWith("urn:kiln:problem:");
            assertThat(n.get("title").textValue()).isNotBlank();
            assertThat(n.get("detail").textValue()).isNotBlank();
            List<String> pointers = new ArrayList<>();
            if (n.has("errors")) {
                for (JsonNode e : n.get("errors")) {
                    pointers.add(e.get("pointer").textValue());
                    assertThat(e.get("detail").textValue()).isNotBlank();
                }
            }
            return new Problem(
                    n.get("status").intValue(),
                    n.get("type").textValue(),
                    n.get("title").textValue(),
                    n.get("detail").textValue(),
                    pointers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
