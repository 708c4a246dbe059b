package dev.kiln.render.scene;

import java.awt.Color;
import java.util.List;

/**
 * The keyframes of one animated property, sorted by time.
 *
 * @param prop the animated property
 * @param keyframes at least one, strictly increasing in {@code t}
 */
record Track(Prop prop, List<Keyframe> keyframes) {

    /**
     * One keyframe.
     *
     * @param t time in milliseconds
     * @param number the value of a numeric property
     * @param color the value of a colour property
     * @param easing how the segment from this keyframe to the next progresses
     */
    record Keyframe(double t, double number, Color color, Easing easing) {}

    Track {
        keyframes = List.copyOf(keyframes);
    }

    double number(double t) {
        List<Keyframe> k = keyframes;
        if (t <= k.getFirst().t()) {
            return k.getFirst().number();
        }
        for (int i = 0; i < k.size() - 1; i++) {
            Keyframe a = k.get(i);
            Keyframe b = k.get(i + 1);
            if (t < b.t()) {
                double f = a.easing().apply((t - a.t()) / (b.t() - a.t()));
                return a.number() + (b.number() - a.number()) * f;
            }
        }
        return k.getLast().number();
    }

    Color color(double t) {
        List<Keyframe> k = keyframes;
        if (t <= k.getFirst().t()) {
            return k.getFirst().color();
        }
        for (int i = 0; i < k.size() - 1; i++) {
            Keyframe a = k.get(i);
            Keyframe b = k.get(i + 1);
            if (t < b.t()) {
                double f = a.easing().apply((t - a.t()) / (b.t() - a.t()));
                return Colors.mix(a.color(), b.color(), Math.max(0, Math.min(1, f)));
            }
        }
        return k.getLast().color();
    }
}
