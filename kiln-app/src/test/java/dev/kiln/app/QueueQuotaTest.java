package dev.kiln.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.platform.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * A user's own quota of queued jobs, set by an operator with {@code kiln quota set}, holds at the API: past it a
 * submit answers 429 {@code queue-quota}, and others are unaffected. An API-only instance runs no jobs, so every
 * accepted generation stays queued.
 */
class QueueQuotaTest {
    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    static final String SVG = "<svg xmlns='http://www.w3.org/2000/svg' width='40' height='20'>"
            + "<rect width='40' height='20' fill='#3366ff'/></svg>";

    static Map<String, String> env = new HashMap<>();
    static Wiring wiring;
    static ApiClient http;

    @BeforeAll
    static void start() throws Exception {
        env.put("KILN_PORT", "0");
        env.put("KILN_DB_NAME", db.config().database());
        env.put("KILN_WARM_UP", "0s"); // WarmUpTest (kiln-http) covers it; here it would only compete for the CPU
        env.put("KILN_RATE_LIMIT", "0"); // polls as fast as it likes; rate limits have tests of their own
        env.put("KILN_HOME", Files.createTempDirectory("kiln-home").toString());
        env.put("KILN_ROLE", "api");
        wiring = Wiring.start(KilnConfig.from(new Settings(env)));
        http = ApiClient.of(wiring);
    }

    @AfterAll
    static void stop() {
        if (wiring != null) {
            wiring.drainAndClose();
        }
    }

    record Cli(int code, String out, String err) {}

    /** Runs {@code kiln quota ARGS} against the test's database, capturing what it prints. */
    static Cli quota(String... args) {
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                K made = CommandLine.defaultFactory().create(type);
                if (made instanceof QuotaCommand.Show show) {
                    show.env = env;
                } else if (made instanceof QuotaCommand.Set set) {
                    set.env = env;
                }
                return made;
            }
        };
        CommandLine cli = new CommandLine(QuotaCommand.class, factory);
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = cli.execute(args);
            // What the command prints is its last line on stdout; a test logging set-up may log there too.
            String[] lines = o.toString(StandardCharsets.UTF_8).strip().split("\n");
            return new Cli(code, lines[lines.length - 1].strip(), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void anOperatorGivesOneUserASmallerQuotaAndTakesItBack() throws Exception {
        var capped = wiring.apiKeys.create("capped");
        String other = wiring.apiKeys.create("other").token();
        long cappedScene = http.scene(capped.token(), SVG);
        long otherScene = http.scene(other, SVG);

        Cli set = quota("set", "--user", Long.toString(capped.userId()), "--jobs", "2");
        assertThat(set.code()).as(set.err()).isZero();
        assertThat(set.out()).isEqualTo("2");
        assertThat(quota("show", "--user", Long.toString(capped.userId())).out())
                .isEqualTo("2");

        assertThat(submit(capped.token(), cappedScene).statusCode()).isEqualTo(202);
        assertThat(submit(capped.token(), cappedScene).statusCode()).isEqualTo(202);
        HttpResponse<byte[]> refused = submit(capped.token(), cappedScene);
        assertThat(refused.statusCode()).isEqualTo(429);
        JsonNode problem = ApiClient.JSON.readTree(refused.body());
        assertThat(problem.get("type").textValue()).endsWith("queue-quota");
        assertThat(problem.get("detail").textValue()).contains("2");
        // Another user keeps the default.
        for (int i = 0; i < 3; i++) {
            assertThat(submit(other, otherScene).statusCode()).isEqualTo(202);
        }

        Cli back = quota("set", "--user", Long.toString(capped.userId()), "--jobs", "default");
        assertThat(back.code()).isZero();
        assertThat(Integer.parseInt(back.out())).isGreaterThan(2);
        assertThat(submit(capped.token(), cappedScene).statusCode()).isEqualTo(202);
    }

    @Test
    void badOperatorInputIsRefusedWithAMessageThatNamesTheOption() throws Exception {
        var user = wiring.apiKeys.create("typo");
        Cli negative = quota("set", "--user", Long.toString(user.userId()), "--jobs", "-1");
        assertThat(negative.code()).isEqualTo(2);
        assertThat(negative.err()).contains("--jobs");
        Cli word = quota("set", "--user", Long.toString(user.userId()), "--jobs", "lots");
        assertThat(word.code()).isEqualTo(2);
        assertThat(word.err()).contains("--jobs");
        Cli nobody = quota("set", "--user", "987654321", "--jobs", "5");
        assertThat(nobody.code()).isEqualTo(2);
        assertThat(nobody.err()).contains("--user");
        assertThat(quota("show", "--user", Long.toString(user.userId())).out()).isEqualTo("10000");
    }

    private static HttpResponse<byte[]> submit(String key, long scene) throws Exception {
        return http.call(key, "POST", "/v1/scenes/" + scene + "/generations", "{\"output\":{\"format\":\"png\"}}");
    }
}
