package dev.kiln.render.scene;

import java.awt.geom.Path2D;

/** Parses SVG path data ({@code d}): M L H V C S Q T A Z, absolute and relative. */
final class PathData {
    /** Longest accepted {@code d}, in chars. */
    static final int MAX_LENGTH = 100_000;
    /** Most accepted path segments. */
    static final int MAX_SEGMENTS = 20_000;

    /** Thrown with a message that says where the data went wrong. */
    static final class PathSyntaxException extends Exception {
        PathSyntaxException(String message) {
            super(message, null, false, false);
        }
    }

    private final String d;
    private int pos;
    private int segments;

    private PathData(String d) {
        this.d = d;
    }

    /** Parses {@code d}; the result is never mutated afterwards. */
    static Path2D.Double parse(String d) throws PathSyntaxException {
        if (d.length() > MAX_LENGTH) {
            throw new PathSyntaxException("path data is longer than " + MAX_LENGTH + " chars");
        }
        return new PathData(d).run();
    }

    private Path2D.Double run() throws PathSyntaxException {
        Path2D.Double p = new Path2D.Double();
        double cx = 0;
        double cy = 0; // current point
        double sx = 0;
        double sy = 0; // subpath start
        double lcx = 0;
        double lcy = 0; // last control point, for S and T
        char prev = ' ';
        char cmd = ' ';
        skipSpace();
        if (pos >= d.length()) {
            throw new PathSyntaxException("path data is empty");
        }
        while (true) {
            skipSpace();
            if (pos >= d.length()) {
                break;
            }
            char c = d.charAt(pos);
            if (Character.isLetter(c)) {
                cmd = c;
                pos++;
            } else if (cmd == ' ') {
                throw new PathSyntaxException("path data must start with a moveto (M or m) at char " + pos);
            } else if (cmd == 'M') {
                cmd = 'L'; // extra coordinate pairs after a moveto are implicit linetos
            } else if (cmd == 'm') {
                cmd = 'l';
            } else if (cmd == 'Z' || cmd == 'z') {
                throw new PathSyntaxException("unexpected number after Z at char " + pos);
            }
            if (prev == ' ' && cmd != 'M' && cmd != 'm') {
                throw new PathSyntaxException("path data must start with a moveto (M or m)");
            }
            if (++segments > MAX_SEGMENTS) {
                throw new PathSyntaxException("path has more than " + MAX_SEGMENTS + " segments");
            }
            boolean rel = Character.isLowerCase(cmd);
            double ox = rel ? cx : 0;
            double oy = rel ? cy : 0;
            switch (Character.toUpperCase(cmd)) {
                case 'M' -> {
                    cx = ox + number();
                    cy = oy + number();
                    sx = cx;
                    sy = cy;
                    p.moveTo(cx, cy);
                    lcx = cx;
                    lcy = cy;
                }
                case 'L' -> {
                    cx = ox + number();
                    cy = oy + number();
                    p.lineTo(cx, cy);
                    lcx = cx;
                    lcy = cy;
                }
                case 'H' -> {
                    cx = ox + number();
                    p.lineTo(cx, cy);
                    lcx = cx;
                    lcy = cy;
                }
                case 'V' -> {
                    cy = oy + number();
                    p.lineTo(cx, cy);
                    lcx = cx;
                    lcy = cy;
                }
                case 'C' -> {
                    double x1 = ox + number();
                    double y1 = oy + number();
                    double x2 = ox + number();
                    double y2 = oy + number();
                    cx = ox + number();
                    cy = oy + number();
                    p.curveTo(x1, y1, x2, y2, cx, cy);
                    lcx = x2;
                    lcy = y2;
                }
                case 'S' -> {
                    boolean smooth = "CcSs".indexOf(prev) >= 0;
                    double x1 = smooth ? 2 * cx - lcx : cx;
                    double y1 = smooth ? 2 * cy - lcy : cy;
                    double x2 = ox + number();
                    double y2 = oy + number();
                    cx = ox + number();
                    cy = oy + number();
                    p.curveTo(x1, y1, x2, y2, cx, cy);
                    lcx = x2;
                    lcy = y2;
                }
                case 'Q' -> {
                    double x1 = ox + number();
                    double y1 = oy + number();
                    cx = ox + number();
                    cy = oy + number();
                    p.quadTo(x1, y1, cx, cy);
                    lcx = x1;
                    lcy = y1;
                }
                case 'T' -> {
                    boolean smooth = "QqTt".indexOf(prev) >= 0;
                    double x1 = smooth ? 2 * cx - lcx : cx;
                    double y1 = smooth ? 2 * cy - lcy : cy;
                    cx = ox + number();
                    cy = oy + number();
                    p.quadTo(x1, y1, cx, cy);
                    lcx = x1;
                    lcy = y1;
                }
                case 'A' -> {
                    double rx = Math.abs(number());
                    double ry = Math.abs(number());
                    double angle = number();
                    boolean large = flag();
                    boolean sweep = flag();
                    double x = ox + number();
                    double y = oy + number();
                    arc(p, cx, cy, rx, ry, angle, large, sweep, x, y);
                    cx = x;
                    cy = y;
                    lcx = cx;
                    lcy = cy;
                }
                case 'Z' -> {
                    p.closePath();
                    cx = sx;
                    cy = sy;
                    lcx = cx;
                    lcy = cy;
                }
                default -> throw new PathSyntaxException("unknown path command '" + cmd + "' at char " + (pos - 1));
            }
            prev = cmd;
        }
        return p;
    }

    private void skipSpace() {
        while (pos < d.length()) {
            char c = d.charAt(pos);
            if (c == ' ' || c == ',' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
                pos++;
            } else {
                break;
            }
        }
    }

    private boolean flag() throws PathSyntaxException {
        skipSpace();
        if (pos < d.length() && (d.charAt(pos) == '0' || d.charAt(pos) == '1')) {
            return d.charAt(pos++) == '1';
        }
        throw new PathSyntaxException("expected an arc flag (0 or 1) at char " + pos);
    }

    private double number() throws PathSyntaxException {
        skipSpace();
        int start = pos;
        int n = d.length();
        if (pos < n && (d.charAt(pos) == '+' || d.charAt(pos) == '-')) {
            pos++;
        }
        boolean digits = false;
        while (pos < n && Character.isDigit(d.charAt(pos))) {
            pos++;
            digits = true;
        }
        if (pos < n && d.charAt(pos) == '.') {
            pos++;
            while (pos < n && Character.isDigit(d.charAt(pos))) {
                pos++;
                digits = true;
            }
        }
        if (!digits) {
            throw new PathSyntaxException("expected a number at char " + start);
        }
        if (pos < n && (d.charAt(pos) == 'e' || d.charAt(pos) == 'E')) {
            int save = pos;
            pos++;
            if (pos < n && (d.charAt(pos) == '+' || d.charAt(pos) == '-')) {
                pos++;
            }
            int expStart = pos;
            while (pos < n && Character.isDigit(d.charAt(pos))) {
                pos++;
            }
            if (pos == expStart) {
                pos = save;
            }
        }
        double v = Double.parseDouble(d.substring(start, pos));
        if (!Double.isFinite(v) || Math.abs(v) > 1e7) {
            throw new PathSyntaxException("number out of range (|n| ≤ 1e7) at char " + start);
        }
        return v;
    }

    /** SVG arc (endpoint parameterisation) as cubic Béziers, per SVG 1.1 appendix F.6. */
    private static void arc(
            Path2D p,
            double x0,
            double y0,
            double rx,
            double ry,
            double angleDeg,
            boolean large,
            boolean sweep,
            double x,
            double y) {
        if (x0 == x && y0 == y) {
            return;
        }
        if (rx == 0 || ry == 0) {
            p.lineTo(x, y);
            return;
        }
        double phi = Math.toRadians(angleDeg % 360);
        double cos = Math.cos(phi);
        double sin = Math.sin(phi);
        double dx2 = (x0 - x) / 2;
        double dy2 = (y0 - y) / 2;
        double x1p = cos * dx2 + sin * dy2;
        double y1p = -sin * dx2 + cos * dy2;
        double lambda = (x1p * x1p) / (rx * rx) + (y1p * y1p) / (ry * ry);
        if (lambda > 1) {
            double s = Math.sqrt(lambda);
            rx *= s;
            ry *= s;
        }
        double num = rx * rx * ry * ry - rx * rx * y1p * y1p - ry * ry * x1p * x1p;
        double den = rx * rx * y1p * y1p + ry * ry * x1p * x1p;
        double coef = Math.sqrt(Math.max(0, num / den)) * (large == sweep ? -1 : 1);
        double cxp = coef * rx * y1p / ry;
        double cyp = -coef * ry * x1p / rx;
        double cx = cos * cxp - sin * cyp + (x0 + x) / 2;
        double cy = sin * cxp + cos * cyp + (y0 + y) / 2;
        double theta1 = angle(1, 0, (x1p - cxp) / rx, (y1p - cyp) / ry);
        double delta = angle((x1p - cxp) / rx, (y1p - cyp) / ry, (-x1p - cxp) / rx, (-y1p - cyp) / ry);
        if (!sweep && delta > 0) {
            delta -= 2 * Math.PI;
        } else if (sweep && delta < 0) {
            delta += 2 * Math.PI;
        }
        int parts = (int) Math.ceil(Math.abs(delta) / (Math.PI / 2) - 1e-9);
        parts = Math.max(1, parts);
        double step = delta / parts;
        double k = 4.0 / 3.0 * Math.tan(step / 4);
        double t = theta1;
        for (int i = 0; i < parts; i++) {
            double c1 = Math.cos(t);
            double s1 = Math.sin(t);
            double c2 = Math.cos(t + step);
            double s2 = Math.sin(t + step);
            double ex1 = c1 - k * s1;
            double ey1 = s1 + k * c1;
            double ex2 = c2 + k * s2;
            double ey2 = s2 - k * c2;
            p.curveTo(
                    cx + rx * cos * ex1 - ry * sin * ey1,
                    cy + rx * sin * ex1 + ry * cos * ey1,
                    cx + rx * cos * ex2 - ry * sin * ey2,
                    cy + rx * sin * ex2 + ry * cos * ey2,
                    i == parts - 1 ? x : cx + rx * cos * c2 - ry * sin * s2,
                    i == parts - 1 ? y : cy + rx * sin * c2 + ry * cos * s2);
            t += step;
        }
    }

    private static double angle(double ux, double uy, double vx, double vy) {
        return Math.atan2(ux * vy - uy * vx, ux * vx + uy * vy);
    }
}
