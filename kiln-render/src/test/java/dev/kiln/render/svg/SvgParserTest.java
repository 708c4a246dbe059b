package dev.kiln.render.svg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.render.InvalidDocumentException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SvgParserTest {
    @ParameterizedTest(name = "width={0} height={1} viewBox={2}")
    @CsvSource(
            nullValues = "-",
            value = {
                "100, 50, -, 100, 50",
                "100px, 50px, 0 0 10 10, 100, 50",
                "100%, 100%, 0 0 300 200, 300, 200",
                "10cm, 5cm, '0,0,40,20', 40, 20",
                "200, -, 0 0 100 50, 200, 100",
                "-, 30, 0 0 100 50, 60, 30",
                "-, -, 0 0 640.5 480, 640.5, 480",
            })
    void intrinsicSizeUsesPxAttributesThenViewBox(String w, String h, String vb, double ew, double eh) {
        double[] size = SvgParser.intrinsicSize(new SvgPrepass.RootSize(w, h, vb), "/document/svg");

        assertThat(size).containsExactly(ew, eh);
    }

    @ParameterizedTest
    @CsvSource(
            nullValues = "-",
            value = {"-, -, -", "50%, 10, -", "-, -, 0 0 0 10", "-, -, 0 0 ten 10"})
    void unsizableSvgIsRejected(String w, String h, String vb) {
        assertThatThrownBy(() -> SvgParser.intrinsicSize(new SvgPrepass.RootSize(w, h, vb), "/document/svg"))
                .isInstanceOf(InvalidDocumentException.class)
                .hasMessageStartingWith("/document/svg:");
    }
}
