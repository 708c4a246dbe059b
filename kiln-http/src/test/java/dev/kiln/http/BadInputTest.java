package dev.kiln.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.platform.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Hostile and malformed input: each gets a 4xx problem that points at the field; the server stays healthy. */
class BadInputTest {
    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(db.database());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** After every hostile request the server is alive, ready, and still renders correctly. */
    @AfterEach
    void serverStaysHealthy() {
        assertThat(server.get("/healthz").statusCode()).isEqualTo(200);
        assertThat(server.get("/readyz").statusCode()).isEqualTo(200);
        assertThat(server.post("/v1/renders", Docs.blue("png")).statusCode()).isEqualTo(200);
    }

    static Stream<Arguments> hostileBodies() {
        String scene = "{\"type\":\"scene\",\"width\":200,\"height\":100,\"layers\":[%s]}";
        return Stream.of(
                Arguments.of("malformed JSON", "{\"document\": {\"type\": ", 400, ""),
                Arguments.of("trailing garbage", "{\"document\":{\"type\":\"svg\"}} xyz", 400, ""),
                Arguments.of("body is not an object", "[1,2,3]", 422, ""),
                Arguments.of("document of wrong type", "{\"document\": 7}", 422, "/document"),
                Arguments.of("unknown document type", "{\"document\":{\"type\":\"pdf\"}}", 422, "/document/type"),
                Arguments.of(
                        "width of wrong type",
                        "{\"document\":{\"type\":\"scene\",\"width\":\"big\",\"height\":100,\"layers\":[]}}",
                        422,
                        "/document/width"),
                Arguments.of(
                        "unknown layer type",
                        "{\"document\":" + scene.formatted("{\"type\":\"hologram\"}") + "}",
                        422,
                        "/document/layers/0/type"),
                Arguments.of(
                        "giant canvas",
                        "{\"document\":{\"type\":\"scene\",\"width\":1000000,\"height\":1000000,\"layers\":[]}}",
                        422,
                        "/document/width"),
                Arguments.of(
                        "giant output",
                        "{\"document\":{\"type\":\"svg\",\"svg\":" + Docs.quote(Docs.BLUE_SVG)
                                + "},\"output\":{\"format\":\"png\",\"width\":100000}}",
                        422,
                        "/output/width"),
                Arguments.of(
                        "unknown output format",
                        "{\"document\":{\"type\":\"svg\",\"svg\":" + Docs.quote(Docs.BLUE_SVG)
                                + "},\"output\":{\"format\":\"bmp\"}}",
                        422,
                        "/output/format"),
                Arguments.of("million layers", "{\"document\":" + scene.formatted(millionLayers()) + "}", -1, null),
                Arguments.of(
                        "nesting 10,000 deep",
                        "{\"document\":{\"type\":\"scene\",\"width\":10,\"height\":10," + "\"layers\":"
                                + "[".repeat(10_000) + "]".repeat(10_000) + "}}",
                        400,
                        ""),
                Arguments.of(
                        "number 10,000 digits long",
                        "{\"document\":{\"type\":\"scene\",\"width\":" + "9".repeat(10_000)
                                + ",\"height\":10,\"layers\":[]}}",
                        400,
                        ""),
                Arguments.of(
                        "invalid base64 image",
                        "{\"document\":"
                                + scene.formatted(
                                        "{\"type\":\"image\",\"src\":\"data:image/png;base64,!!!not*base64\",\"x\":0,\"y\":0,"
                                                + "\"width\":10,\"height\":10}")
                                + "}",
                        422,
                        "/document/layers/0/src"),
                Arguments.of(
                        "PNG decompression bomb",
                        "{\"document\":"
                                + scene.formatted("{\"type\":\"image\",\"src\":\"data:image/png;base64," + pngBomb()
                                        + "\",\"x\":0,\"y\":0," + "\"width\":10,\"height\":10}")
                                + "}",
                        422,
                        "/document/layers/0/src"),
                Arguments.of(
                        "SVG entity expansion",
                        svgBody(
                                "<?xml version='1.0'?><!DOCTYPE lolz ["
                                        + "<!ENTITY lol 'lol'><!ENTITY lol2 '&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;'>"
                                        + "<!ENTITY lol3 '&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;'>]>"
                                        + "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'><text>&lol3;</text></svg>"),
                        422,
                        "/document/svg"),
                Arguments.of(
                        "SVG external href",
                        svgBody(
                                "<svg xmlns='http://www.w3.org/2000/svg' "
                                        + "xmlns:xlink='http://www.w3.org/1999/xlink' width='10' height='10'>"
                                        + "<image xlink:href='http://169.254.169.254/latest/meta-data' width='10' height='10'/></svg>"),
                        422,
                        "/document/svg"),
                Arguments.of(
                        "SVG XXE",
                        svgBody(
                                "<?xml version='1.0'?><!DOCTYPE svg [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
                                        + "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'><text>&x;</text></svg>"),
                        422,
                        "/document/svg"),
                Arguments.of(
                        "Lottie absurd frame count",
                        "{\"document\":{\"type\":\"lottie\",\"animation\":"
                                + "{\"v\":\"5.7.0\",\"fr\":30,\"ip\":0,\"op\":1000000000,\"w\":100,\"h\":100,\"layers\":[]}}}",
                        422,
                        "/document/animation/op"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileBodies")
    void hostileBodyGetsProblemPointingAtTheField(String name, String body, int status, String pointer) {
        HttpResponse<byte[]> res = server.post("/v1/renders", body);
        if (status > 0) {
            assertThat(res.statusCode())
                    .as(name + ": " + new String(res.body(), StandardCharsets.UTF_8))
                    .isEqualTo(status);
        } else {
            assertThat(res.statusCode()).as(name).isBetween(400, 499);
        }
        Problem p = Problem.of(res);
        if (pointer != null) {
            assertThat(p.pointers()).as(name + " pointers").contains(pointer);
        }
    }

    /** 50 MB announced: answered 413 from the headers alone, without reading the body. */
    @Test
    void fiftyMegabyteBodyIs413() throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/renders HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + server.key
                            + "\r\nContent-Type: application/json\r\nContent-Length: " + 50_000_000
                            + "\r\n\r\n{\"document\":")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = readResponse(s.getInputStream());
            assertThat(response).startsWith("HTTP/1.1 413");
            assertThat(response).contains("application/problem+json");
        }
    }

    /** A chunked body with no Content-Length is capped while it streams. */
    @Test
    void chunkedBodyOverTheCapIs413() throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/renders HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + server.key
                            + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[1 << 20];
            java.util.Arrays.fill(chunk, (byte) ' ');
            try {
                for (int i = 0; i < 20; i++) {
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException closedEarly) {
                // The server may answer and close before the whole body is sent; the answer is still readable.
            }
            String response = readResponse(s.getInputStream());
            assertThat(response).startsWith("HTTP/1.1 413");
        }
    }

    private static String readResponse(InputStream in) throws IOException {
        byte[] buf = new byte[8192];
        int n = in.read(buf);
        return n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.ISO_8859_1);
    }

    private static String svgBody(String svg) {
        return "{\"document\":{\"type\":\"svg\",\"svg\":" + Docs.quote(svg) + "}}";
    }

    private static String millionLayers() {
        StringBuilder b = new StringBuilder(16 * 1_000_000);
        for (int i = 0; i < 1_000_000; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append("{\"type\":\"rect\"}");
        }
        return b.toString();
    }

    /** A valid PNG that claims 30000×30000 pixels (900 Mpx) but is a few hundred bytes. */
    static String pngBomb() {
        try {
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
            ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
            DataOutputStream d = new DataOutputStream(ihdr);
            d.writeInt(30_000);
            d.writeInt(30_000);
            d.writeByte(1); // bit depth
            d.writeByte(0); // greyscale
            d.writeByte(0);
            d.writeByte(0);
            d.writeByte(0);
            chunk(png, "IHDR", ihdr.toByteArray());
            Deflater deflater = new Deflater(9);
            byte[] row = new byte[1 + 30_000 / 8];
            deflater.setInput(row);
            deflater.finish();
            byte[] idat = new byte[4096];
            int len = deflater.deflate(idat);
            chunk(png, "IDAT", java.util.Arrays.copyOf(idat, len));
            chunk(png, "IEND", new byte[0]);
            return Base64.getEncoder().encodeToString(png.toByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(data.length);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        d.write(t);
        d.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        d.writeInt((int) crc.getValue());
    }
}
