package dev.kiln.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetricsTest {

    private final Metrics metrics = new Metrics();

    @AfterEach
    void close() {
        metrics.close();
    }

    @Test
    void httpTimerPublishesHistogramBucketsWithItsTags() {
        metrics.httpTimer("GET", "/v1/generations/{id}", 200).record(Duration.ofMillis(42));
        metrics.httpTimer("GET", "/v1/generations/{id}", 404).record(Duration.ofMillis(3));

        String scrape = metrics.scrape();
        List<String> ok = lines(scrape, "kiln_http_server_requests_seconds_bucket{", "status=\"2xx\"");
        assertThat(ok).isNotEmpty().allSatisfy(l -> assertThat(l)
                .contains("method=\"GET\"", "route=\"/v1/generations/{id}\""));
        // An SLO bucket at 50 ms holds the 42 ms request; the 25 ms bucket does not.
        assertThat(ok).anySatisfy(l -> assertThat(l).contains("le=\"0.05\"").endsWith(" 1"));
        assertThat(ok).anySatisfy(l -> assertThat(l).contains("le=\"0.025\"").endsWith(" 0"));
        assertThat(ok).anySatisfy(l -> assertThat(l).contains("le=\"+Inf\"").endsWith(" 1"));
        assertThat(lines(scrape, "kiln_http_server_requests_seconds_count{", "status=\"4xx\""))
                .singleElement()
                .satisfies(l -> assertThat(l).endsWith(" 1"));
    }

    @Test
    void httpTimersAreSharedPerStatusClass() {
        assertThat(metrics.httpTimer("POST", "/v1/projects", 201))
                .isSameAs(metrics.httpTimer("POST", "/v1/projects", 204));
        assertThat(metrics.httpTimer("POST", "/v1/projects", 201))
                .isNotSameAs(metrics.httpTimer("POST", "/v1/projects", 500));
        assertThatThrownBy(() -> metrics.httpTimer("GET", "/", 42)).hasMessageContaining("status");
    }

    @Test
    void rejectionsAreCountedPerReason() {
        metrics.renderRejected("queue_full");
        metrics.renderRejected("queue_full");
        metrics.renderRejected("deadline");

        String scrape = metrics.scrape();
        assertThat(lines(scrape, "kiln_render_rejections_total{", "reason=\"queue_full\""))
                .singleElement()
                .satisfies(l -> assertThat(value(l)).isEqualTo(2.0));
        assertThat(lines(scrape, "kiln_render_rejections_total{", "reason=\"deadline\""))
                .singleElement()
                .satisfies(l -> assertThat(value(l)).isEqualTo(1.0));
    }

    @Test
    void gaugeReadsItsSupplierAtEachScrape() {
        AtomicInteger depth = new AtomicInteger(3);
        metrics.gauge(MetricNames.RENDER_QUEUE_DEPTH, depth::get);

        assertThat(lines(metrics.scrape(), "kiln_render_queue_depth "))
                .singleElement()
                .satisfies(l -> assertThat(value(l)).isEqualTo(3.0));
        depth.set(7);
        assertThat(lines(metrics.scrape(), "kiln_render_queue_depth "))
                .singleElement()
                .satisfies(l -> assertThat(value(l)).isEqualTo(7.0));
    }

    @Test
    void renderTimersAreTaggedByFormat() {
        metrics.renderTimer("png").record(Duration.ofMillis(70));
        metrics.renderTimer("jpeg").record(Duration.ofMillis(20));
        metrics.renderQueueWaitTimer().record(Duration.ofMillis(1));

        String scrape = metrics.scrape();
        assertThat(lines(scrape, "kiln_render_duration_seconds_count{", "format=\"png\""))
                .hasSize(1);
        assertThat(lines(scrape, "kiln_render_duration_seconds_count{", "format=\"jpeg\""))
                .hasSize(1);
        assertThat(lines(scrape, "kiln_render_queue_wait_seconds_count")).hasSize(1);
    }

    @Test
    void genericMetersAcceptOnlyDeclaredNames() {
        metrics.counter(MetricNames.JOBS_CLAIMS).increment(5);
        assertThat(lines(metrics.scrape(), "kiln_jobs_claims_total"))
                .singleElement()
                .satisfies(l -> assertThat(value(l)).isEqualTo(5.0));

        assertThatThrownBy(() -> metrics.counter("kiln.made.up")).hasMessageContaining("MetricNames");
        assertThatThrownBy(() -> metrics.gauge("kiln.made.up", () -> 1)).hasMessageContaining("MetricNames");
        assertThatThrownBy(() -> metrics.timer(MetricNames.JOBS_CLAIMS, "odd")).hasMessageContaining("pairs");
    }

    @Test
    void jvmMetricsAreBound() {
        assertThat(metrics.scrape())
                .contains(
                        "jvm_memory_used_bytes",
                        "jvm_threads_live_threads",
                        "jvm_classes_loaded_classes",
                        "process_uptime_seconds",
                        "system_cpu_count");
    }

    @Test
    void everyNameConstantIsListedInAll() throws IllegalAccessException {
        List<String> names = new java.util.ArrayList<>();
        for (Field f : MetricNames.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && !f.getName().startsWith("TAG_")) {
                names.add((String) f.get(null));
            }
        }
        assertThat(names).isNotEmpty();
        assertThat(MetricNames.all()).containsExactlyInAnyOrderElementsOf(names);
        assertThat(names).allSatisfy(n -> assertThat(n).startsWith("kiln."));
    }

    private static List<String> lines(String scrape, String start, String... contains) {
        return Arrays.stream(scrape.split("\n"))
                .filter(l -> l.startsWith(start))
                .filter(l -> Arrays.stream(contains).allMatch(l::contains))
                .toList();
    }

    private static double value(String line) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
}
