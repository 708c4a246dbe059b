package dev.kiln.render.lottie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.render.InvalidDocumentException;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.engine.Requests;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON pre-pass of {@link LottieCompat} on small hand-written documents. */
class LottieCompatPassTest {
    private static final String P = "/document/animation";

    @Test
    void oldBodymovinColoursAreScaledFrom255() throws IOException {
        ObjectNode out = apply(shapeLayer("4.0.0", "{\"ty\":\"fl\",\"c\":{\"k\":[255,51,0,255]},\"o\":{\"k\":100}}"));

        assertThat(numbers(out.at("/layers/0/shapes/0/c/k"))).containsExactly(1.0, 0.2, 0.0, 1.0);
    }

    @Test
    void oldBodymovinColourKeyframesAreScaledFrom255() throws IOException {
        ObjectNode out = apply(shapeLayer(
                "4.1.0",
                "{\"ty\":\"st\",\"c\":{\"k\":[{\"t\":0,\"s\":[255,0,0,255],\"e\":[0,0,255,255],"
                        + "\"i\":{\"x\":[1],\"y\":[1]},\"o\":{\"x\":[0],\"y\":[0]}},{\"t\":10}]},"
                        + "\"o\":{\"k\":100},\"w\":{\"k\":2}}"));

        assertThat(numbers(out.at("/layers/0/shapes/0/c/k/0/s"))).containsExactly(1.0, 0.0, 0.0, 1.0);
        assertThat(numbers(out.at("/layers/0/shapes/0/c/k/0/e"))).containsExactly(0.0, 0.0, 1.0, 1.0);
        // The old end value also becomes the last keyframe's start value, already scaled.
        assertThat(numbers(out.at("/layers/0/shapes/0/c/k/1/s"))).containsExactly(0.0, 0.0, 1.0, 1.0);
    }

    @Test
    void currentColoursAreLeftAlone() throws IOException {
        ObjectNode out = apply(shapeLayer("5.5.0", "{\"ty\":\"fl\",\"c\":{\"k\":[1,0.5,0,1]},\"o\":{\"k\":100}}"));

        assertThat(numbers(out.at("/layers/0/shapes/0/c/k"))).containsExactly(1.0, 0.5, 0.0, 1.0);
    }

    @Test
    void oldClosedFlagMovesOntoThePath() throws IOException {
        ObjectNode out = apply(shapeLayer(
                "4.4.0", "{\"ty\":\"sh\",\"closed\":true,\"ks\":{\"k\":{\"i\":[[0,0]],\"o\":[[0,0]],\"v\":[[1,1]]}}}"));

        assertThat(out.at("/layers/0/shapes/0/ks/k/c").asBoolean()).isTrue();
    }

    @Test
    void oldEndValuesBecomeTheNextKeyframesStartValues() throws IOException {
        ObjectNode out = apply(layerWithRotation(
                "5.0.0", null, "[{\"t\":0,\"s\":[0],\"e\":[90]},{\"t\":10,\"s\":[90],\"e\":[45]},{\"t\":20}]"));

        assertThat(numbers(out.at("/layers/0/ks/r/k/2/s"))).containsExactly(45.0);
    }

    @Test
    void loopOutCycleRepeatsTheKeyframesToTheEnd() throws IOException {
        ObjectNode out = apply(layerWithRotation(
                "5.5.0", "loopOut('cycle')", "[{\"t\":0,\"s\":[0]},{\"t\":5,\"s\":[90]},{\"t\":10,\"s\":[0]}]"));

        JsonNode r = out.at("/layers/0/ks/r");
        // op = 35: cycles of 10 until frame 40; equal boundary values merge into one keyframe.
        assertThat(times(r.get("k"))).containsExactly(0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0, 40.0);
        assertThat(values(r.get("k"))).containsExactly(0.0, 90.0, 0.0, 90.0, 0.0, 90.0, 0.0, 90.0, 0.0);
        assertThat(r.has("x")).as("the expression is gone once rewritten").isFalse();
    }

    @Test
    void loopOutWithoutArgumentsIsACycleAndAJumpIsKeptSharp() throws IOException {
        ObjectNode out = apply(layerWithRotation("5.5.0", "loopOut()", "[{\"t\":0,\"s\":[0]},{\"t\":20,\"s\":[90]}]"));

        JsonNode k = out.at("/layers/0/ks/r/k");
        // 0 -> 90 then back to 0 at once: the last key of a cycle holds just before the next cycle starts.
        assertThat(times(k)).containsExactly(0.0, 19.999, 20.0, 40.0);
        assertThat(values(k)).containsExactly(0.0, 90.0, 0.0, 90.0);
        assertThat(k.get(1).path("h").asInt()).isEqualTo(1);
    }

    @Test
    void loopOutPingpongPlaysBackwardsEveryOtherCycle() throws IOException {
        ObjectNode out = apply(
                layerWithRotation(
                        "5.5.0",
                        "loopOut('pingpong')",
                        "[{\"t\":0,\"s\":[0],\"o\":{\"x\":[0.2],\"y\":[0]},\"i\":{\"x\":[0.6],\"y\":[1]}},{\"t\":10,\"s\":[90]}]"));

        JsonNode k = out.at("/layers/0/ks/r/k");
        assertThat(times(k)).containsExactly(0.0, 10.0, 20.0, 30.0, 40.0);
        assertThat(values(k)).containsExactly(0.0, 90.0, 0.0, 90.0, 0.0);
        // The way back eases as the way out played in reverse: out handle = 1 - in handle.
        assertThat(k.get(1).at("/o/x/0").asDouble()).isEqualTo(0.4, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(k.get(1).at("/i/x/0").asDouble()).isEqualTo(0.8, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void loopOutOffsetAddsTheChangeOfEachCycle() throws IOException {
        ObjectNode out =
                apply(layerWithRotation("5.5.0", "loopOut('offset')", "[{\"t\":0,\"s\":[0]},{\"t\":10,\"s\":[90]}]"));

        JsonNode k = out.at("/layers/0/ks/r/k");
        assertThat(values(k)).containsExactly(0.0, 90.0, 180.0, 270.0, 360.0);
    }

    @Test
    void loopInRepeatsTheKeyframesBeforeTheFirst() throws IOException {
        ObjectNode out = apply(layerWithRotation(
                "5.5.0", "loopIn('cycle')", "[{\"t\":12,\"s\":[0]},{\"t\":17,\"s\":[90]},{\"t\":22,\"s\":[0]}]"));

        JsonNode k = out.at("/layers/0/ks/r/k");
        // Back past frame 0 (ip): cycles of 10 start at 2 and -8.
        assertThat(times(k)).containsExactly(-8.0, -3.0, 2.0, 7.0, 12.0, 17.0, 22.0);
    }

    @Test
    void loopTimesAreInTheLayersOwnTime() throws IOException {
        ObjectNode doc = layerWithRotation(
                "5.5.0", "loopOut('cycle')", "[{\"t\":0,\"s\":[0]},{\"t\":5,\"s\":[90]},{\"t\":10,\"s\":[0]}]");
        ((ObjectNode) doc.at("/layers/0")).put("st", 20);

        JsonNode k = apply(doc).at("/layers/0/ks/r/k");

        // The layer starts at comp frame 20, so comp frame 35 is its frame 15.
        assertThat(times(k)).containsExactly(0.0, 5.0, 10.0, 15.0, 20.0);
    }

    @Test
    void clampLimitsTheKeyframeValues() throws IOException {
        ObjectNode out = apply(
                layerWithRotation("5.5.0", "clamp(value, 0, 100)", "[{\"t\":0,\"s\":[-20]},{\"t\":10,\"s\":[140]}]"));

        assertThat(values(out.at("/layers/0/ks/r/k"))).containsExactly(0.0, 100.0);
    }

    @Test
    void aConstantExpressionBecomesTheStaticValue() throws IOException {
        ObjectNode out = apply(
                layerWithRotation("5.5.0", "[\\n    0,\\n    0\\n]", "[{\"t\":0,\"s\":[5]},{\"t\":10,\"s\":[9]}]"));

        assertThat(out.at("/layers/0/ks/r/a").asInt()).isZero();
        assertThat(numbers(out.at("/layers/0/ks/r/k"))).containsExactly(0.0, 0.0);
    }

    @Test
    void anUnsupportedExpressionIsLeftAsItIs() throws IOException {
        ObjectNode doc = layerWithRotation("5.5.0", "wiggle(2, 30)", "[{\"t\":0,\"s\":[0]},{\"t\":10,\"s\":[90]}]");

        ObjectNode out = apply(doc);

        assertThat(out.at("/layers/0/ks/r")).isEqualTo(doc.at("/layers/0/ks/r"));
    }

    @Test
    void theInputIsNotModified() throws IOException {
        ObjectNode doc = shapeLayer("4.0.0", "{\"ty\":\"fl\",\"c\":{\"k\":[255,51,0,255]},\"o\":{\"k\":100}}");
        ObjectNode before = doc.deepCopy();

        apply(doc);

        assertThat(doc).isEqualTo(before);
    }

    @Test
    void anExpansionBeyondTheKeyframeBudgetIsA422AtTheExpression() throws IOException {
        // 10 layers x a 1-frame cycle over 3,000 frames = 30,000 keyframes, over the 20,000 budget.
        ObjectNode doc = (ObjectNode) Requests.JSON.readTree(
                "{\"v\":\"5.5.0\",\"fr\":60,\"ip\":0,\"op\":3000,\"w\":10,\"h\":10,\"layers\":[]}");
        ArrayNode layers = (ArrayNode) doc.get("layers");
        for (int i = 0; i < 10; i++) {
            layers.add(layerWithRotation("5.5.0", "loopOut('cycle')", "[{\"t\":0,\"s\":[0]},{\"t\":1,\"s\":[90]}]")
                    .at("/layers/0"));
        }
        RenderEngine engine = RenderEngine.create(RenderLimits.defaults());

        assertThatThrownBy(() -> engine.prepare(Requests.lottie(doc)))
                .isInstanceOf(InvalidDocumentException.class)
                .satisfies(e -> {
                    var v = ((InvalidDocumentException) e).violations().getFirst();
                    assertThat(v.pointer()).matches("/document/animation/layers/\\d+/ks/r/x");
                    assertThat(v.detail()).contains("20000 keyframes");
                });
    }

    @Test
    void aLoopInWithATinyPeriodIsRefusedBeforeItIsExpanded() throws IOException {
        // 100 frames back in cycles of a millionth of a frame: 10^8 copies, refused without counting them.
        ObjectNode doc =
                layerWithRotation("5.5.0", "loopIn('cycle')", "[{\"t\":100,\"s\":[0]},{\"t\":100.000001,\"s\":[90]}]");

        assertThatThrownBy(() -> apply(doc))
                .isInstanceOf(InvalidDocumentException.class)
                .hasMessageContaining("/document/animation/layers/0/ks/r/x");
    }

    @Test
    void aLongExpressionIsNotMatched() throws IOException {
        String spaces = " ".repeat(200_000);
        ObjectNode doc = layerWithRotation(
                "5.5.0", spaces + "loopOut(" + spaces + "x", "[{\"t\":0,\"s\":[0]},{\"t\":10,\"s\":[90]}]");

        assertThat(apply(doc).at("/layers/0/ks/r/k").size()).isEqualTo(2);
    }

    // ---- documents ----

    private static ObjectNode apply(ObjectNode doc) {
        return LottieCompat.apply(doc, P);
    }

    private static ObjectNode shapeLayer(String version, String shape) throws IOException {
        return (ObjectNode) Requests.JSON.readTree("{\"v\":\"" + version + "\",\"fr\":30,\"ip\":0,\"op\":35,\"w\":10,"
                + "\"h\":10,\"layers\":[{\"ty\":4,\"ind\":1,\"ip\":0,\"op\":35,\"st\":0,\"ks\":{},\"shapes\":[" + shape
                + "]}]}");
    }

    private static ObjectNode layerWithRotation(String version, String expression, String keyframes)
            throws IOException {
        String x = expression == null ? "" : ",\"x\":\"var $bm_rt;\\n$bm_rt = " + expression + ";\"";
        return (ObjectNode) Requests.JSON.readTree("{\"v\":\"" + version + "\",\"fr\":30,\"ip\":0,\"op\":35,\"w\":10,"
                + "\"h\":10,\"layers\":[{\"ty\":4,\"ind\":1,\"ip\":0,\"op\":35,\"st\":0,\"ks\":{\"r\":{\"a\":1" + x
                + ",\"k\":" + keyframes + "}},\"shapes\":[]}]}");
    }

    private static List<Double> numbers(JsonNode arr) {
        List<Double> out = new ArrayList<>();
        arr.forEach(n -> out.add(Math.round(n.asDouble() * 1e6) / 1e6));
        return out;
    }

    private static List<Double> times(JsonNode keyframes) {
        List<Double> out = new ArrayList<>();
        keyframes.forEach(kf -> out.add(Math.round(kf.get("t").asDouble() * 1e6) / 1e6));
        return out;
    }

    private static List<Double> values(JsonNode keyframes) {
        List<Double> out = new ArrayList<>();
        keyframes.forEach(kf -> out.add(kf.get("s").get(0).asDouble()));
        return out;
    }
}
