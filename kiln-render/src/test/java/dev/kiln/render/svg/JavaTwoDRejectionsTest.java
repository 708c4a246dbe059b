package dev.kiln.render.svg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.render.CancellationSignal;
import dev.kiln.render.InvalidDocumentException;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.SvgEngine;
import dev.kiln.render.engine.Requests;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Regression (docs/hangs.md, found by the resvg suite scan): values JSVG hands straight to Java2D, which throws
 * IllegalArgumentException, were 500s; they are the document's fault and answer 422 at /document/svg. With the
 * default engine, resvg, they render.
 */
class JavaTwoDRejectionsTest {
    private static final String OPEN = "<svg viewBox='0 0 200 200' xmlns='http://www.w3.org/2000/svg'>";

    static final String[] BODIES = {
        "<path d='M10 10 L190 190' stroke='black' stroke-width='-1'/>",
        "<path d='M10 10 L190 190' stroke='black' stroke-dasharray='5 -5'/>",
        "<rect x='40' y='40' width='120' height='120' fill='none' stroke='green' stroke-dasharray='20 40 -60'/>",
        "<radialGradient id='g' fr='-1'><stop offset='0' stop-color='black'/><stop offset='1' stop-color='white'/>"
                + "</radialGradient>"
                + "<rect width='200' height='200' fill='url(#g)'/>",
        // A denormal blur: Java2D's ConvolveOp throws ImagingOpException ("Unable to convolve src image").
        "<filter id='f'><feGaussianBlur stdDeviation='1e-40'/></filter>"
                + "<rect x='20' y='20' width='160' height='160' fill='seagreen' filter='url(#f)'/>"
    };

    static String[] bodies() {
        return BODIES;
    }

    @ParameterizedTest
    @MethodSource("bodies")
    void javaTwoDArgumentErrorsAre422s(String body) {
        RenderEngine engine = RenderEngine.create(RenderLimits.defaults(), SvgEngine.JSVG);
        var prepared = engine.prepare(Requests.svg(OPEN + body + "</svg>"));

        assertThatThrownBy(() -> engine.render(prepared, CancellationSignal.NONE))
                .isInstanceOf(InvalidDocumentException.class)
                .hasMessageStartingWith("/document/svg: the SVG could not be drawn");
    }

    /** resvg reads the same values as the SVG specification says (an error value falls back), and draws them. */
    @ParameterizedTest
    @MethodSource("bodies")
    void resvgDrawsThem(String body) {
        RenderEngine engine = RenderEngine.create(RenderLimits.defaults(), SvgEngine.RESVG);
        assertThat(engine.svgEngine()).isEqualTo(SvgEngine.RESVG);
        var out = engine.render(engine.prepare(Requests.svg(OPEN + body + "</svg>")), CancellationSignal.NONE);
        assertThat(out.width()).isEqualTo(200);
        assertThat(out.bytes()).isNotEmpty();
    }
}
