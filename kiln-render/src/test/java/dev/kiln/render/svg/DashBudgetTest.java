package dev.kiln.render.svg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.render.InvalidDocumentException;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.engine.Requests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 11: a tiny dash period holds Java2D's uninterruptible dasher for minutes; it is refused up front. */
class DashBudgetTest {
    private final RenderEngine engine = RenderEngine.create(RenderLimits.defaults());

    /** The fuzzer's find: 683 units of path at a 0.00001 period is 6.8·10⁷ dashes, seconds to minutes of Marlin. */
    @Test
    void tinyDashesAreRefusedAtPrepareTime() {
        String svg = "<svg viewBox='0 0 200 200' xmlns='http://www.w3.org/2000/svg'>"
                + "<path d='M0 0 L200 200 L0 200 Z' stroke='black' stroke-dasharray='0.00001' fill='none'/></svg>";

        assertThatThrownBy(() -> engine.prepare(Requests.svg(svg)))
                .isInstanceOf(InvalidDocumentException.class)
                .hasMessageContaining("stroke-dasharray")
                .hasMessageContaining("dashes");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "<g style='stroke-dasharray: 0.00001'><circle cx='100' cy='100' r='90' stroke='black'/></g>",
                "<style>path { stroke-dasharray: 0.0001 0.0001 }</style><path d='m0 0 l200 0 l0 200' stroke='red'/>",
                "<line x1='0' y1='0' x2='200' y2='0' stroke='black' stroke-dasharray='0.001' pathLength='100000'/>",
            })
    void tinyDashesAreFoundInStylesSheetsAndPathLength(String body) {
        String svg = "<svg viewBox='0 0 200 200' xmlns='http://www.w3.org/2000/svg'>" + body + "</svg>";

        assertThatThrownBy(() -> engine.prepare(Requests.svg(svg))).hasMessageContaining("stroke-dasharray");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "<path d='M10 10 C 50 150 150 50 190 190' stroke='black' stroke-dasharray='5 3' fill='none'/>",
                "<circle cx='100' cy='100' r='90' stroke='black' stroke-dasharray='1%'/>",
                "<rect width='180' height='180' stroke='black' stroke-dasharray='0.5mm 1mm'/>",
                "<line x2='200' stroke='black' stroke-dasharray='0 0'/>",
                "<line x2='200' stroke='black' stroke-dasharray='none'/>",
                "<polyline points='0,0 100,100 200,0' stroke='black' stroke-dasharray='0.05'/>",
            })
    void ordinaryDashesPass(String body) {
        String svg = "<svg viewBox='0 0 200 200' xmlns='http://www.w3.org/2000/svg'>" + body + "</svg>";

        assertThat(engine.prepare(Requests.svg(svg))).isNotNull();
    }
}
