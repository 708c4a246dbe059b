package dev.kiln.render.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.render.InvalidDocumentException;
import dev.kiln.render.Violation;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each reader accepts a good value and reports a bad or missing one at the field's JSON Pointer. */
class FieldReaderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Violations violations = new Violations();
    private final FieldReader fields = new FieldReader(violations);

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private List<Violation> recorded() {
        try {
            violations.throwIfAny();
            return List.of();
        } catch (InvalidDocumentException e) {
            return e.violations();
        }
    }

    @Test
    void numberInRangeIsReturnedAndAbsentOrNullGivesTheDefault() {
        JsonNode node = tree("{\"x\": 2.5, \"n\": null}");
        assertThat(fields.number(node, "/d", "x", 0, 10, 0)).isEqualTo(2.5);
        assertThat(fields.number(node, "/d", "missing", 0, 10, 7)).isEqualTo(7);
        assertThat(fields.number(node, "/d", "n", 0, 10, 7)).isEqualTo(7);
        assertThat(recorded()).isEmpty();
    }

    @Test
    void numberReportsMissingWrongTypeAndOutOfRange() {
        JsonNode node = tree("{\"s\": \"5\", \"big\": 11, \"low\": -0.25}");
        assertThat(fields.number(node, "/d", "missing", 0, 10, Double.NaN)).isNaN();
        assertThat(fields.number(node, "/d", "s", -1.5, 10, 0)).isNaN();
        assertThat(fields.number(node, "/d", "big", 0, 10, 0)).isNaN();
        assertThat(fields.number(node, "/d", "low", 0, 1_000_000, 0)).isNaN();
        assertThat(recorded())
                .containsExactly(
                        new Violation("/d/missing", "required: a number from 0 to 10"),
                        new Violation("/d/s", "must be a number from -1.5 to 10"),
                        new Violation("/d/big", "must be from 0 to 10, was 11"),
                        new Violation("/d/low", "must be from 0 to 1000000, was -0.25"));
    }

    @Test
    void integerRejectsFractionsHugeValuesAndOutOfRange() {
        JsonNode node = tree("{\"ok\": 4, \"frac\": 1.5, \"huge\": 123456789012345678901234567890, \"big\": 6}");
        assertThat(fields.integer(node, "/d", "ok", 1, 5, -1)).isEqualTo(4);
        assertThat(fields.integer(node, "/d", "absent", 1, 5, 3)).isEqualTo(3);
        assertThat(fields.integer(node, "/d", "required", 1, 5, -1)).isEqualTo(-1);
        assertThat(fields.integer(node, "/d", "frac", 1, 5, 3)).isEqualTo(-1);
        assertThat(fields.integer(node, "/d", "huge", 1, 5, 3)).isEqualTo(-1);
        assertThat(fields.integer(node, "/d", "big", 1, 5, 3)).isEqualTo(-1);
        assertThat(recorded())
                .containsExactly(
                        new Violation("/d/required", "required: an integer from 1 to 5"),
                        new Violation("/d/frac", "must be an integer from 1 to 5"),
                        new Violation("/d/huge", "must be an integer from 1 to 5"),
                        new Violation("/d/big", "must be from 1 to 5, was 6"));
    }

    @Test
    void stringIsRequiredOnlyWhenAskedAndMustBeText() {
        JsonNode node = tree("{\"s\": \"hi\", \"n\": 1}");
        assertThat(fields.string(node, "/d", "s", true)).isEqualTo("hi");
        assertThat(fields.string(node, "/d", "optional", false)).isNull();
        assertThat(fields.string(node, "/d", "required", true)).isNull();
        assertThat(fields.string(node, "/d", "n", false)).isNull();
        assertThat(recorded())
                .containsExactly(
                        new Violation("/d/required", "required: a string"), new Violation("/d/n", "must be a string"));
    }

    @Test
    void objectListsEachUnknownPropertyAtItsEscapedPointer() {
        String longName = "p".repeat(45);
        JsonNode node = tree("{\"a\": 1, \"x/y~z\": 2, \"" + longName + "\": 3}");
        assertThat(fields.object(node, "/d", Set.of("b", "a"))).isTrue();
        assertThat(recorded())
                .containsExactly(
                        new Violation("/d/x~1y~0z", "unknown property 'x/y~z'; allowed here: [a, b]"),
                        new Violation(
                                "/d/" + longName, "unknown property '" + "p".repeat(40) + "…'; allowed here: [a, b]"));
    }

    @Test
    void objectRejectsANonObjectAndNothing() {
        assertThat(fields.object(tree("[1]"), "/d/0", Set.of())).isFalse();
        assertThat(fields.object(null, "/d/1", Set.of())).isFalse();
        assertThat(recorded())
                .containsExactly(
                        new Violation("/d/0", "must be an object"), new Violation("/d/1", "must be an object"));
    }

    @Test
    void arrayChecksTheKindAndTheItemCount() {
        JsonNode node = tree("{\"two\": [1, 2], \"none\": [], \"obj\": {}}");
        assertThat(fields.array(node.get("two"), "/d/two", 2, 2, "two items")).isTrue();
        assertThat(fields.array(node.get("none"), "/d/none", 1, 5, "1 to 5 items"))
                .isFalse();
        assertThat(fields.array(node.get("two"), "/d/two", 0, 1, "at most 1 item"))
                .isFalse();
        assertThat(fields.array(node.get("obj"), "/d/obj", 0, 5, "an array")).isFalse();
        assertThat(fields.array(node.get("missing"), "/d/missing", 0, 5, "required: an array"))
                .isFalse();
        assertThat(recorded())
                .containsExactly(
                        new Violation("/d/none", "1 to 5 items"),
                        new Violation("/d/two", "at most 1 item"),
                        new Violation("/d/obj", "an array"),
                        new Violation("/d/missing", "required: an array"));
    }

    @Test
    void pointTakesTwoBoundedNumbersAndFallsBackToTheDefault() {
        JsonNode node = tree("{\"ok\": [1, -2], \"short\": [1], \"far\": [11, 0], \"text\": [\"a\", 1]}");
        assertThat(fields.point(node, "/d", "ok", 10, 0, 0)).containsExactly(1, -2);
        assertThat(fields.point(node, "/d", "absent", 10, 0.5, 0.5)).containsExactly(0.5, 0.5);
        assertThat(fields.point(node, "/d", "short", 10, 0, 1)).containsExactly(0, 1);
        assertThat(fields.point(node, "/d", "far", 10, 0, 1)).containsExactly(0, 1);
        assertThat(fields.point(node, "/d", "text", 2.5, 0, 1)).containsExactly(0, 1);
        assertThat(recorded())
                .containsExactly(
                        new Violation("/d/short", "must be [x, y], two numbers from -10 to 10"),
                        new Violation("/d/far", "must be [x, y], two numbers from -10 to 10"),
                        new Violation("/d/text", "must be [x, y], two numbers from -2.5 to 2.5"));
    }

    @Test
    void requireReturnsTheAcceptedFieldAndThrowsAtItsPointerOtherwise() {
        JsonNode doc = tree("{\"svg\": \"<svg/>\", \"n\": 1}");
        assertThat(FieldReader.require(doc, "/document", "svg", JsonNode::isTextual, "required: text")
                        .textValue())
                .isEqualTo("<svg/>");
        assertThatThrownBy(() -> FieldReader.require(doc, "/document", "n", JsonNode::isTextual, "required: text"))
                .isInstanceOfSatisfying(InvalidDocumentException.class, e -> assertThat(e.violations())
                        .containsExactly(new Violation("/document/n", "required: text")));
        assertThatThrownBy(() -> FieldReader.require(doc, "", "document", JsonNode::isObject, "required: an object"))
                .isInstanceOfSatisfying(InvalidDocumentException.class, e -> assertThat(e.violations())
                        .containsExactly(new Violation("/document", "required: an object")));
    }

    @Test
    void presentTreatsJsonNullAsAbsent() {
        JsonNode node = tree("{\"a\": 0, \"n\": null}");
        assertThat(FieldReader.present(node, "a")).isTrue();
        assertThat(FieldReader.present(node, "n")).isFalse();
        assertThat(FieldReader.present(node, "missing")).isFalse();
    }

    @Test
    void boundsAreFormattedWithoutATrailingZeroAndQuotesAreCut() {
        assertThat(FieldReader.format(1_000_000)).isEqualTo("1000000");
        assertThat(FieldReader.format(-36000)).isEqualTo("-36000");
        assertThat(FieldReader.format(0.5)).isEqualTo("0.5");
        assertThat(FieldReader.format(1e20)).isEqualTo("1.0E20");
        assertThat(FieldReader.truncate("short")).isEqualTo("short");
        assertThat(FieldReader.truncate("x".repeat(41))).isEqualTo("x".repeat(40) + "…");
    }
}
