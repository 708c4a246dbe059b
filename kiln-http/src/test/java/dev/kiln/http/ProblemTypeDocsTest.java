package dev.kiln.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every {@link ProblemType} is a row of docs/api.md's problem table with its status, and the table names no type the
 * server does not send. Issue 10 regression: {@code bad-request} was sent but not documented.
 */
class ProblemTypeDocsTest {
    static final Path DOCS = Path.of("..", "docs", "api.md");
    static final Pattern SLUG = Pattern.compile("`([a-z-]+)`");

    /** One row: the status cell and the slugs of the type cell. */
    record Row(String status, List<String> slugs) {}

    @Test
    void everyProblemTypeIsDocumentedWithItsStatus() throws IOException {
        List<Row> rows = problemTable();
        for (ProblemType type : ProblemType.values()) {
            assertThat(rows)
                    .as("docs/api.md documents %s with status %d", type.slug(), type.status())
                    .anySatisfy(r -> {
                        assertThat(r.slugs()).contains(type.slug());
                        assertThat(r.status()).contains(Integer.toString(type.status()));
                    });
        }
    }

    @Test
    void theDocsNameNoProblemTypeThatDoesNotExist() throws IOException {
        List<String> known =
                Arrays.stream(ProblemType.values()).map(ProblemType::slug).toList();
        assertThat(problemTable()).isNotEmpty().allSatisfy(r -> assertThat(known)
                .containsAll(r.slugs()));
    }

    @Test
    void slugsAndUrisAreUniqueAndEachTypeAllowsItsOwnStatus() {
        assertThat(Arrays.stream(ProblemType.values()).map(ProblemType::uri)).doesNotHaveDuplicates();
        for (ProblemType type : ProblemType.values()) {
            assertThat(type.allows(type.status())).as(type.slug()).isTrue();
            assertThat(type.uri()).isEqualTo("urn:kiln:problem:" + type.slug());
        }
        assertThat(ProblemType.VALIDATION.allows(400)).isTrue();
        assertThat(ProblemType.NOT_FOUND.allows(400)).isFalse();
    }

    private static List<Row> problemTable() throws IOException {
        List<String> lines = Files.readAllLines(DOCS);
        int i = lines.indexOf("| status | type | when |");
        assertThat(i).as("docs/api.md has the problem table").isNotNegative();
        List<Row> rows = new ArrayList<>();
        for (i += 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String[] cells = lines.get(i).split("\\|");
            List<String> slugs = new ArrayList<>();
            Matcher m = SLUG.matcher(cells[2]);
            while (m.find()) {
                slugs.add(m.group(1));
            }
            rows.add(new Row(cells[1].strip(), slugs));
        }
        return rows;
    }
}
