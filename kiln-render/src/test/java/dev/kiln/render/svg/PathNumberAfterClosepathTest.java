package dev.kiln.render.svg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.kiln.render.CancellationSignal;
import dev.kiln.render.InvalidDocumentException;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.engine.Requests;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Regression (found by fuzzing, docs/hangs.md): {@code d="M0 0Z0"} (or {@code Z?}, {@code Z#}, {@code Z;}) looped
 * forever in JSVG 2.0.0's PathParser at prepare time, growing a list until the heap ran out. The pre-pass now
 * rejects anything but a command letter after Z/z.
 */
class PathNumberAfterClosepathTest {
    private static final String OPEN = "<svg viewBox='0 0 200 200' xmlns='http://www.w3.org/2000/svg'>";
    private static final RenderEngine ENGINE = RenderEngine.create(RenderLimits.defaults());

    @ParameterizedTest
    @ValueSource(
            strings = {
                "<path d='M0 0Z0'/>",
                "<path d='M 10 0 16 2Z0 H 4 Z'/>",
                "<path d='M0 0 z ,-1 1'/>",
                "<text><textPath path='M0 0Z.5'>hi</textPath></text>",
                "<path d='M0 0Z?'/>",
                "<path d='M 10 0 16 20 H 4 Z#'/>",
                "<path d='M0 0Z;'/>"
            })
    void isRejectedAtPrepareInsteadOfLoopingForever(String body) {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThatThrownBy(
                        () -> ENGINE.prepare(Requests.svg(OPEN + body + "</svg>")))
                .isInstanceOf(InvalidDocumentException.class)
                .hasMessageContaining("closepath takes no arguments"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"<path d='M0 0 L5 5 Z M10 10 L20 20z'/>", "<path d='M0 0 z m0 0 l1 1'/>", "<path d='M0 0Z'/>"})
    void closepathFollowedByACommandStillRenders(String body) {
        var prepared = ENGINE.prepare(Requests.svg(OPEN + body + "</svg>"));

        assertThat(ENGINE.render(prepared, CancellationSignal.NONE).bytes()).isNotEmpty();
    }
}
