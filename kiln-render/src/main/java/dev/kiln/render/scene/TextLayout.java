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

    /** Wraps into {@code out}; returns true when text was left over after {@code cap} lines. */
    private static boolean wrap(String text, Font font, double width, int cap, List<String> out) {
        String[] paragraphs = text.split("\n", -1);
        for (int p = 0; p < paragraphs.length; p++) {
            String para = paragraphs[p];
            StringBuilder line = new StringBuilder();
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
                String candidate = line.isEmpty() ? word : line + " " + word;
                if (measure(font, candidate) <= width) {
                    line.setLength(0);
                    line.append(candidate);
                    continue;
                }
                if (!line.isEmpty()) {
                    if (out.size() == cap) {
                        return true;
                    }
                    out.add(line.toString());
                    line.setLength(0);
                }
                // A word wider than the box is broken between characters.
                while (measure(font, word) > width && word.length() > 1) {
                    int fit = fitChars(font, word, width);
                    if (out.size() == cap) {
                        return true;
                    }
                    out.add(word.substring(0, fit));
                    word = word.substring(fit);
                }
                line.append(word);
            }
            if (out.size() == cap) {
                return !line.isEmpty() || p < paragraphs.length - 1;
            }
            out.add(line.toString());
        }
        return false;
    }

    private static int fitChars(Font font, String word, double width) {
        int lo = 1;
        int hi = word.length() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (measure(font, word.substring(0, mid)) <= width) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        // Never split a surrogate pair.
        if (lo < word.length() && Character.isLowSurrogate(word.charAt(lo)) && lo > 1) {
            lo--;
        }
        return lo;
    }

    private static String ellipsize(String line, Font font, double width) {
        String s = line.stripTrailing();
        while (!s.isEmpty() && measure(font, s + ELLIPSIS) > width) {
            int cut = s.length() - 1;
            if (cut > 0 && Character.isLowSurrogate(s.charAt(cut))) {
                cut--;
            }
            s = s.substring(0, cut).stripTrailing();
        }
        return s + ELLIPSIS;
    }

    static double measure(Font font, String s) {
        return s.isEmpty() ? 0 : font.getStringBounds(s, FRC).getWidth();
    }
}
