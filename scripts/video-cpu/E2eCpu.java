import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.render.CancellationSignal;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** End-to-end MP4 encodes of the bench's card: wall fps, JVM CPU per frame (all threads), ffmpeg CPU per frame, stage times. */
public class E2eCpu {
    static final ObjectMapper JSON = new ObjectMapper();
    static long[] cpu() throws Exception { // self utime+stime, children cutime+cstime, in ticks (10 ms)
        String s = Files.readString(Path.of("/proc/self/stat"));
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(f[11]) + Long.parseLong(f[12]), Long.parseLong(f[13]) + Long.parseLong(f[14])};
    }
    static Map<String, Long> tasks() throws Exception {
        Map<String, Long> m = new java.util.TreeMap<>();
        try (var ds = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path t : ds) {
                try {
                    String s = Files.readString(t.resolve("stat"));
                    String name = s.substring(s.indexOf('(') + 1, s.lastIndexOf(')')).replaceAll("[0-9]+", "#");
                    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                    m.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
                } catch (Exception e) { }
            }
        }
        return m;
    }
    public static void main(String[] args) throws Exception {
        int frames = Integer.getInteger("frames", 90);
        int runs = Integer.getInteger("runs", 3);
        Path examples = Path.of(System.getProperty("examples", "examples"));
        RenderEngine engine = RenderEngine.create(RenderLimits.defaults());
        Ffmpeg ffmpeg = Ffmpeg.locate(Ffmpeg.defaultCacheDir());
        int workers = Runtime.getRuntime().availableProcessors();
        ObjectNode doc = (ObjectNode) JSON.readTree(examples.resolve("card-scene.json").toFile()).get("document");
        doc.put("duration", 10_000).put("fps", 30);
        ArrayNode layers = (ArrayNode) doc.get("layers");
        ((ObjectNode) layers.get(0)).set("animations", JSON.readTree(
                "[{\"property\":\"x\",\"keyframes\":[{\"t\":0,\"value\":820},{\"t\":10000,\"value\":-200}]}]"));
        ((ObjectNode) layers.get(1)).set("animations", JSON.readTree(
                "[{\"property\":\"rotation\",\"keyframes\":[{\"t\":0,\"value\":0},{\"t\":10000,\"value\":12}]}]"));
        try (RenderPool pool = RenderPool.start(
                new PoolConfig(workers, 4 * workers, Duration.ofMillis(50), Duration.ofSeconds(30), Duration.ofSeconds(5)),
                Ticker.SYSTEM, PoolListener.NOOP)) {
            VideoEncoder encoder = new VideoEncoder(ffmpeg, pool, engine, Ticker.SYSTEM, VideoEncoder.DEFAULT_ENCODER_THREADS);
            for (String w : System.getProperty("widths", "1200,1920").split(",")) {
                ObjectNode r = JSON.createObjectNode();
                r.set("document", doc);
                r.putObject("output").put("format", "mp4").put("width", Integer.parseInt(w)).put("startFrame", 0).put("endFrame", frames);
                PreparedVideo v = VideoRequests.prepare(engine, r, VideoLimits.defaults(), CancellationSignal.NONE);
                for (int run = 0; run <= runs; run++) {
                    Path work = Files.createTempDirectory("kiln-e2e");
                    Map<String, Long> stages = new LinkedHashMap<>();
                    Map<String, Long> k0 = tasks();
                    long[] c0 = cpu();
                    long t0 = System.nanoTime();
                    EncodedVideo out = encoder.encode(v, work.resolve("run"), CancellationSignal.NONE,
                            Ticker.SYSTEM.nanos() + Duration.ofMinutes(30).toNanos(),
                            (s, p) -> { stages.putIfAbsent(s, System.nanoTime()); return true; });
                    long t1 = System.nanoTime();
                    long[] c1 = cpu();
                    StringBuilder sb = new StringBuilder();
                    for (var e : stages.entrySet()) {
                        sb.append(String.format(Locale.ROOT, " %s@%.0fms", e.getKey(), (e.getValue() - t0) / 1e6));
                    }
                    System.out.printf(Locale.ROOT, "%d×%d run %d%s: %.1f fps, JVM %.2f ms CPU/frame, ffmpeg %.2f ms CPU/frame,"
                                    + " wall %.0f ms%s%n",
                            v.spec().width(), v.spec().height(), run, run == 0 ? " (warm-up)" : "",
                            frames / ((t1 - t0) / 1e9), (c1[0] - c0[0]) * 10.0 / frames, (c1[1] - c0[1]) * 10.0 / frames,
                            (t1 - t0) / 1e6, sb);
                    Map<String, Long> k1 = tasks();
                    if (run == 0) {
                        byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(out.file()));
                        System.out.println("   mp4 sha256 " + java.util.HexFormat.of().formatHex(d).substring(0, 16) + ", " + out.bytes() + " bytes");
                    }
                    StringBuilder tb = new StringBuilder("   threads (ms CPU/frame):");
                    for (var e : k1.entrySet()) {
                        long d = e.getValue() - k0.getOrDefault(e.getKey(), 0L);
                        if (d > 0) tb.append(String.format(Locale.ROOT, " [%s] %.2f", e.getKey(), d * 10.0 / frames));
                    }
                    if (Boolean.getBoolean("threads")) System.out.println(tb);
                    Ffmpeg.deleteTree(work);
                }
            }
        }
    }
}
