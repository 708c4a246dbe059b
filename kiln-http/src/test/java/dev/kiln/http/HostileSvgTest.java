package dev.kiln.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.platform.testing.TestDatabase;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.SvgEngine;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 9: hostile SVGs against the default engine (native resvg), each sent twice at once with a 2 s budget, end in
 * the status named here well inside the client's patience, and leave the server healthy with both workers serving.
 * Who stops each: the XML pre-pass (nesting depth, DOCTYPE), the embedded-image cap (the bomb), resvg's own node
 * limit (recursive and exponential {@code <use>}), the child's memory ceiling (the pattern tile) and the deadline,
 * which kills the child (the morphology).
 */
class HostileSvgTest {
    @org.junit.jupiter.api.extension.RegisterExtension
    static TestDatabase db = new TestDatabase();

    /** HungRenderTest.twiceAtOnce's budget. */
    private static final Duration BUDGET = HungRenderTest.BUDGET;
    /** Loose on purpose (a loaded 2-core machine): the deadline's precision is a benchmark figure. */
    private static final Duration ANSWER_BOUND = BUDGET.plusSeconds(8);

    private static final String OPEN =
            "<svg xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink'";

    private static TestServer server;

    @BeforeAll
    static void start() {
        RenderEngine engine = RenderEngine.create(RenderLimits.defaults());
        assertThat(engine.svgEngine()).isEqualTo(SvgEngine.RESVG);
        server = TestServer.start(db.database(), HungRenderTest.TWO_WORKERS, engine, TestServer.http());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Stream<Arguments> hostile() throws Exception {
        return Stream.of(
                Arguments.of(
                        "deep nesting: 5,000 groups",
                        OPEN + " width='100' height='100'>" + "<g>".repeat(5000) + "<rect width='10' height='10'/>"
                                + "</g>".repeat(5000) + "</svg>",
                        422),
                Arguments.of(
                        "a huge filter: morphology radius 9999 over 2000 px",
                        OPEN + " width='2000' height='2000'>"
                                + "<filter id='f'><feMorphology radius='9999'/></filter>"
                                + "<rect width='2000' height='2000' fill='blue' filter='url(#f)'/></svg>",
                        504),
                Arguments.of(
                        "a huge pattern tile",
                        OPEN + " width='200' height='200'><defs>"
                                + "<pattern id='p' width='60000' height='60000' patternUnits='userSpaceOnUse'>"
                                + "<rect width='60000' height='60000' fill='red'/></pattern></defs>"
                                + "<rect width='200' height='200' fill='url(#p)'/></svg>",
                        422),
                Arguments.of(
                        "recursive use",
                        OPEN + " width='100' height='100'><g id='a'><use xlink:href='#b'/></g>"
                                + "<g id='b'><use xlink:href='#a'/></g><use xlink:href='#a'/></svg>",
                        422),
                Arguments.of(
                        "an exponential use fan-out",
                        OPEN + " width='100' height='100'><defs>" + "<rect id='l0' width='1' height='1'/>" + fanOut(20)
                                + "</defs><use xlink:href='#l20'/></svg>",
                        422),
                Arguments.of(
                        "a decompression bomb in an embedded image",
                        OPEN + " width='100' height='100'>"
                                + "<image width='100' height='100' href='data:image/png;base64,"
                                + pngHeader(60000, 60000)
                                + "'/></svg>",
                        422),
                Arguments.of(
                        "billion laughs",
                        "<?xml version='1.0'?><!DOCTYPE svg [<!ENTITY a 'aaaaaaaaaa'>"
                                + "<!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>]>" + OPEN + " width='10' height='10'>"
                                + "<text>&b;</text></svg>",
                        422));
    }

    /** Level n uses level n-1 twice: 2^20 rects from 40 elements. */
    private static String fanOut(int levels) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= levels; i++) {
            b.append("<g id='l")
                    .append(i)
                    .append("'><use xlink:href='#l")
                    .append(i - 1)
                    .append("'/><use xlink:href='#l")
                    .append(i - 1)
                    .append("' x='1'/></g>");
        }
        return b.toString();
    }

    /** A real 1×1 PNG whose header claims width × height: its pixels would be gigabytes. */
    private static String pngHeader(int width, int height) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB), "png", out);
        byte[] png = out.toByteArray();
        java.nio.ByteBuffer.wrap(png, 16, 8).putInt(width).putInt(height);
        return Base64.getEncoder().encodeToString(png);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void endsInItsStatusWithinBudgetAndTheServerStaysHealthy(String name, String svg, int expected) throws Exception {
        for (HungRenderTest.Answer answer : HungRenderTest.twiceAtOnce(server, Docs.svgRender(svg, "png"))) {
            assertThat(answer.status()).as(name).isEqualTo(expected);
            assertThat(answer.tookNanos())
                    .as(name + ": answered long before the client's timeout")
                    .isLessThan(ANSWER_BOUND.toNanos());
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> server.pool.snapshot().running() == 0);
        assertThat(server.get("/healthz").statusCode()).isEqualTo(200);
        assertThat(server.get("/readyz").statusCode()).isEqualTo(200);
        for (int i = 0; i < 2; i++) {
            HttpResponse<byte[]> ok = server.post("/v1/renders", Docs.blue("png"));
            assertThat(ok.statusCode()).as("a plain render after " + name).isEqualTo(200);
        }
    }
}
