package dev.kiln.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.render.CancellationSignal;
import dev.kiln.render.Document;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The Kiln half of {@code scripts/lottie-fidelity.sh}: draws Lottie frames with the engine, and compares them
 * with lottie-web's. Not a test: the reference frames come from a browser.
 *
 * <pre>
 * LottieFrames render FILE.json OUT_DIR WIDTH HEIGHT FRAME...   writes OUT_DIR/frame-NNNN.png over white
 * LottieFrames compare KILN_DIR WEB_DIR                          prints one line per frame and a total
 * </pre>
 */
public final class LottieFrames {
    /** A pixel differs when one of its RGB channels (over white) differs by more than this, of 255. */
    static final int CHANNEL_TOLERANCE = 32;
    /** A frame matches when at most this share of its pixels differ. */
    static final double MAX_DIFFERING_SHARE = 0.03;

    private LottieFrames() {}

    /** See the class comment for the two commands. */
    public static void main(String[] args) throws IOException {
        switch (args.length > 0 ? args[0] : "") {
            case "render" -> render(args);
            case "compare" -> compare(Path.of(args[1]), Path.of(args[2]));
            default -> {
                System.err.println("usage: LottieFrames render FILE OUT W H FRAME... | compare KILN_DIR WEB_DIR");
                System.exit(2);
            }
        }
    }

    private static void render(String[] args) throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode animation = json.readTree(Path.of(args[1]).toFile());
        Path out = Path.of(args[2]);
        int w = Integer.parseInt(args[3]);
        int h = Integer.parseInt(args[4]);
        Files.createDirectories(out);
        ObjectNode request = json.createObjectNode();
        request.putObject("document").put("type", "lottie").set("animation", animation);
        Document doc =
                RenderEngine.create(RenderLimits.defaults()).prepare(request).document();
        for (int i = 5; i < args.length; i++) {
            int frame = Integer.parseInt(args[i]);
            BufferedImage image = doc.draw(w, h, frame * 1000.0 / doc.fps(), CancellationSignal.NONE);
            ImageIO.write(
                    overWhite(image),
                    "png",
                    out.resolve(String.format(Locale.ROOT, "frame-%04d.png", frame))
                            .toFile());
        }
    }

    private static void compare(Path kiln, Path web) throws IOException {
        int total = 0;
        int matching = 0;
        try (var files = Files.list(web)) {
            for (Path ref :
                    files.filter(p -> p.toString().endsWith(".png")).sorted().toList()) {
                BufferedImage expected = ImageIO.read(ref.toFile());
                Path mine = kiln.resolve(ref.getFileName());
                BufferedImage actual = Files.exists(mine) ? ImageIO.read(mine.toFile()) : null;
                double share = actual == null ? 1.0 : differingShare(actual, expected);
                total++;
                boolean ok = share <= MAX_DIFFERING_SHARE;
                matching += ok ? 1 : 0;
                System.out.printf(
                        Locale.ROOT, "%s %s %.2f%%%n", ok ? "MATCH" : "DIFF ", ref.getFileName(), share * 100);
            }
        }
        System.out.printf(Locale.ROOT, "TOTAL %d/%d%n", matching, total);
    }

    /** Share of pixels whose largest RGB difference exceeds {@link #CHANNEL_TOLERANCE}; 1 if sizes differ. */
    static double differingShare(BufferedImage a, BufferedImage b) {
        if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
            return 1.0;
        }
        long differing = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                int d = 0;
                for (int shift = 0; shift <= 16; shift += 8) {
                    d = Math.max(d, Math.abs(((p >> shift) & 0xFF) - ((q >> shift) & 0xFF)));
                }
                if (d > CHANNEL_TOLERANCE) {
                    differing++;
                }
            }
        }
        return (double) differing / ((long) a.getWidth() * a.getHeight());
    }

    private static BufferedImage overWhite(BufferedImage src) {
        BufferedImage rgb = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
        var g = rgb.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, src.getWidth(), src.getHeight());
        g.drawImage(src, 0, 0, null);
        g.dispose();
        return rgb;
    }
}
