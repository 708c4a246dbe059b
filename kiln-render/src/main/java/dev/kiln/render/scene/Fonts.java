package dev.kiln.render.scene;

import java.awt.Font;
import java.awt.FontFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The bundled DejaVu Sans faces, loaded once. Scenes never use host fonts, so output does not depend on
 * what the machine has installed; every {@code fontFamily} renders with this family.
 */
final class Fonts {
    /** The family every text layer renders with. */
    static final String FAMILY = "DejaVu Sans";

    private static final Font REGULAR = load("DejaVuSans.ttf");
    private static final Font BOLD = load("DejaVuSans-Bold.ttf");

    private Fonts() {}

    /** The face for a CSS weight: 600 and above is bold. Fonts are immutable, so sharing is safe. */
    static Font forWeight(int weight) {
        return weight >= 600 ? BOLD : REGULAR;
    }

    private static Font load(String file) {
        String resource = "/dev/kiln/render/fonts/" + file;
        try (InputStream in = Fonts.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("bundled font missing from the classpath: " + resource);
            }
            return Font.createFont(Font.TRUETYPE_FONT, in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read bundled font " + resource, e);
        } catch (FontFormatException e) {
            throw new IllegalStateException("bundled font is corrupt: " + resource, e);
        }
    }
}
