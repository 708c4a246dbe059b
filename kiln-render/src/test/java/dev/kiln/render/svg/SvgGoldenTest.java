package dev.kiln.render.svg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.render.CancellationSignal;
import dev.kiln.render.PreparedRender;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.engine.Golden;
import dev.kiln.render.engine.Requests;
import java.awt.image.BufferedImage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SVG drawing against reference images; {@code -Dkiln.golden.update=true} regenerates them. */
class SvgGoldenTest {
    private static final RenderEngine ENGINE = RenderEngine.create(RenderLimits.defaults());

    @ParameterizedTest(name = "{0} at {1}x{2}")
    @CsvSource(
            nullValues = "-",
            value = {
                "shapes, -, -, 200, 120",
                "gradients, -, -, 240, 120",
                "paths, -, -, 160, 160",
                "viewbox-only, -, -, 50, 30",
                "card, 600, -, 600, 315",
            })
    void drawsLikeTheReference(String name, Integer width, Integer height, int expectedW, int expectedH) {
        PreparedRender prepared = ENGINE.prepare(Requests.withOutput(
                Requests.svg(Requests.resource("/golden/svg/" + name + ".svg")), "png", width, height, null));

        assertThat(prepared.output().width()).isEqualTo(expectedW);
        assertThat(prepared.output().height()).isEqualTo(expectedH);
        BufferedImage image = prepared.document().draw(expectedW, expectedH, 0, CancellationSignal.NONE);
        Golden.assertMatches("svg/" + name + (width == null ? "" : "-w" + width), image);
    }
}
