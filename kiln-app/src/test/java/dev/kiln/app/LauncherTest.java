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

    /** Issue 10: {@code ./kiln up} right after {@code ./kiln test} built everything again. */
    @Test
    void upRightAfterTestDoesNotBuildAgain() throws Exception {
        Path repo = Files.createTempDirectory("kiln-launcher");
        Files.copy(ROOT.resolve("kiln"), repo.resolve("kiln"));
        Path log = repo.resolve("mvn.log");
        // A stand-in for the Maven wrapper: logs its goals and leaves what a real package/verify leaves.
        Files.writeString(
                repo.resolve("mvnw"),
                "#!/usr/bin/env bash\n"
                        + "echo \"${@: -1}\" >> " + log + "\n"
                        + "mkdir -p " + repo.resolve("kiln-app/target/lib") + "\n"
                        + "touch " + repo.resolve("kiln-app/target/kiln-app-0.1.0-SNAPSHOT.jar") + "\n");
        repo.resolve("mvnw").toFile().setExecutable(true);
        Files.writeString(repo.resolve("pom.xml"), "<project/>");
        Path source = repo.resolve("kiln-x/src/main/java/X.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "class X {}");
        // Sources older than the run, as in a checkout.
        java.nio.file.attribute.FileTime old =
                java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 60_000);
        Files.setLastModifiedTime(source, old);
        Files.setLastModifiedTime(repo.resolve("pom.xml"), old);

        Run test = runIn(repo, "test");
        assertThat(test.code()).as(test.out()).isZero();
        // The stand-in jar cannot start a server; what matters is whether the launcher built first.
        runIn(repo, "keys", "create", "--name", "x");
        assertThat(Files.readAllLines(log)).containsExactly("verify");

        Files.setLastModifiedTime(
                source, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        runIn(repo, "keys", "create", "--name", "x");
        assertThat(Files.readAllLines(log)).as("a changed source still builds").containsExactly("verify", "package");
    }

    private static Run runIn(Path repo, String... args) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(java.util.stream.Stream.concat(
                                List.of("bash", repo.resolve("kiln").toString()).stream(), List.of(args).stream())
                        .toList())
                .redirectErrorStream(true);
        pb.environment().put("KILN_HOME", repo.resolve(".kiln").toString());
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
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
