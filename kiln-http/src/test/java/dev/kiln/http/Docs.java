package dev.kiln.http;

/** Request bodies shared by the HTTP tests. */
final class Docs {
    private Docs() {}

    /** A 120×60 solid blue SVG: cheap, and its pixels are known. */
    static final String BLUE_SVG = "<svg xmlns='http://www.w3.org/2000/svg' width='120' height='60'>"
            + "<rect width='120' height='60' fill='#3366ff'/></svg>";

    static String svgRender(String svg, String format) {
        return "{\"document\":{\"type\":\"svg\",\"svg\":" + quote(svg) + "},\"output\":{\"format\":\"" + format
                + "\"}}";
    }

    static String blue(String format) {
        return svgRender(BLUE_SVG, format);
    }

    /** A 1200×630 card, heavy enough (at 2×) that two workers saturate under a burst. */
    static String heavyCard() {
        StringBuilder svg = new StringBuilder("<svg xmlns='http://www.w3.org/2000/svg' width='1200' height='630'>"
                + "<defs><linearGradient id='g' x1='0' y1='0' x2='1' y2='1'>"
                + "<stop offset='0' stop-color='#1d2b64'/><stop offset='1' stop-color='#f8cdda'/></linearGradient></defs>"
                + "<rect width='1200' height='630' fill='url(#g)'/>");
        for (int i = 0; i < 40; i++) {
            svg.append("<circle cx='")
                    .append(30 * i)
                    .append("' cy='")
                    .append(15 * i)
                    .append("' r='120' fill='#ffffff' fill-opacity='0.2'/>");
        }
        svg.append("</svg>");
        return "{\"document\":{\"type\":\"svg\",\"svg\":" + quote(svg.toString())
                + "},\"output\":{\"format\":\"png\",\"width\":2400}}";
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
