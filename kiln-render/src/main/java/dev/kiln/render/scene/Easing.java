package dev.kiln.render.scene;

/**
 * A keyframe easing: maps linear progress 0..1 within a segment to eased progress.
 *
 * @param kind the named curve
 * @param x1 first control point x (cubic Bézier only)
 * @param y1 first control point y
 * @param x2 second control point x
 * @param y2 second control point y
 */
record Easing(Kind kind, double x1, double y1, double x2, double y2) {
    enum Kind {
        LINEAR,
        STEP,
        BEZIER
    }

    static final Easing LINEAR = new Easing(Kind.LINEAR, 0, 0, 1, 1);
    static final Easing STEP = new Easing(Kind.STEP, 0, 0, 1, 1);
    // The CSS named curves, so values match what designers see in browsers.
    static final Easing EASE_IN = new Easing(Kind.BEZIER, 0.42, 0, 1, 1);
    static final Easing EASE_OUT = new Easing(Kind.BEZIER, 0, 0, 0.58, 1);
    static final Easing EASE_IN_OUT = new Easing(Kind.BEZIER, 0.42, 0, 0.58, 1);

    static Easing bezier(double x1, double y1, double x2, double y2) {
        return new Easing(Kind.BEZIER, x1, y1, x2, y2);
    }

    /** Eased progress for linear progress {@code p} in [0, 1]. */
    double apply(double p) {
        return switch (kind) {
            case LINEAR -> p;
            case STEP -> p >= 1 ? 1 : 0;
            case BEZIER -> solve(p);
        };
    }

    private double solve(double x) {
        if (x <= 0) {
            return 0;
        }
        if (x >= 1) {
            return 1;
        }
        // Newton first (fast when the slope is healthy), bisection as the guaranteed fallback.
        double u = x;
        for (int i = 0; i < 8; i++) {
            double err = curve(u, x1, x2) - x;
            if (Math.abs(err) < 1e-7) {
                return curve(u, y1, y2);
            }
            double d = slope(u, x1, x2);
            if (Math.abs(d) < 1e-6) {
                break;
            }
            u -= err / d;
        }
        double lo = 0;
        double hi = 1;
        u = x;
        for (int i = 0; i < 60; i++) {
            double cx = curve(u, x1, x2);
            if (Math.abs(cx - x) < 1e-7) {
                break;
            }
            if (cx < x) {
                lo = u;
            } else {
                hi = u;
            }
            u = (lo + hi) / 2;
        }
        return curve(u, y1, y2);
    }

    private static double curve(double u, double p1, double p2) {
        double v = 1 - u;
        return 3 * v * v * u * p1 + 3 * v * u * u * p2 + u * u * u;
    }

    private static double slope(double u, double p1, double p2) {
        double v = 1 - u;
        return 3 * v * v * p1 + 6 * v * u * (p2 - p1) + 3 * u * u * (1 - p2);
    }
}
