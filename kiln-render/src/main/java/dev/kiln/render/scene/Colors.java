package dev.kiln.render.scene;

import java.awt.Color;
import java.util.Locale;

/** Parses the scene colour syntax: {@code #rgb}, {@code #rgba}, {@code #rrggbb}, {@code #rrggbbaa}, {@code rgb()}, {@code rgba()}. */
final class Colors {
    static final String EXPECTED =
            "a colour: #rgb, #rgba, #rrggbb, #rrggbbaa, rgb(r,g,b), rgba(r,g,b,a) or 'transparent'";

    private Colors() {}

    /** Returns the colour, or null when {@code s} is not a valid colour. */
    static Color parse(String s) {
        if (s == null || s.length() > 64) {
            return null;
        }
        String c = s.trim().toLowerCase(Locale.ROOT);
        if (c.equals("transparent")) {
            return new Color(0, 0, 0, 0);
        }
        if (c.startsWith("#")) {
            return hex(c.substring(1));
        }
        if (c.startsWith("rgba(") && c.endsWith(")")) {
            return functional(c.substring(5, c.length() - 1), true);
        }
        if (c.startsWith("rgb(") && c.endsWith(")")) {
            return functional(c.substring(4, c.length() - 1), false);
        }
        return null;
    }

    private static Color hex(String h) {
        for (int i = 0; i < h.length(); i++) {
            if (Character.digit(h.charAt(i), 16) < 0) {
                return null;
            }
        }
        return switch (h.length()) {
            case 3, 4 -> {
                int r = Character.digit(h.charAt(0), 16) * 17;
                int g = Character.digit(h.charAt(1), 16) * 17;
                int b = Character.digit(h.charAt(2), 16) * 17;
                int a = h.length() == 4 ? Character.digit(h.charAt(3), 16) * 17 : 255;
                yield new Color(r, g, b, a);
            }
            case 6, 8 -> {
                int r = Integer.parseInt(h.substring(0, 2), 16);
                int g = Integer.parseInt(h.substring(2, 4), 16);
                int b = Integer.parseInt(h.substring(4, 6), 16);
                int a = h.length() == 8 ? Integer.parseInt(h.substring(6, 8), 16) : 255;
                yield new Color(r, g, b, a);
            }
            default -> null;
        };
    }

    private static Color functional(String body, boolean withAlpha) {
        String[] parts = body.split(",", -1);
        if (parts.length != (withAlpha ? 4 : 3)) {
            return null;
        }
        int[] rgb = new int[3];
        try {
            for (int i = 0; i < 3; i++) {
                int v = Integer.parseInt(parts[i].trim());
                if (v < 0 || v > 255) {
                    return null;
                }
                rgb[i] = v;
            }
            int a = 255;
            if (withAlpha) {
                double alpha = Double.parseDouble(parts[3].trim());
                if (!(alpha >= 0 && alpha <= 1)) {
                    return null;
                }
                a = (int) Math.round(alpha * 255);
            }
            return new Color(rgb[0], rgb[1], rgb[2], a);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Linear interpolation of each RGBA channel. */
    static Color mix(Color a, Color b, double f) {
        return new Color(
                channel(a.getRed(), b.getRed(), f),
                channel(a.getGreen(), b.getGreen(), f),
                channel(a.getBlue(), b.getBlue(), f),
                channel(a.getAlpha(), b.getAlpha(), f));
    }

    private static int channel(int a, int b, double f) {
        return (int) Math.max(0, Math.min(255, Math.round(a + (b - a) * f)));
    }
}
