package dev.kiln.render.scene;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/** Sample Kiln scene documents (JSON strings) for tests and benchmarks in any module. */
public final class SampleScenes {
    private SampleScenes() {}

    // Declared first: the feature scenes below embed it, and static fields initialise in order.
    /** A 64×32 PNG data URI: red left half, blue right half, a yellow bar across the middle. */
    public static final String TEST_PNG = testPng();

    /** A 1200×630 social card: gradient background, rounded rects with a shadow, text, a path and an ellipse. */
    public static final String REFERENCE_CARD = """
            {"type":"scene","width":1200,"height":630,
             "background":{"type":"linear","from":[0,0],"to":[1,1],
               "stops":[{"offset":0,"color":"#0b1020"},{"offset":1,"color":"#1e3a8a"}]},
             "layers":[
              {"type":"ellipse","x":820,"y":-160,"width":560,"height":560,
               "fill":{"type":"radial","stops":[{"offset":0,"color":"#f97316cc"},{"offset":1,"color":"#f9731600"}]}},
              {"type":"rect","x":60,"y":60,"width":1080,"height":510,"radius":32,"fill":"#ffffff14",
               "stroke":{"color":"#ffffff33","width":2},"shadow":{"dx":0,"dy":12,"blur":32,"color":"#00000080"}},
              {"type":"path","x":110,"y":110,
               "d":"M40 0 C52 22 72 34 72 60 A32 32 0 0 1 8 60 C8 44 18 36 24 24 C28 36 34 40 40 44 C44 30 44 14 40 0 Z",
               "fill":{"type":"linear","from":[0,0],"to":[0,1],
                 "stops":[{"offset":0,"color":"#fbbf24"},{"offset":1,"color":"#ea580c"}]}},
              {"type":"text","x":200,"y":118,"width":600,"text":"Kiln","fontSize":44,"fontWeight":700,"color":"#ffffff"},
              {"type":"text","x":110,"y":240,"width":900,"height":190,"maxLines":2,"lineHeight":1.15,
               "text":"Render scenes, SVG and Lottie to pixels at the edge, with budgets that hold under load",
               "fontSize":64,"fontWeight":700,"color":"#f8fafc"},
              {"type":"rect","x":110,"y":470,"width":220,"height":56,"radius":28,"fill":"#f97316"},
              {"type":"text","x":110,"y":483,"width":220,"text":"kiln.dev","fontSize":24,"fontWeight":700,
               "align":"center","color":"#0b1020"},
              {"type":"text","x":360,"y":485,"width":740,"text":"1200 × 630 · scene JSON","fontSize":22,
               "align":"right","color":"#cbd5e1"}
             ]}
            """;

    /** Small per-feature scenes (300×160), each also a golden image under {@code golden/scene/<name>.png}. */
    public static final Map<String, String> FEATURES = features();

    /** An animated scene (1 s at 30 fps): a square moves right, turns, fades and changes colour. */
    public static final String ANIMATED = """
            {"type":"scene","width":300,"height":160,"background":"#f1f5f9","duration":1000,"fps":30,
             "layers":[
              {"type":"rect","x":20,"y":50,"width":60,"height":60,"radius":8,"fill":"#2563eb",
               "animations":[
                 {"property":"x","keyframes":[{"t":0,"value":20,"easing":"easeInOut"},{"t":1000,"value":220}]},
                 {"property":"rotation","keyframes":[{"t":0,"value":0},{"t":1000,"value":90}]},
                 {"property":"fill","keyframes":[{"t":0,"value":"#2563eb"},{"t":1000,"value":"#dc2626"}]},
                 {"property":"opacity","keyframes":[{"t":0,"value":1,"easing":"step"},{"t":500,"value":0.5},
                   {"t":1000,"value":0.5}]}]},
              {"type":"text","x":10,"y":10,"width":280,"text":"Kiln","fontSize":14,"color":"#334155",
               "animations":[{"property":"fontSize","keyframes":[{"t":0,"value":14},
                 {"t":1000,"value":28,"easing":{"cubicBezier":[0.4,0,0.2,1]}}]}]}
             ]}
            """;

    /** Distinct small scenes for concurrency tests: every feature scene plus the animated one. */
    public static List<String> distinctSmallScenes() {
        return java.util.stream.Stream.concat(FEATURES.values().stream(), java.util.stream.Stream.of(ANIMATED))
                .toList();
    }

    private static Map<String, String> features() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("rect-radius", scene("\"#ffffff\"", """
                        {"type":"rect","x":20,"y":20,"width":120,"height":120,"fill":"#0ea5e9"},
                        {"type":"rect","x":160,"y":20,"width":120,"height":120,"radius":30,"fill":"#f43f5e"}
                        """));
        m.put("ellipse", scene("\"#ffffff\"", """
                        {"type":"ellipse","x":20,"y":20,"width":120,"height":120,"fill":"#22c55e"},
                        {"type":"ellipse","x":160,"y":40,"width":120,"height":80,"fill":"#a855f7"}
                        """));
        m.put("path", scene("\"#ffffff\"", """
                        {"type":"path","d":"M20 140 L80 20 L140 140 Z","fill":"#f59e0b"},
                        {"type":"path","x":160,"y":0,
                         "d":"m0 40 q30 -40 60 0 t60 0 M0 80 c20 -30 40 30 60 0 s40 30 60 0",
                         "stroke":{"color":"#1e293b","width":3}},
                        {"type":"path","d":"M160 150 A 30 30 0 0 1 220 150 Z","fill":"#7c3aed"},
                        {"type":"path","x":250,"y":110,"fillRule":"evenodd","fill":"#0f766e",
                         "d":"M0 0 h40 v40 h-40 z M10 10 h20 v20 h-20 z"}
                        """));
        m.put("text-wrap", scene("\"#ffffff\"", """
                        {"type":"rect","x":10,"y":10,"width":135,"height":140,"fill":"#e2e8f0"},
                        {"type":"text","x":10,"y":10,"width":135,"fontSize":15,"color":"#0f172a",
                         "text":"Left aligned text that wraps onto several lines inside its box"},
                        {"type":"rect","x":155,"y":10,"width":135,"height":66,"fill":"#e2e8f0"},
                        {"type":"text","x":155,"y":10,"width":135,"fontSize":15,"align":"center","maxLines":2,
                         "fontWeight":700,"color":"#be123c",
                         "text":"Centred bold text cut after two lines with an ellipsis at the end"},
                        {"type":"rect","x":155,"y":84,"width":135,"height":66,"fill":"#e2e8f0"},
                        {"type":"text","x":155,"y":84,"width":135,"height":66,"fontSize":15,"align":"right",
                         "lineHeight":1.5,"color":"#1d4ed8",
                         "text":"Right aligned in a box whose height cuts the third line off"}
                        """));
        m.put("image-fit", scene("\"#cbd5e1\"", """
                        {"type":"image","x":20,"y":20,"width":120,"height":120,"fit":"cover","src":"%s"},
                        {"type":"image","x":160,"y":20,"width":120,"height":120,"fit":"contain","src":"%s"}
                        """.formatted(TEST_PNG, TEST_PNG)));
        m.put("group-transform-opacity", scene("\"#ffffff\"", """
                        {"type":"group","opacity":0.5,"transform":{"translate":[150,80],"rotate":30,"scale":1.2},
                         "layers":[
                          {"type":"rect","x":-60,"y":-30,"width":80,"height":60,"fill":"#dc2626"},
                          {"type":"rect","x":-20,"y":-30,"width":80,"height":60,"fill":"#2563eb"}]},
                        {"type":"group","transform":{"translate":[10,10],"scale":[0.5,1]},
                         "layers":[{"type":"ellipse","x":0,"y":0,"width":60,"height":60,"fill":"#16a34a"}]}
                        """));
        m.put(
                "gradients",
                scene(
                        "{\"type\":\"linear\",\"from\":[0,0],\"to\":[1,0],\"stops\":[{\"offset\":0,\"color\":\"#fde68a\"},{\"offset\":1,\"color\":\"#fca5a5\"}]}",
                        """
                        {"type":"rect","x":20,"y":20,"width":120,"height":120,"radius":12,
                         "fill":{"type":"linear","from":[0,0],"to":[0,1],"stops":[
                           {"offset":0,"color":"#1d4ed8"},{"offset":0.5,"color":"#9333ea"},{"offset":1,"color":"#db2777"}]}},
                        {"type":"ellipse","x":160,"y":20,"width":120,"height":120,
                         "fill":{"type":"radial","center":[0.35,0.35],"radius":0.7,"stops":[
                           {"offset":0,"color":"#ffffff"},{"offset":1,"color":"#0f766e"}]}}
                        """));
        m.put("stroke", scene("\"#ffffff\"", """
                        {"type":"rect","x":20,"y":20,"width":120,"height":120,"radius":16,
                         "stroke":{"color":"#0f172a","width":6}},
                        {"type":"ellipse","x":160,"y":20,"width":120,"height":120,"fill":"#fef3c7",
                         "stroke":{"color":"#d97706","width":4,"dash":[12,6]}}
                        """));
        m.put("shadow", scene("\"#f8fafc\"", """
                        {"type":"rect","x":30,"y":30,"width":100,"height":90,"radius":12,"fill":"#ffffff",
                         "shadow":{"dx":6,"dy":8,"blur":20,"color":"rgba(15,23,42,0.6)"}},
                        {"type":"text","x":160,"y":50,"width":130,"text":"Shadow","fontSize":26,"fontWeight":700,
                         "color":"#0ea5e9","shadow":{"dx":2,"dy":3,"blur":4,"color":"#00000099"}}
                        """));
        m.put("opacity", scene("\"#ffffff\"", """
                        {"type":"rect","x":20,"y":20,"width":260,"height":40,"fill":"#0f172a"},
                        {"type":"ellipse","x":40,"y":10,"width":100,"height":100,"fill":"#ef4444","opacity":0.7},
                        {"type":"ellipse","x":100,"y":40,"width":100,"height":100,"fill":"#3b82f6","opacity":0.5},
                        {"type":"rect","x":200,"y":50,"width":80,"height":80,"fill":"#22c55e","opacity":0.25,
                         "rotation":45}
                        """));
        return java.util.Collections.unmodifiableMap(m);
    }

    private static String scene(String background, String layers) {
        return "{\"type\":\"scene\",\"width\":300,\"height\":160,\"background\":" + background + ",\"layers\":["
                + layers + "]}";
    }

    private static String testPng() {
        BufferedImage img = new BufferedImage(64, 32, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(new Color(0xdc2626));
            g.fillRect(0, 0, 32, 32);
            g.setColor(new Color(0x2563eb));
            g.fillRect(32, 0, 32, 32);
            g.setColor(new Color(0xfacc15));
            g.fillRect(0, 12, 64, 8);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(out.toByteArray());
    }
}
