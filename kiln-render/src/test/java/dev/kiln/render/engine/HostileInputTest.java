package dev.kiln.render.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.render.InvalidDocumentException;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.Violation;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile documents are rejected at prepare time with a pointer to the offending field. The timeouts are
 * generous hang guards (an entity expansion would run for minutes or exhaust the heap), not speed assertions.
 */
@Timeout(20)
class HostileInputTest {
    private static final RenderEngine ENGINE = RenderEngine.create(RenderLimits.defaults());

    private static InvalidDocumentException rejected(ObjectNode request) {
        InvalidDocumentException e =
                catchThrowableOfType(InvalidDocumentException.class, () -> ENGINE.prepare(request));
        assertThat(e).as("request must be rejected").isNotNull();
        return e;
    }

    @Test
    void billionLaughsIsRejectedWithoutExpansion() {
        StringBuilder dtd = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY lol \"lol\">");
        for (int i = 1; i <= 9; i++) {
            dtd.append("<!ENTITY lol").append(i).append(" \"");
            dtd.append(("&lol" + (i == 1 ? "" : i - 1) + ";").repeat(10)).append("\">");
        }
        dtd.append("]><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><text>&lol9;</text></svg>");

        InvalidDocumentException e = rejected(Requests.svg(dtd.toString()));

        assertThat(e.violations()).extracting(Violation::pointer).containsExactly("/document/svg");
        assertThat(e.violations().getFirst().detail()).contains("DOCTYPE");
    }

    @Test
    void xxeIsRejected() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
                + "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><text>&xxe;</text></svg>";

        InvalidDocumentException e = rejected(Requests.svg(xxe));

        assertThat(e.violations()).extracting(Violation::pointer).containsExactly("/document/svg");
        assertThat(e.getMessage()).doesNotContain("root:");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "<image href='http://example.com/a.png' width='5' height='5'/>",
                "<image xlink:href='file:///etc/passwd' width='5' height='5'/>",
                "<use href='//evil.host/sprite.svg#a'/>",
                "<rect width='5' height='5' fill='url(http://example.com/p.svg#g)'/>",
                "<rect width='5' height='5' style=\"fill: url('https://example.com/x')\"/>",
                "<style>@import url(https://example.com/a.css);</style>",
                "<style>rect { fill: url(file:///tmp/x.svg#p) }</style>",
                "<image href='data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=' width='5' height='5'/>"
            })
    void externalReferencesAreRejected(String element) {
        String svg = "<svg xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink'"
                + " width='10' height='10'>" + element + "</svg>";

        InvalidDocumentException e = rejected(Requests.svg(svg));

        assertThat(e.violations()).extracting(Violation::pointer).containsExactly("/document/svg");
        assertThat(e.violations().getFirst().detail()).containsAnyOf("external reference", "@import");
    }

    @Test
    void sameDocumentAndInlineImageReferencesAreAccepted() {
        String png1x1 =
                "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
        String svg = "<svg xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink'"
                + " width='10' height='10'><defs><circle id='c' cx='5' cy='5' r='4'/></defs>"
                + "<use xlink:href='#c' fill='url(#missing)'/>"
                + "<image href='data:image/png;base64," + png1x1 + "' width='2' height='2'/></svg>";

        assertThat(ENGINE.prepare(Requests.svg(svg)).output().width()).isEqualTo(10);
    }

    /** A hyperlink is never followed by a renderer: resvg's suite has one (structure/svg/mixed-namespaces). */
    @Test
    void aHyperlinksTargetIsNotAReference() {
        String svg = "<svg xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink' width='10'"
                + " height='10'><a href='https://example.com/' xlink:href='file:///etc/passwd'><rect width='5' height='5'/>"
                + "</a></svg>";

        var prepared = ENGINE.prepare(Requests.svg(svg));
        var out = ENGINE.render(prepared, dev.kiln.render.CancellationSignal.NONE);
        assertThat(out.width()).isEqualTo(10);
        // resvg's pixels back the image directly; it must still be the type Document.draw promises.
        assertThat(prepared.document()
                        .draw(10, 10, 0, dev.kiln.render.CancellationSignal.NONE)
                        .getType())
                .isEqualTo(java.awt.image.BufferedImage.TYPE_INT_ARGB_PRE);
    }

    @Test
    void oversizedSvgIsRejectedBeforeParsing() {
        RenderEngine small = RenderEngine.create(new RenderLimits(
                8192,
                4096L * 4096,
                1000,
                16,
                10_000,
                1 << 20,
                25_000_000L,
                1024,
                1 << 20,
                3600,
                Duration.ofSeconds(60)));
        String svg =
                "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'><!--" + "x".repeat(2000) + "--></svg>";

        InvalidDocumentException e =
                catchThrowableOfType(InvalidDocumentException.class, () -> small.prepare(Requests.svg(svg)));

        assertThat(e.violations()).extracting(Violation::pointer).containsExactly("/document/svg");
        assertThat(e.violations().getFirst().detail()).contains("maxSvgBytes");
    }

    @Test
    void absurdLottieFrameCountIsRejected() {
        ObjectNode req = Requests.lottieResource("/golden/lottie/ball.json");
        ((ObjectNode) req.get("document").get("animation")).put("op", 1_000_000_000);

        InvalidDocumentException e = rejected(req);

        assertThat(e.violations()).extracting(Violation::pointer).containsExactly("/document/animation/op");
        assertThat(e.violations().getFirst().detail()).contains("maxFrames");
    }

    @Test
    void lottieLongerThanMaxDurationIsRejected() {
        ObjectNode req = Requests.lottieResource("/golden/lottie/ball.json");
        ObjectNode anim = (ObjectNode) req.get("document").get("animation");
        anim.put("fr", 1).put("op", 3000); // 3000 frames is under maxFrames, but 3000 s is over 60 s

        InvalidDocumentException e = rejected(req);

        assertThat(e.violations()).extracting(Violation::pointer).containsExactly("/document/animation/op");
        assertThat(e.violations().getFirst().detail()).contains("maxDuration");
    }

    @Test
    void lottieExternalImageAssetIsRejected() {
        ObjectNode req = Requests.lottieResource("/golden/lottie/ball.json");
        ArrayNode assets = ((ObjectNode) req.get("document").get("animation")).putArray("assets");
        assets.addObject()
                .put("id", "img_0")
                .put("w", 10)
                .put("h", 10)
                .put("u", "http://example.com/")
                .put("p", "a.png");

        InvalidDocumentException e = rejected(req);

        assertThat(e.violations())
                .extracting(Violation::pointer)
                .containsExactly("/document/animation/assets/0/p", "/document/animation/assets/0/u");
    }

    @Test
    void lottieExternalFontIsRejected() {
        ObjectNode req = Requests.lottieResource("/golden/lottie/ball.json");
        ObjectNode anim = (ObjectNode) req.get("document").get("animation");
        anim.putObject("fonts").putArray("list").addObject().put("fName", "X").put("fPath", "../../etc/fonts/x.ttf");

        InvalidDocumentException e = rejected(req);

        assertThat(e.violations())
                .extracting(Violation::pointer)
                .containsExactly("/document/animation/fonts/list/0/fPath");
    }

    @Test
    void lottieMissingRequiredFieldsAreAllReported() {
        ObjectNode anim = Requests.JSON.createObjectNode().put("w", 100);

        InvalidDocumentException e = rejected(Requests.lottie(anim));

        assertThat(e.violations())
                .extracting(Violation::pointer)
                .containsExactlyInAnyOrder(
                        "/document/animation/h",
                        "/document/animation/fr",
                        "/document/animation/ip",
                        "/document/animation/op");
    }

    @Test
    void lottieDimensionOverCapIsRejected() {
        ObjectNode req = Requests.lottieResource("/golden/lottie/ball.json");
        ((ObjectNode) req.get("document").get("animation")).put("w", 100_000);

        InvalidDocumentException e = rejected(req);

        assertThat(e.violations()).extracting(Violation::pointer).containsExactly("/document/animation/w");
    }

    @Test
    void svgDimensionOverCapIsRejected() {
        InvalidDocumentException e =
                rejected(Requests.svg("<svg xmlns='http://www.w3.org/2000/svg' width='100000' height='10'/>"));

        assertThat(e.violations().getFirst().detail()).contains("maxDimension");
    }
}
