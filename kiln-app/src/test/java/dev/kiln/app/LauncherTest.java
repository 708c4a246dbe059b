package dev.kiln.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The {@code ./kiln} launcher's JDK discovery, run as a user would run it. */
class LauncherTest {
    static final Path ROOT = findRoot();

    record Run(int code, String out) {}

    static Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(java.util.stream.Stream.concat(
                                List.of("bash", ROOT.resolve("kiln").toString()).stream(), List.of(args).stream())
                        .toList())
                .redirectErrorStream(true);
        pb.environment().remove("JAVA_HOME");
        pb.environment().put("PATH", "/usr/bin:/bin");
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    @Test
    void failsWithAClearMessageWhenNoJdk25Exists() throws Exception {
        Run r = run(Map.of("KILN_JDK_DIRS", "/nonexistent/*"), "keys", "create", "--name", "x");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("no JDK 25 found").doesNotContain("Exception");
    }

    @Test
    void aJavaHomeThatIsTooOldIsNamedThenSkipped() throws Exception {
        Path fakeJdk = Files.createTempDirectory("fake-jdk");
        Run r = run(Map.of("KILN_JDK_DIRS", "/nonexistent/*", "JAVA_HOME", fakeJdk.toString()), "test");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("JAVA_HOME=" + fakeJdk).contains("is not a JDK 25+");
    }

    @Test
    void helpNeedsNoJdk() throws Exception {
        Run r = run(Map.of("KILN_JDK_DIRS", "/nonexistent/*"), "help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("./kiln up").contains("./kiln test");
    }

    private static Path findRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("kiln"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the repository root (the kiln launcher)");
        }
        return p;
    }
}
