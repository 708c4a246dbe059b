package dev.kiln.render.scene;

import java.util.Arrays;
import java.util.Optional;

/** An animatable layer property. */
enum Prop {
    X("x", false),
    Y("y", false),
    WIDTH("width", false),
    HEIGHT("height", false),
    OPACITY("opacity", false),
    ROTATION("rotation", false),
    SCALE("scale", false),
    RADIUS("radius", false),
    FONT_SIZE("fontSize", false),
    FILL("fill", true),
    COLOR("color", true),
    STROKE_COLOR("strokeColor", true);

    final String wireName;
    final boolean colour;

    Prop(String wireName, boolean colour) {
        this.wireName = wireName;
        this.colour = colour;
    }

    static Optional<Prop> fromWireName(String name) {
        return Arrays.stream(values()).filter(p -> p.wireName.equals(name)).findFirst();
    }
}
