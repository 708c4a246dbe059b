package dev.kiln.render.scene;

import java.awt.Font;
import java.awt.font.FontRenderContext;
import java.awt.font.LineMetrics;
import java.util.ArrayList;
import java.util.List;

/** Greedy word wrapping into a box, with a line cap and an ellipsis. */
final class TextLayout {
    static final String ELLIPSIS = "…";

    // Identity transform, antialiased, fractional metrics: advances then scale linearly with the device
    // transform, so a layout measured once is valid at any output size.
    private static final FontRenderContext FRC = new FontRenderContext(null, true, true);

    private TextLayout() {}

    /**
     * Laid-out lines.
     *
     * @param lines the text of each line
     * @param widths the advance width of each line
     * @param font the font at the layout size
     * @param lineHeight distance between baselines
     * @param ascent font ascent
     * @param descent font descent
     */
    record Lines(List<String> lines, List<Double> widths, Font font, double lineHeight, double ascent, double descent) {
        Lines {
            lines = List.copyOf(lines);
            widths = List.copyOf(widths);
        }

        double height() {
            return lines.size() * lineHeight;
        }
    }

    /**
     * Lays out {@code text}.
     *
     * @param maxLines the most lines, 0 for no cap
     * @param boxHeight the box height (lines that do not fit are dropped), NaN for unbounded
     */
    static Lines layout(
            String text, Font base, double size, double width, double lineHeight, int maxLines, double boxHeight) {
        Font font = base.deriveFont((float) size);
        double lh = size * lineHeight;
        int cap = maxLines > 0 ? maxLines : Integer.MAX_VALUE;
        if (!Double.isNaN(boxHeight) && lh > 0) {
            cap = Math.min(cap, Math.max(1, (int) Math.floor(boxHeight / lh + 1e-9)));
        }
        List<String> lines = new ArrayList<>();
        boolean truncated = wrap(text, font, width, cap, lines);
        if (truncated) {
            int last = lines.size() - 1;
            lines.set(last, ellipsize(lines.get(last), font, width));
        }
        List<Double> widths = new ArrayList<>(lines.size());
        for (String line : lines) {
            widths.add(measure(font, line));
        }
        LineMetrics m = font.getLineMetrics("Hg", FRC);
        return new Lines(lines, widths, font, lh, m.getAscent(), m.getDescent());
    }

    /**
     * Wraps into {@code out}; returns true when text was left over after {@code cap} lines.
     *
     * <p>Widths are summed from word and character advances (Java2D does not kern by default, so a string's
     * advance is the sum of its parts): each character is measured a bounded number of times, keeping
     * layout linear even for a 10,000-char word in a 1-px box.
     */
    private static boolean wrap(String text, Font font, double width, int cap, List<String> out) {
        double space = measure(font, " ");
        String[] paragraphs = text.split("\n", -1);
        for (int p = 0; p < paragraphs.length; p++) {
            String para = paragraphs[p];
            StringBuilder line = new StringBuilder();
            double lineWidth = 0;
            int i = 0;
            int n = para.length();
            while (i < n) {
                int start = i;
                while (i < n && para.charAt(i) != ' ') {
                    i++;
                }
                String word = para.substring(start, i);
                while (i < n && para.charAt(i) == ' ') {
                    i++;
                }
                if (word.isEmpty()) {
                    continue;
                }
                double wordWidth = measure(font, word);
                double candidate = line.isEmpty() ? wordWidth : lineWidth + space + wordWidth;
                if (candidate <= width) {
                    if (!line.isEmpty()) {
                        line.append(' ');
                    }
                    line.append(word);
                    lineWidth = candidate;
                    continue;
                }
                if (!line.isEmpty()) {
                    if (out.size() == cap) {
                        return true;
                    }
                    out.add(line.toString());
                    line.setLength(0);
                }
                if (wordWidth > width) {
                    // A word wider than the box is broken between characters (never inside a surrogate pair).
                    int from = 0;
                    double acc = 0;
                    for (int c = 0; c < word.length(); ) {
                        int len = Character.charCount(word.codePointAt(c));
                        double a = font.getStringBounds(word, c, c + len, FRC).getWidth();
                        if (acc + a > width && c > from) {
                            if (out.size() == cap) {
                                return true;
                            }
                            out.add(word.substring(from, c));
                            from = c;
                            acc = 0;
                        }
                        acc += a;
                        c += len;
                    }
                    word = word.substring(from);
                    wordWidth = acc;
                }
                line.append(word);
                lineWidth = wordWidth;
            }
            if (out.size() == cap) {
                return !line.isEmpty() || p < paragraphs.length - 1;
            }
            out.add(line.toString());
        }
        return false;
    }

    private static String ellipsize(String line, Font font, double width) {
        double ellipsis = measure(font, ELLIPSIS);
        int end = line.stripTrailing().length();
        double w = measure(font, line.substring(0, end));
        while (end > 0 && w + ellipsis > width) {
            int cut = end - 1;
            if (cut > 0 && Character.isLowSurrogate(line.charAt(cut))) {
                cut--;
            }
            w -= font.getStringBounds(line, cut, end, FRC).getWidth();
            end = cut;
            while (end > 0 && line.charAt(end - 1) == ' ') {
                w -= font.getStringBounds(line, end - 1, end, FRC).getWidth();
                end--;
            }
        }
        return line.substring(0, end) + ELLIPSIS;
    }

    static double measure(Font font, String s) {
        return s.isEmpty() ? 0 : font.getStringBounds(s, FRC).getWidth();
    }
}
