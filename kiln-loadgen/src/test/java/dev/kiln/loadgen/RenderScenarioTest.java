package dev.kiln.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import org.junit.jupiter.api.Test;

class RenderScenarioTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void defaultBodyIsTheReferenceCardAsPng() throws Exception {
        JsonNode body = JSON.readTree(RenderScenario.defaultBody());

        assertThat(body.at("/document/type").asText()).isEqualTo("svg");
        assertThat(body.at("/output/format").asText()).isEqualTo("png");
        String svg = body.at("/document/svg").asText();
        assertThat(svg)
                .startsWith("<svg")
                .contains("width=\"1200\"", "height=\"630\"", "linearGradient", "rx=", "<circle", "<path")
                .doesNotContain("<text");
    }

    @Test
    void formatOverrideSetsOutputFormat() throws Exception {
        String jpeg = RenderScenario.withFormat(RenderScenario.defaultBody(), "JPEG");
        assertThat(JSON.readTree(jpeg).at("/output/format").asText()).isEqualTo("jpeg");

        String created = RenderScenario.withFormat("{\"document\":{}}", "webp");
        assertThat(JSON.readTree(created).at("/output/format").asText()).isEqualTo("webp");
    }

    @Test
    void formatOverrideRejectsUnknownFormatsAndNonObjects() {
        assertThatThrownBy(() -> RenderScenario.withFormat("{}", "gif")).hasMessageContaining("format must be");
        assertThatThrownBy(() -> RenderScenario.withFormat("[1]", "png")).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> RenderScenario.withFormat("{", "png")).hasMessageContaining("not valid JSON");
    }

    @Test
    void targetAppendsThePathAndChecksLoopback() {
        assertThat(RenderScenario.target("http://127.0.0.1:8080/"))
                .isEqualTo(URI.create("http://127.0.0.1:8080/v1/renders"));
        assertThatThrownBy(() -> RenderScenario.target("http://10.1.2.3:8080")).hasMessageContaining("not loopback");
        assertThatThrownBy(() -> RenderScenario.target("not a url")).hasMessageContaining("url");
    }
}
