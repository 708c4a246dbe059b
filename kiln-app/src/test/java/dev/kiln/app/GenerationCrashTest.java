package dev.kiln.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.platform.testing.TestDatabase;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Generations survive a worker process killed with {@code kill -9} mid-run: an API-only instance (in this JVM) takes
 * the submits, a worker process ({@code kiln up --role worker}, a child JVM) renders them and is killed while jobs are
 * running, a second worker process finishes the rest. Every generation completes, is charged exactly once and never
 * refunded, and has its output file.
 */
class GenerationCrashTest {
    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    /** A few tens of milliseconds per render, so the first worker is killed with work in hand. */
    static final String SVG = "<svg xmlns='http://www.w3.org/2000/svg' width='600' height='400'>"
            + "<filter id='b'><feGaussianBlur stdDeviation='12'/></filter>"
            + "<g filter='url(#b)'><rect width='600' height='400' fill='#3366ff'/>"
            + "<circle cx='300' cy='200' r='150' fill='#ffcc00'/></g></svg>";

    static final int GENERATIONS = 40;

    static Path home;
    static Map<String, String> env = new HashMap<>();
    static Wiring api;
    static ApiClient http;
    WorkerProcesses workers;

    @BeforeAll
    static void start() throws Exception {
        home = Files.createTempDirectory("kiln-crash");
        env.put("KILN_PORT", "0");
        env.put("KILN_DB_NAME", db.config().database());
        env.put("KILN_WARM_UP", "0s"); // WarmUpTest (kiln-http) covers it; here it would only compete for the CPU
        env.put("KILN_RATE_LIMIT", "0"); // polls as fast as it likes; rate limits have tests of their own
        env.put("KILN_HOME", home.toString());
        env.put("KILN_STORAGE_DIR", home.resolve("storage").toString());
        env.put("KILN_ROLE", "api");
        api = Wiring.start(KilnConfig.from(new Settings(env)));
        http = ApiClient.of(api);
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.drainAndClose();
        }
    }

    @BeforeEach
    void workers() throws IOException {
        workers = new WorkerProcesses(env, home, "generation-crash");
    }

    @AfterEach
    void killWorkers() throws InterruptedException {
        workers.close();
    }

    @Test
    void aWorkerKilledMidRunLosesNoGenerationAndChargesNoneTwice() throws Exception {
        var user = api.apiKeys.create("crash");
        String key = user.token();
        long scene = http.scene(key, SVG);
        long before = ApiClient.json(http.call(key, "GET", "/v1/credits", null), 200)
                .get("balance")
                .longValue();

        long charged = 0;
        for (int i = 0; i < GENERATIONS; i++) {
            JsonNode g = ApiClient.json(
                    http.call(key, "POST", "/v1/scenes/" + scene + "/generations", "{\"output\":{\"format\":\"png\"}}"),
                    202);
            charged += g.get("cost").longValue();
        }

        Process first = workers.start("first");
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> count("SELECT count(*) FROM generations WHERE status = 'completed'") >= 5
                        && count("SELECT count(*) FROM generations WHERE status = 'processing'") >= 1);
        WorkerProcesses.kill9(first);
        long doneAtKill = count("SELECT count(*) FROM generations WHERE status = 'completed'");
        assertThat(doneAtKill).as("the kill came mid-run").isLessThan(GENERATIONS);

        workers.start("second");
        Awaitility.await()
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> count("SELECT count(*) FROM generations WHERE status = 'completed'") == GENERATIONS);

        assertThat(count("SELECT count(*) FROM generations WHERE status <> 'completed'"))
                .isZero();
        // Charged once each, refunded never; the balance is the ledger's sum.
        assertThat(count(
                        "SELECT count(*) FROM credit_ledger WHERE user_id = ? AND reason = 'generation'",
                        user.userId()))
                .isEqualTo(GENERATIONS);
        assertThat(count("SELECT count(*) FROM credit_ledger WHERE user_id = ? AND reason = 'refund'", user.userId()))
                .isZero();
        long after = ApiClient.json(http.call(key, "GET", "/v1/credits", null), 200)
                .get("balance")
                .longValue();
        assertThat(after).isEqualTo(before - charged);
        // Each generation's job completed once, under the token of its last claim; some needed a second attempt.
        assertThat(count("SELECT count(*) FROM kiln_queue_jobs WHERE state = 'completed'"))
                .isEqualTo(GENERATIONS);
        assertThat(count("SELECT max(attempt) FROM kiln_queue_jobs")).isBetween(1L, 3L);
        // Every output is served to its owner.
        JsonNode list = ApiClient.json(http.call(key, "GET", "/v1/generations?status=completed&limit=100", null), 200);
        int served = 0;
        for (JsonNode g : list.get("items")) {
            HttpResponse<byte[]> file =
                    http.call(key, "GET", g.get("output").get("url").textValue(), null);
            assertThat(file.statusCode()).isEqualTo(200);
            assertThat(file.body()).startsWith(0x89, 'P', 'N', 'G');
            served++;
        }
        assertThat(served).isEqualTo(GENERATIONS);
    }

    private static long count(String sql, Object... params) throws SQLException {
        return WorkerProcesses.count(db.dataSource(), sql, params);
    }
}
