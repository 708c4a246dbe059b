import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.render.CancellationSignal;
import dev.kiln.render.Frames;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import dev.kiln.video.MemoryEstimate;
import dev.kiln.video.PreparedVideo;
import dev.kiln.video.VideoLimits;
import dev.kiln.video.VideoRequests;
import java.awt.image.BufferedImage;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.function.IntToDoubleFunction;

/** One build's card frames: apply(width) draws the bench's 90 frames once through a kept sequence, returns ms CPU/frame. */
public class Card implements IntToDoubleFunction {
    static final ObjectMapper JSON = new ObjectMapper();
    final java.util.Map<Integer, Object[]> seqs = new java.util.HashMap<>();
    public double applyAsDouble(int width) {
        try {
            Object[] st = seqs.get(width);
            if (st == null) {
                Path examples = Path.of(System.getProperty("examples", "examples"));
                RenderEngine engine = RenderEngine.create(RenderLimits.defaults());
                ObjectNode doc = (ObjectNode) JSON.readTree(examples.resolve("card-scene.json").toFile()).get("document");
                doc.put("duration", 10_000).put("fps", 30);
                ArrayNode layers = (ArrayNode) doc.get("layers");
                ((ObjectNode) layers.get(0)).set("animations", JSON.readTree(
                        "[{\"property\":\"x\",\"keyframes\":[{\"t\":0,\"value\":820},{\"t\":10000,\"value\":-200}]}]"));
                ((ObjectNode) layers.get(1)).set("animations", JSON.readTree(
                        "[{\"property\":\"rotation\",\"keyframes\":[{\"t\":0,\"value\":0},{\"t\":10000,\"value\":12}]}]"));
                ObjectNode r = JSON.createObjectNode();
                r.set("document", doc);
                r.putObject("output").put("format", "mp4").put("width", width).put("startFrame", 0).put("endFrame", 90);
                PreparedVideo v = VideoRequests.prepare(engine, r, VideoLimits.defaults(), CancellationSignal.NONE);
                Frames.Sequence seq = Frames.sequence(v.frames(), MemoryEstimate.frameCacheBytes(v.spec()));
                st = new Object[] {v, seq};
                seqs.put(width, st);
            }
            PreparedVideo v = (PreparedVideo) st[0];
            Frames.Sequence seq = (Frames.Sequence) st[1];
            var mx = ManagementFactory.getThreadMXBean();
            long t0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < 90; i++) {
                BufferedImage img = seq.draw(v.spec().timeOf(i), CancellationSignal.NONE);
            }
            return (mx.getCurrentThreadCpuTime() - t0) / 1e6 / 90;
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
