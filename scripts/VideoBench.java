import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.render.CancellationSignal;
import dev.kiln.render.Frames;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import dev.kiln.renderpool.PoolConfig;
import dev.kiln.renderpool.PoolListener;
import dev.kiln.renderpool.RenderPool;
import dev.kiln.renderpool.Ticker;
import dev.kiln.video.EncodedVideo;
import dev.kiln.video.Ffmpeg;
import dev.kiln.video.PreparedVideo;
import dev.kiln.video.VideoEncoder;
import dev.kiln.video.VideoLimits;
import dev.kiln.video.VideoRequests;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Video benchmarks for BENCHMARKS.md (run by scripts/bench-video.sh, never by the test suite):
 * 1. end-to-end frames per second (render on the pool + pipe into ffmpeg) for MP4, animated WebP and GIF at 1200×630
 *    and 1920×1080, against the encoder's own ceiling: the same ffmpeg command reading the same raw frames from a
 *    file, in the same run;
 * 2. peak RSS of two concurrent 1920×1080, 10 s, 30 fps MP4 jobs: the JVM plus its ffmpeg children, sampled every
 *    50 ms from /proc.
 */
public class VideoBench {
    static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        int frames = Integer.parseInt(System.getProperty("frames", "90"));
        boolean rss = !Boolean.getBoolean("skipRss");
        int warmups = Integer.parseInt(System.getProperty("warmups", "1"));
        int rounds = Integer.parseInt(System.getProperty("rounds", "1"));
        Path examples = Path.of(System.getProperty("examples", "examples"));
        RenderEngine engine = RenderEngine.create(RenderLimits.defaults());
        Ffmpeg ffmpeg = Ffmpeg.locate(Ffmpeg.defaultCacheDir());
        int workers = Math.max(1, Runtime.getRuntime().availableProcessors());
        try (RenderPool pool = RenderPool.start(
                new PoolConfig(workers, 4 * workers, Duration.ofMillis(50), Duration.ofSeconds(30), Duration.ofSeconds(5)),
                Ticker.SYSTEM,
                PoolListener.NOOP)) {
            VideoEncoder encoder = new VideoEncoder(ffmpeg, pool, engine, Ticker.SYSTEM, VideoEncoder.DEFAULT_ENCODER_THREADS);
            ObjectNode doc = animatedCard(examples);
            System.out.println("(" + warmups + " untimed warm-up encode" + (warmups == 1 ? "" : "s") + " of each video)");
            System.out.println("| size | format | frames | end to end (fps) | ffmpeg from a raw file (fps) | ratio |");
            System.out.println("|---|---|---|---|---|---|");
            for (String w : System.getProperty("widths", "1200,1920").split(",")) {
                int width = Integer.parseInt(w);
                for (String format : System.getProperty("formats", "mp4,webp-animated,gif").split(",")) {
                    PreparedVideo v = VideoRequests.prepare(engine, request(doc, format, width, frames),
                            VideoLimits.defaults(), CancellationSignal.NONE);
                    Path work = Files.createTempDirectory("kiln-video-bench");
                    for (int i = 0; i < warmups; i++) { // the same encode, untimed: the warm-up of the JIT and the collector
                        encoder.encode(v, work.resolve("warm" + i), CancellationSignal.NONE, far(), (s, p) -> true);
                    }
                    // ROUNDS > 1: the timed encode and the baseline alternate, each round a ratio of its own, so that
                    // a shared host's swings hit both sides alike; the median ratio is printed after the rounds.
                    List<Double> ratios = new ArrayList<>();
                    for (int round = 0; round < rounds; round++) {
                        long t0 = System.nanoTime();
                        EncodedVideo out = encoder.encode(
                                v, work.resolve("run" + round), CancellationSignal.NONE, far(), (s, p) -> true);
                        double e2e = v.spec().frames() / ((System.nanoTime() - t0) / 1e9);
                        if (out.bytes() == 0) {
                            throw new IllegalStateException("empty output");
                        }
                        Ffmpeg.deleteTree(out.file().getParent());
                        double ceiling = ffmpegFromFile(ffmpeg, v, work);
                        ratios.add(e2e / ceiling);
                        System.out.printf(Locale.ROOT, "| %d×%d | %s | %d | %.1f | %.1f | %.2f |%n", v.spec().width(),
                                v.spec().height(), format, v.spec().frames(), e2e, ceiling, e2e / ceiling);
                    }
                    if (rounds > 1) {
                        List<Double> sorted = ratios.stream().sorted().toList();
                        System.out.printf(Locale.ROOT, "| %d×%d | %s | median of %d rounds | | | **%.2f** |%n",
                                v.spec().width(), v.spec().height(), format, rounds,
                                rounds % 2 == 1 ? sorted.get(rounds / 2)
                                        : (sorted.get(rounds / 2 - 1) + sorted.get(rounds / 2)) / 2);
                    }
                    Ffmpeg.deleteTree(work);
                }
            }
            if (rss) {
                peakRss(encoder, engine, doc);
            }
        }
    }

    static long far() {
        return Ticker.SYSTEM.nanos() + Duration.ofMinutes(30).toNanos();
    }

    /** The card scene, 10 s long, its glow drifting and its panel turning. */
    static ObjectNode animatedCard(Path examples) throws Exception {
        ObjectNode doc = (ObjectNode) JSON.readTree(examples.resolve("card-scene.json").toFile()).get("document");
        doc.put("duration", 10_000).put("fps", 30);
        ArrayNode layers = (ArrayNode) doc.get("layers");
        ((ObjectNode) layers.get(0)).set("animations", JSON.readTree(
                "[{\"property\":\"x\",\"keyframes\":[{\"t\":0,\"value\":820},{\"t\":10000,\"value\":-200}]}]"));
        ((ObjectNode) layers.get(1)).set("animations", JSON.readTree(
                "[{\"property\":\"rotation\",\"keyframes\":[{\"t\":0,\"value\":0},{\"t\":10000,\"value\":12}]}]"));
        return doc;
    }

    static ObjectNode request(ObjectNode doc, String format, int width, int frames) {
        ObjectNode r = JSON.createObjectNode();
        r.set("document", doc);
        r.putObject("output").put("format", format).put("width", width).put("startFrame", 0).put("endFrame", frames);
        return r;
    }

    /** The same encode reading the same frames from a raw file: the encoder's own ceiling, in frames per second. */
    static double ffmpegFromFile(Ffmpeg ffmpeg, PreparedVideo v, Path work) throws Exception {
        Path raw = work.resolve("frames.bgr0");
        if (!Files.exists(raw)) { // drawn once per video; later rounds reuse it
            try (OutputStream out = Files.newOutputStream(raw)) {
                for (int i = 0; i < v.spec().frames(); i++) {
                    BufferedImage img = Frames.draw(v.frames(), v.spec().timeOf(i), CancellationSignal.NONE);
                    int[] px = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
                    byte[] b = new byte[px.length * 4];
                    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().put(px);
                    out.write(b);
                }
            }
        }
        List<String> in = List.of("-hide_banner", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "bgr0",
                "-video_size", v.spec().width() + "x" + v.spec().height(), "-framerate", "30", "-i", raw.toString());
        List<List<String>> passes = new ArrayList<>();
        String fmt = v.spec().format().wireName();
        if (fmt.equals("mp4")) {
            passes.add(concat(in, List.of("-c:v", "libx264", "-preset", "veryfast", "-crf", "" + v.spec().crf(),
                    "-pix_fmt", "yuv420p", "-movflags", "+faststart", "-threads", "2", "-an", "-y",
                    work.resolve("base.mp4").toString())));
        } else if (fmt.equals("webp-animated")) {
            passes.add(concat(in, List.of("-c:v", "libwebp_anim", "-lossless", "0", "-quality", "" + v.spec().quality(),
                    "-loop", "0", "-threads", "2", "-an", "-y", work.resolve("base.webp").toString())));
        } else {
            passes.add(concat(in, List.of("-vf", "palettegen=stats_mode=full", "-frames:v", "1", "-update", "1", "-y",
                    work.resolve("pal.png").toString())));
            passes.add(concat(in, List.of("-i", work.resolve("pal.png").toString(), "-lavfi",
                    "[0:v][1:v]paletteuse=dither=sierra2_4a", "-loop", "0", "-an", "-y",
                    work.resolve("base.gif").toString())));
        }
        long t0 = System.nanoTime();
        for (List<String> pass : passes) {
            Process p = ffmpeg.command(ffmpeg.ffmpeg(), pass).inheritIO().start();
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("baseline ffmpeg failed: " + pass);
            }
        }
        return v.spec().frames() / ((System.nanoTime() - t0) / 1e9);
    }

    static List<String> concat(List<String> a, List<String> b) {
        List<String> r = new ArrayList<>(a);
        r.addAll(b);
        return r;
    }

    /** Two concurrent 1080p, 10 s, 30 fps MP4s: the peak RSS of this JVM plus its children. */
    static void peakRss(VideoEncoder encoder, RenderEngine engine, ObjectNode doc) throws Exception {
        PreparedVideo v = VideoRequests.prepare(engine, request(doc, "mp4", 1920, 300), VideoLimits.defaults(),
                CancellationSignal.NONE);
        long before = rssKb(ProcessHandle.current().pid());
        AtomicLong peak = new AtomicLong();
        AtomicLong peakChildren = new AtomicLong();
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                long kids = ProcessHandle.current().descendants().mapToLong(h -> rssKb(h.pid())).sum();
                peakChildren.accumulateAndGet(kids, Math::max);
                peak.accumulateAndGet(rssKb(ProcessHandle.current().pid()) + kids, Math::max);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        long t0 = System.nanoTime();
        List<CompletableFuture<EncodedVideo>> jobs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Path work = Files.createTempDirectory("kiln-video-rss");
            jobs.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return encoder.encode(v, work, CancellationSignal.NONE, far(), (s, p) -> true);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (CompletableFuture<EncodedVideo> j : jobs) {
            Ffmpeg.deleteTree(j.get().file().getParent());
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        sampler.interrupt();
        System.out.printf(Locale.ROOT,
                "%nTwo concurrent 1920×1080 MP4s, 300 frames each, in %.1f s: peak RSS %d MiB (JVM + ffmpeg children;"
                        + " JVM before %d MiB; the children's peak sum %d MiB); the estimate admission uses: %d MiB per job%n",
                secs, peak.get() / 1024, before / 1024, peakChildren.get() / 1024,
                dev.kiln.video.MemoryEstimate.bytes(v.spec()) >> 20);
    }

    static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception e) {
            return 0; // the process ended between listing and reading
        }
        return 0;
    }
}
