package dev.kiln.render.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every input that once hung a render, one minimal file per distinct hang under {@code src/test/resources/hangs/}
 * (listed in docs/hangs.md; issue 11). Each is prepared and rendered with a 2 s deadline and must end within 3 s:
 * rejected (4xx), cancelled at the deadline, or drawn. Today the pre-pass refuses each one; the render guard and the
 * pool's containment stop the same loops when validation misses them (SvgSandboxTest, HungRenderTest).
 *
 * <p>Files: {@code *.svg} is SVG markup; {@code *.scene.json} is a whole render request; {@code *.lottie.json}
 * is a bodymovin animation.
 */
class KnownHangsTest {
    private static final Duration DEADLINE = Duration.ofSeconds(2);

    static Stream<String> hangs() throws IOException, URISyntaxException {
        Path dir = Path.of(KnownHangsTest.class.getResource("/hangs").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            return files
                    .map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".svg") || n.endsWith(".json"))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hangs")
    void endsSoonAfterItsDeadline(String name) {
        long start = System.nanoTime();

        BoundedRender.End end = BoundedRender.check(request(name), DEADLINE);

        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .as("%s ended as %s", name, end)
                .isLessThanOrEqualTo(DEADLINE.plus(BoundedRender.SLACK));
    }

    static JsonNode request(String name) {
        byte[] bytes;
        try (var in = KnownHangsTest.class.getResourceAsStream("/hangs/" + name)) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (name.endsWith(".svg")) {
            return DocumentFuzzTest.svgRequest(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
        }
        JsonNode json = BoundedRender.jsonOrNull(bytes);
        if (name.endsWith(".lottie.json")) {
            ObjectNode request = BoundedRender.JSON.createObjectNode();
            request.putObject("document").put("type", "lottie").set("animation", json);
            return request;
        }
        return json;
    }
}
