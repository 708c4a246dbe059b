package dev.kiln.loadgen;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.ops.Durations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The result of one run: what was offered, what came back, and latency per outcome class.
 *
 * @param spec what was run
 * @param startedAt wall-clock start of the run
 * @param elapsed from the first measured intended send to the later of the schedule's end and the last completion
 * @param warmupRequests requests offered during the warm-up (not in any other figure)
 * @param offered measured requests that were due, including dropped ones
 * @param maxSendLag the latest the scheduler sent a request after its intended time (open model); large values mean
 *     the generator itself could not keep up, and that delay is already charged to latency
 * @param classes stats of every outcome class, each present even when empty
 */
record LoadReport(
        LoadSpec spec,
        Instant startedAt,
        Duration elapsed,
        long warmupRequests,
        long offered,
        Duration maxSendLag,
        Map<Outcome, ClassStats> classes) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final DateTimeFormatter FILE_STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    /** Copies the class map and checks that every class is present. */
    public LoadReport {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(elapsed, "elapsed");
        Objects.requireNonNull(maxSendLag, "maxSendLag");
        classes = Map.copyOf(new EnumMap<>(classes));
        for (Outcome outcome : Outcome.values()) {
            if (!classes.containsKey(outcome)) {
                throw new IllegalArgumentException("classes lacks " + outcome);
            }
        }
    }

    /** Stats of one outcome class. */
    public ClassStats stats(Outcome outcome) {
        return classes.get(outcome);
    }

    /** Number of measured requests with this outcome. */
    public long count(Outcome outcome) {
        return classes.get(outcome).count();
    }

    /** Measured requests that were sent (offered minus dropped). */
    public long sent() {
        return offered - count(Outcome.DROPPED);
    }

    /** Every measured request that was not a 2xx: rejections, timeouts, other statuses, connection errors, drops. */
    public long errors() {
        return offered - count(Outcome.SUCCESS);
    }

    /** The rate at which requests were due: the configured rate in the open model, the achieved one otherwise. */
    public double offeredRatePerSecond() {
        Duration window = spec.mode() == LoadSpec.Mode.OPEN ? spec.duration() : elapsed;
        return offered / LoadSpec.seconds(window);
    }

    /** Answers of any kind (every outcome but dropped) per second of {@link #elapsed()}. */
    public double throughputPerSecond() {
        return sent() / LoadSpec.seconds(elapsed);
    }

    /** 2xx answers per second of {@link #elapsed()}. */
    public double goodputPerSecond() {
        return count(Outcome.SUCCESS) / LoadSpec.seconds(elapsed);
    }

    /** The report as indented JSON; latencies in milliseconds, rates per second. */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("mode", spec.mode().name().toLowerCase(Locale.ROOT));
        root.put("target", spec.target().toString());
        root.put("method", spec.method());
        root.put("started_at", startedAt.toString());
        if (spec.mode() == LoadSpec.Mode.OPEN) {
            root.put("rate_per_s", spec.ratePerSecond());
            root.put("max_outstanding", spec.maxOutstanding());
        }
        if (spec.mode() == LoadSpec.Mode.SATURATE) {
            root.put("concurrency", spec.concurrency());
        }
        if (spec.mode() != LoadSpec.Mode.SEQUENTIAL) {
            root.put("duration_s", LoadSpec.seconds(spec.duration()));
        }
        root.put("warmup_s", LoadSpec.seconds(spec.warmup()));
        root.put("request_timeout_s", LoadSpec.seconds(spec.requestTimeout()));
        root.put("elapsed_s", LoadSpec.seconds(elapsed));
        root.put("warmup_requests", warmupRequests);
        root.put("offered", offered);
        root.put("sent", sent());
        root.put("offered_rate_per_s", offeredRatePerSecond());
        root.put("throughput_per_s", throughputPerSecond());
        root.put("goodput_per_s", goodputPerSecond());
        root.put("errors", errors());
        if (spec.mode() == LoadSpec.Mode.OPEN) {
            root.put("max_send_lag_ms", maxSendLag.toNanos() / 1e6);
        }
        root.put("latency_from", spec.mode() == LoadSpec.Mode.OPEN ? "intended_send" : "actual_send");
        ObjectNode byClass = root.putObject("classes");
        for (Outcome outcome : Outcome.values()) {
            ClassStats s = stats(outcome);
            ObjectNode node = byClass.putObject(outcome.key());
            node.put("count", s.count());
            if (outcome != Outcome.DROPPED) {
                node.put("min_ms", s.minMs());
                node.put("mean_ms", s.meanMs());
                node.put("p50_ms", s.p50Ms());
                node.put("p95_ms", s.p95Ms());
                node.put("p99_ms", s.p99Ms());
                node.put("p99_9_ms", s.p999Ms());
                node.put("max_ms", s.maxMs());
            }
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A markdown summary: the settings, one table row per outcome class, and the headline rates. */
    public String toMarkdown() {
        StringBuilder md = new StringBuilder();
        md.append("## Kiln load report: ")
                .append(spec.method())
                .append(' ')
                .append(spec.target().getPath())
                .append(", ")
                .append(modeDescription())
                .append("\n\n");
        md.append("- target: `").append(spec.target()).append("`\n");
        md.append("- started: ").append(startedAt).append('\n');
        md.append("- warm-up: ")
                .append(Durations.format(spec.warmup()))
                .append(" (")
                .append(warmupRequests)
                .append(" requests, not counted)\n");
        md.append("- request timeout: ")
                .append(Durations.format(spec.requestTimeout()))
                .append("\n\n");
        md.append("| outcome | count | p50 ms | p95 ms | p99 ms | p99.9 ms | max ms |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (Outcome outcome : Outcome.values()) {
            ClassStats s = stats(outcome);
            md.append("| ").append(outcome.label()).append(" | ").append(s.count());
            if (outcome == Outcome.DROPPED || s.count() == 0) {
                md.append(" | – | – | – | – | – |\n");
            } else {
                md.append(" | ")
                        .append(ms(s.p50Ms()))
                        .append(" | ")
                        .append(ms(s.p95Ms()))
                        .append(" | ")
                        .append(ms(s.p99Ms()))
                        .append(" | ")
                        .append(ms(s.p999Ms()))
                        .append(" | ")
                        .append(ms(s.maxMs()))
                        .append(" |\n");
            }
        }
        md.append('\n');
        md.append("- offered: ")
                .append(offered)
                .append(" requests at ")
                .append(rate(offeredRatePerSecond()))
                .append("/s; sent ")
                .append(sent())
                .append('\n');
        md.append("- goodput (2xx): ")
                .append(rate(goodputPerSecond()))
                .append("/s; all answers: ")
                .append(rate(throughputPerSecond()))
                .append("/s over ")
                .append(String.format(Locale.ROOT, "%.2f", LoadSpec.seconds(elapsed)))
                .append(" s\n");
        md.append("- errors (everything not 2xx): ").append(errors()).append('\n');
        if (spec.mode() == LoadSpec.Mode.OPEN) {
            md.append("- latency is measured from each request's intended send time; max send lag ")
                    .append(ms(maxSendLag.toNanos() / 1e6))
                    .append(" ms\n");
        } else {
            md.append("- closed loop: latency is measured from the actual send; use this mode for throughput,"
                    + " not for latency under load\n");
        }
        return md.toString();
    }

    /** Paths of the files written by {@link #writeTo(Path)}. */
    public record WrittenFiles(Path json, Path markdown) {}

    /**
     * Writes {@code <mode>-<utc stamp>.json} and {@code .md} into {@code directory}, creating it if needed.
     *
     * @return the two paths
     */
    public WrittenFiles writeTo(Path directory) throws IOException {
        Files.createDirectories(directory);
        String base = spec.mode().name().toLowerCase(Locale.ROOT) + "-" + FILE_STAMP.format(startedAt);
        Path json = directory.resolve(base + ".json");
        Path markdown = directory.resolve(base + ".md");
        Files.writeString(json, toJson());
        Files.writeString(markdown, toMarkdown());
        return new WrittenFiles(json, markdown);
    }

    private String modeDescription() {
        return switch (spec.mode()) {
            case OPEN ->
                "open model, " + rate(spec.ratePerSecond()) + " req/s for " + Durations.format(spec.duration());
            case SEQUENTIAL -> "sequential, " + spec.requests() + " requests";
            case SATURATE -> "closed loop, " + spec.concurrency() + " clients for " + Durations.format(spec.duration());
        };
    }

    private static String ms(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private static String rate(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
