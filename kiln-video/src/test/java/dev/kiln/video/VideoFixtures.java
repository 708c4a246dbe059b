package dev.kiln.video;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import dev.kiln.renderpool.PoolConfig;
import dev.kiln.renderpool.PoolListener;
import dev.kiln.renderpool.RenderPool;
import dev.kiln.renderpool.Ticker;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Small documents, the real ffmpeg, stand-in encoders that hang or crash, and ffprobe for checking outputs. */
public final class VideoFixtures {
    public static final ObjectMapper JSON = new ObjectMapper();
    public static final RenderEngine ENGINE = RenderEngine.create(RenderLimits.defaults());
    private static Ffmpeg ffmpeg;

    private VideoFixtures() {}

    /** The real ffmpeg, located once per JVM. */
    public static synchronized Ffmpeg ffmpeg() {
        if (ffmpeg == null) {
            ffmpeg = Ffmpeg.locate(Ffmpeg.defaultCacheDir());
        }
        return ffmpeg;
    }

    /** A 64×48 scene, {@code durationMs} long at {@code fps}: a square moving and changing colour. */
    public static ObjectNode scene(int durationMs, int fps) {
        return (ObjectNode) tree("""
                {"type":"scene","width":64,"height":48,"background":"#f1f5f9","duration":%d,"fps":%d,
                 "layers":[{"type":"rect","x":4,"y":12,"width":20,"height":20,"fill":"#2563eb",
                   "animations":[
                     {"property":"x","keyframes":[{"t":0,"value":4},{"t":%d,"value":40}]},
                     {"property":"fill","keyframes":[{"t":0,"value":"#2563eb"},{"t":%d,"value":"#dc2626"}]}]}]}
                """.formatted(durationMs, fps, durationMs, durationMs));
    }

    /** The project's own bouncing-ball Lottie (200×200, 60 frames at 30 fps). */
    public static ObjectNode lottie() {
        try (InputStream in = VideoFixtures.class.getResourceAsStream("/video/ball.json")) {
            ObjectNode doc = JSON.createObjectNode().put("type", "lottie");
            doc.set("animation", JSON.readTree(in));
            return doc;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Frame {@code n} (from 0) of {@code video}, extracted by ffmpeg into {@code png} and decoded. */
    public static java.awt.image.BufferedImage frame(Path video, int n, Path png) throws Exception {
        Process p = ffmpeg().command(
                        ffmpeg().ffmpeg(),
                        List.of(
                                "-v",
                                "error",
                                "-i",
                                video.toString(),
                                "-vf",
                                "select=eq(n\\," + n + ")",
                                "-frames:v",
                                "1",
                                "-y",
                                png.toString()))
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().close();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("ffmpeg could not extract frame " + n + ": " + log);
        }
        return javax.imageio.ImageIO.read(png.toFile());
    }

    /** {@code {document, output}}. */
    public static ObjectNode request(JsonNode document, String output) {
        ObjectNode r = JSON.createObjectNode();
        r.set("document", document);
        r.set("output", tree(output));
        return r;
    }

    public static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A two-worker render pool. */
    public static RenderPool pool() {
        return RenderPool.start(
                new PoolConfig(2, 8, Duration.ofMillis(10), Duration.ofSeconds(5), Duration.ofSeconds(2)),
                Ticker.SYSTEM,
                PoolListener.NOOP);
    }

    /** An "ffmpeg" that is the shell script {@code body}, for encoders that hang or crash. */
    public static Ffmpeg fakeFfmpeg(Path dir, String body) throws IOException {
        Path script = dir.resolve("fake-ffmpeg.sh");
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new Ffmpeg(script, ffmpeg().ffprobe(), Map.of(), "fake");
    }

    /** The first video stream as ffprobe sees it, with its frames counted ({@code nb_read_frames}). */
    public static JsonNode probe(Path file) throws Exception {
        Ffmpeg f = ffmpeg();
        List<String> args = new ArrayList<>(List.of(
                "-v",
                "error",
                "-count_frames",
                "-select_streams",
                "v:0",
                "-show_entries",
                "stream=codec_name,pix_fmt,width,height,nb_read_frames,r_frame_rate",
                "-show_entries",
                "format=duration,format_name",
                "-of",
                "json",
                file.toString()));
        Process p = f.command(f.ffprobe(), args).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("ffprobe failed on " + file + ": " + out);
        }
        JsonNode n = JSON.readTree(out);
        ObjectNode stream = (ObjectNode) n.path("streams").path(0);
        stream.set("format", n.path("format"));
        return stream;
    }

    /** The frames and canvas size of an animated WebP, read from its RIFF chunks (ffmpeg cannot decode them). */
    public static int[] webpFramesAndSize(byte[] b) {
        if (b.length < 30
                || !new String(b, 0, 4, StandardCharsets.US_ASCII).equals("RIFF")
                || !new String(b, 8, 4, StandardCharsets.US_ASCII).equals("WEBP")) {
            throw new AssertionError("not a WebP file");
        }
        int frames = 0;
        int width = 0;
        int height = 0;
        boolean anim = false;
        int pos = 12;
        while (pos + 8 <= b.length) {
            String id = new String(b, pos, 4, StandardCharsets.US_ASCII);
            int size = (b[pos + 4] & 0xff)
                    | (b[pos + 5] & 0xff) << 8
                    | (b[pos + 6] & 0xff) << 16
                    | (b[pos + 7] & 0xff) << 24;
            if (id.equals("VP8X")) {
                width = 1 + ((b[pos + 12] & 0xff) | (b[pos + 13] & 0xff) << 8 | (b[pos + 14] & 0xff) << 16);
                height = 1 + ((b[pos + 15] & 0xff) | (b[pos + 16] & 0xff) << 8 | (b[pos + 17] & 0xff) << 16);
            } else if (id.equals("ANIM")) {
                anim = true;
            } else if (id.equals("ANMF")) {
                frames++;
            }
            pos += 8 + size + (size & 1);
        }
        if (!anim) {
            throw new AssertionError("a WebP without an ANIM chunk is not animated");
        }
        return new int[] {frames, width, height};
    }
}
