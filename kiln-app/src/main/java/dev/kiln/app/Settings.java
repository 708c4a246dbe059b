package dev.kiln.app;

import dev.kiln.ops.Durations;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The {@code KILN_*} values given: environment variables over an optional properties file. Typed getters read a
 * {@link Setting} by its type and default, and fail with a {@link ConfigException} that names the setting.
 */
final class Settings {
    /** Environment variable naming a properties file whose keys are the same {@code KILN_*} names. */
    static final String CONFIG_FILE = Setting.KILN_CONFIG_FILE.name();

    private final Map<String, String> values;

    Settings(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /** Reads {@code KILN_CONFIG_FILE} (if set) and then the environment, which wins. */
    static Settings load(Map<String, String> env) {
        Map<String, String> merged = new HashMap<>();
        String file = env.get(CONFIG_FILE);
        if (file != null && !file.isBlank()) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(Path.of(file))) {
                p.load(r);
            } catch (IOException e) {
                throw new ConfigException(CONFIG_FILE + "=" + file + " cannot be read: " + e.getMessage());
            }
            for (String name : p.stringPropertyNames()) {
                if (!name.startsWith("KILN_")) {
                    throw new ConfigException(
                            "unknown setting '" + name + "' in " + file + " (settings start with KILN_)");
                }
                merged.put(name, p.getProperty(name).strip());
            }
        }
        env.forEach((k, v) -> {
            if (k.startsWith("KILN_")) {
                merged.put(k, v.strip());
            }
        });
        return new Settings(merged);
    }

    /** The {@code KILN_*} names given that nothing reads, sorted. */
    java.util.List<String> unknownNames() {
        return values.keySet().stream()
                .filter(n -> !Setting.isKnown(n))
                .sorted()
                .toList();
    }

    Settings with(Setting setting, String value) {
        Map<String, String> copy = new HashMap<>(values);
        copy.put(setting.name(), value);
        return new Settings(copy);
    }

    /** The value given for {@code setting}, if any (empty counts as not given). */
    Optional<String> raw(Setting setting) {
        String v = values.get(setting.name());
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    /** A {@link Setting.Type#TEXT} setting, else its default. */
    String string(Setting setting) {
        return string(setting, setting.defaultValue(String.class));
    }

    /** A {@link Setting.Type#TEXT} setting whose default is computed. */
    String string(Setting setting, String computedDefault) {
        expect(setting, Setting.Type.TEXT);
        return raw(setting).orElse(computedDefault);
    }

    /** An {@link Setting.Type#INTEGER} setting that fits an {@code int}, else its default. */
    int integer(Setting setting) {
        return integer(setting, setting.defaultValue(Number.class).intValue());
    }

    /** An {@link Setting.Type#INTEGER} setting that fits an {@code int}, whose default is computed. */
    int integer(Setting setting, int computedDefault) {
        long v = longValue(setting, computedDefault);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new ConfigException(setting.name() + " must be an integer, was '" + v + "'");
        }
        return (int) v;
    }

    /** An {@link Setting.Type#INTEGER} setting, else its default. */
    long longValue(Setting setting) {
        return longValue(setting, setting.defaultValue(Number.class).longValue());
    }

    /** An {@link Setting.Type#INTEGER} setting whose default is computed. */
    long longValue(Setting setting, long computedDefault) {
        expect(setting, Setting.Type.INTEGER);
        return raw(setting)
                .map(v -> {
                    try {
                        return Long.parseLong(v);
                    } catch (NumberFormatException e) {
                        throw new ConfigException(setting.name() + " must be an integer, was '" + v + "'");
                    }
                })
                .orElse(computedDefault);
    }

    /** A {@link Setting.Type#DURATION} setting, read by {@link Durations#parse} (never negative), else its default. */
    Duration duration(Setting setting) {
        expect(setting, Setting.Type.DURATION);
        return raw(setting).map(v -> parseDuration(setting, v)).orElse(setting.defaultValue(Duration.class));
    }

    static Duration parseDuration(Setting setting, String v) {
        try {
            return Durations.parse(setting.name(), v);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    private static void expect(Setting setting, Setting.Type type) {
        if (setting.type() != type) {
            throw new IllegalStateException(setting.name() + " is " + setting.type() + ", not " + type);
        }
    }
}
