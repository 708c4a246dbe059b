package dev.kiln.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md's settings table is {@link Setting#markdownTable()}, line for line: a setting added, renamed
 * or given another default in the table without the docs (or the other way round) fails here. Run with
 * {@code -Dkiln.writeDocs=true} to write the table into the docs.
 */
class ConfigurationDocsTest {
    static final Path DOCS = Path.of("..", "docs", "configuration.md");
    static final String HEADER = "| setting | default | meaning |";

    @Test
    void theDocsTableIsTheSettingsTable() throws IOException {
        List<String> lines = Files.readAllLines(DOCS);
        int start = lines.indexOf(HEADER);
        assertThat(start)
                .as("docs/configuration.md has a settings table starting " + HEADER)
                .isNotNegative();
        int end = start;
        while (end < lines.size() && lines.get(end).startsWith("|")) {
            end++;
        }
        String documented = String.join("\n", lines.subList(start, end)) + "\n";
        String expected = Setting.markdownTable();
        if (Boolean.getBoolean("kiln.writeDocs") && !documented.equals(expected)) {
            List<String> rewritten = new java.util.ArrayList<>(lines.subList(0, start));
            rewritten.addAll(expected.lines().toList());
            rewritten.addAll(lines.subList(end, lines.size()));
            Files.write(DOCS, rewritten);
            return;
        }
        assertThat(documented)
                .as("docs/configuration.md's table drifted from Setting; regenerate it with -Dkiln.writeDocs=true")
                .isEqualTo(expected);
    }
}
