package dev.kiln.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.ops.MetricNames;
import dev.kiln.platform.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** /metrics carries the connection pool's metrics, recorded by HikariCP's own Micrometer tracker. */
class PoolMetricsTest {
    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @Test
    void metricsExposeTheConnectionPoolThroughHikariCpsTracker() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("KILN_PORT", "0");
        env.put("KILN_DB_NAME", db.config().database());
        env.put("KILN_WARM_UP", "0s"); // WarmUpTest (kiln-http) covers it; here it would only compete for the CPU
        env.put("KILN_HOME", Files.createTempDirectory("kiln-home").toString());
        env.put("KILN_ROLE", "api");
        env.put("KILN_DB_POOL_SIZE", "6");
        try (Wiring wiring = Wiring.start(KilnConfig.from(new Settings(env)))) {
            try (Connection held = wiring.database.dataSource().getConnection()) {
                String scrape = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create("http://127.0.0.1:" + wiring.server.port() + "/metrics"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();

                assertThat(value(scrape, prometheus(MetricNames.HikariPool.MAX)))
                        .isEqualTo(6.0);
                assertThat(value(scrape, prometheus(MetricNames.HikariPool.ACTIVE)))
                        .as("the connection this test holds")
                        .isGreaterThanOrEqualTo(1.0);
                assertThat(value(scrape, prometheus(MetricNames.HikariPool.PENDING)))
                        .isNotNull();
                assertThat(value(scrape, prometheus(MetricNames.HikariPool.TOTAL)))
                        .isGreaterThanOrEqualTo(1.0);
                assertThat(value(scrape, prometheus(MetricNames.HikariPool.ACQUIRE) + "_seconds_count"))
                        .as("borrows are timed")
                        .isGreaterThanOrEqualTo(1.0);
                assertThat(value(scrape, prometheus(MetricNames.HikariPool.TIMEOUTS) + "_total"))
                        .isEqualTo(0.0);
                assertThat(scrape).doesNotContain("kiln_db_pool_");
            }
        }
    }

    private static String prometheus(String name) {
        return name.replace('.', '_');
    }

    /** The value of {@code name}'s sample for Kiln's pool, or null when the scrape has none. */
    private static Double value(String scrape, String name) {
        return scrape.lines()
                .filter(l -> l.startsWith(name + "{") && l.contains("pool=\"kiln\""))
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElse(null);
    }
}
