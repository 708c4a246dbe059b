package dev.kiln.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.render.CancellationSignal;
import dev.kiln.render.InvalidDocumentException;
import dev.kiln.render.PreparedRender;
import dev.kiln.render.RenderCancelledException;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs every SVG of a conformance suite (resvg's {@code crates/resvg/tests/tests} layout: one folder per
 * category) through {@link RenderEngine} prepare + render to PNG, each on its own daemon thread with a per-file
 * budget, and reports per category how many were ok, rejected (4xx), errors (a 500 in the service) or overran
 * the budget. See docs/hangs.md for the command; {@code scripts/suite-scan.sh} is the wrapper that resumes.
 *
 * <p>A hung render cannot be stopped from outside (JSVG does not poll for interruption), and each one keeps
 * burning a core. So after {@code --max-stuck} stuck threads the scanner exits with {@link #EXIT_RESTART}; the
 * wrapper starts a fresh JVM, which skips every file already in the progress file. A file that was started
 * but never recorded (the JVM died, e.g. a native crash) is recorded as {@code crashed} on the next start.
 */
public final class SuiteScan {
    /** Exit code asking the wrapper to start a fresh JVM: stuck threads are burning cores. */
    public static final int EXIT_RESTART = 3;
    /** Default per-file budget for prepare + render. */
    public static final Duration DEFAULT_BUDGET = Duration.ofSeconds(2);
    /** Default extra wait after an overrun, to tell a slow render (ends) from a hang (does not). */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(8);
    /** Default number of stuck threads after which the JVM asks to be restarted. */
    public static final int DEFAULT_MAX_STUCK = 1;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROGRESS = "progress.tsv";
    private static final String STARTED = "started.txt";

    /** Per-file outcome; {@code SLOW} and {@code STUCK} both overran the budget. */
    enum Outcome {
        OK,
        REJECTED,
        ERROR,
        SLOW,
        STUCK,
        CRASHED
    }

    /** Options; {@code width} 0 keeps each SVG's intrinsic size, else scales the output to that width. */
    record Config(Path suite, Path out, Duration budget, Duration grace, int maxStuck, boolean jstack, int width) {}

    record Result(String file, Outcome outcome, String phase, long millis, String detail) {
        String tsv() {
            return String.join(
                    "\t", file, outcome.name().toLowerCase(Locale.ROOT), phase, Long.toString(millis), clean(detail));
        }

        static Result parse(String line) {
            String[] f = line.split("\t", -1);
            return new Result(f[0], Outcome.valueOf(f[1].toUpperCase(Locale.ROOT)), f[2], Long.parseLong(f[3]), f[4]);
        }

        String category() {
            int slash = file.indexOf('/');
            return slash < 0 ? "." : file.substring(0, slash);
        }

        boolean overran() {
            return outcome == Outcome.SLOW || outcome == Outcome.STUCK;
        }
    }

    private SuiteScan() {}

    /**
     * Usage: {@code SuiteScan --suite DIR [--out DIR] [--budget-ms N] [--grace-ms N] [--max-stuck K] [--jstack
     * true|false] [--width PX]}.
     */
    public static void main(String[] args) throws Exception {
        Config config = parseArgs(args);
        System.exit(run(config));
    }

    static Config parseArgs(String[] args) {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: SuiteScan --suite DIR [--out DIR] [--budget-ms N]"
                        + " [--grace-ms N] [--max-stuck K] [--jstack true|false] [--width PX]; bad argument "
                        + args[i]);
            }
            a.put(args[i].substring(2), args[++i]);
        }
        String suite = a.remove("suite");
        if (suite == null) {
            throw new IllegalArgumentException("--suite DIR is required (resvg's crates/resvg/tests/tests)");
        }
        Path out = Path.of(a.getOrDefault("out", "bench-results/suite-scan"));
        a.remove("out");
        Duration budget =
                Duration.ofMillis(Long.parseLong(a.getOrDefault("budget-ms", "" + DEFAULT_BUDGET.toMillis())));
        Duration grace = Duration.ofMillis(Long.parseLong(a.getOrDefault("grace-ms", "" + DEFAULT_GRACE.toMillis())));
        int maxStuck = Integer.parseInt(a.getOrDefault("max-stuck", "" + DEFAULT_MAX_STUCK));
        boolean jstack = Boolean.parseBoolean(a.getOrDefault("jstack", "true"));
        int width = Integer.parseInt(a.getOrDefault("width", "0"));
        a.keySet().removeAll(Set.of("budget-ms", "grace-ms", "max-stuck", "jstack", "width"));
        if (!a.isEmpty()) {
            throw new IllegalArgumentException("unknown options " + a.keySet());
        }
        if (budget.isNegative() || budget.isZero()) {
            throw new IllegalArgumentException("--budget-ms must be positive");
        }
        if (grace.isNegative()) {
            throw new IllegalArgumentException("--grace-ms must be >= 0");
        }
        if (maxStuck < 1) {
            throw new IllegalArgumentException("--max-stuck must be >= 1");
        }
        if (width < 0) {
            throw new IllegalArgumentException("--width must be >= 0 (0: intrinsic size)");
        }
        return new Config(Path.of(suite), out, budget, grace, maxStuck, jstack, width);
    }

    static int run(Config config) throws IOException, InterruptedException {
        Files.createDirectories(config.out().resolve("stacks"));
        Path progress = config.out().resolve(PROGRESS);
        Path started = config.out().resolve(STARTED);
        Set<String> done = new HashSet<>();
        for (Result r : readProgress(progress)) {
            done.add(r.file());
        }
        // A file started by a previous JVM but never recorded: that JVM died while rendering it.
        if (Files.exists(started)) {
            String file = Files.readString(started).strip();
            if (!file.isEmpty() && !done.contains(file)) {
                append(progress, new Result(file, Outcome.CRASHED, "?", 0, "the scanning JVM died on this file"));
                done.add(file);
            }
        }
        List<String> files = listSuite(config.suite());
        RenderEngine engine = RenderEngine.create(RenderLimits.defaults());
        int stuck = 0;
        int scanned = 0;
        for (String file : files) {
            if (done.contains(file)) {
                continue;
            }
            Files.writeString(started, file);
            Result r = scanOne(engine, config, file);
            append(progress, r);
            Files.writeString(started, "");
            scanned++;
            if (r.overran()) {
                System.err.printf(
                        "overran: %s (%s, %s, %d ms) %s%n", file, r.outcome(), r.phase(), r.millis(), r.detail());
            }
            if (r.outcome() == Outcome.STUCK && ++stuck >= config.maxStuck()) {
                System.err.printf(
                        "%d stuck thread(s) burning CPU; exiting %d for a fresh JVM (%d files this run)%n",
                        stuck, EXIT_RESTART, scanned);
                return EXIT_RESTART;
            }
        }
        writeReport(config, files.size(), readProgress(progress));
        return 0;
    }

    /** Every {@code .svg} under the suite, as paths relative to it with '/' separators, sorted. */
    static List<String> listSuite(Path suite) throws IOException {
        try (Stream<Path> s = Files.walk(suite)) {
            return s.filter(p -> p.toString().endsWith(".svg") && Files.isRegularFile(p))
                    .map(p -> suite.relativize(p).toString().replace('\\', '/'))
                    .sorted()
                    .toList();
        }
    }

    private static Result scanOne(RenderEngine engine, Config config, String file)
            throws IOException, InterruptedException {
        // Not readString: a suite file in another encoding must be scanned, not end the JVM. A client's JSON
        // encoder would have replaced its invalid UTF-8 the same way.
        String svg = new String(Files.readAllBytes(config.suite().resolve(file)), StandardCharsets.UTF_8);
        ObjectNode request = JSON.createObjectNode();
        request.putObject("document").put("type", "svg").put("svg", svg);
        ObjectNode output = request.putObject("output").put("format", "png");
        if (config.width() > 0) {
            output.put("width", config.width());
        }
        long hardStop = System.nanoTime() + config.budget().plus(config.grace()).toNanos();
        // Cooperative stop at the end of the grace period: the most a fixed engine can do is honour it.
        CancellationSignal deadline = () -> System.nanoTime() - hardStop > 0;
        Attempt attempt = new Attempt(engine, request, deadline);
        Thread t = Thread.ofPlatform().daemon().name("scan " + file).unstarted(attempt);
        long start = System.nanoTime();
        t.start();
        t.join(config.budget());
        if (!t.isAlive()) {
            return attempt.result(file, elapsedMs(start));
        }
        String phase = attempt.phase;
        t.join(config.grace());
        long ms = elapsedMs(start);
        if (!t.isAlive()) {
            Result late = attempt.result(file, ms);
            return new Result(
                    file, Outcome.SLOW, phase, ms, "ended after the budget as " + late.outcome() + " " + late.detail());
        }
        StackTraceElement[] stack = t.getStackTrace();
        String name = file.replace('/', '_');
        Files.writeString(config.out().resolve("stacks").resolve(name + ".txt"), formatStack(t, stack));
        if (config.jstack()) {
            jstack(config.out().resolve("stacks").resolve(name + ".jstack.txt"));
        }
        t.interrupt(); // harmless; an engine that honours interruption would stop here
        return new Result(file, Outcome.STUCK, attempt.phase, ms, "still running; top: " + topFrames(stack, 4));
    }

    /** One prepare + render, recording which phase it is in so an overrun can be attributed. */
    private static final class Attempt implements Runnable {
        private final RenderEngine engine;
        private final ObjectNode request;
        private final CancellationSignal cancel;
        volatile String phase = "prepare";
        volatile Outcome outcome;
        volatile String detail = "";

        Attempt(RenderEngine engine, ObjectNode request, CancellationSignal cancel) {
            this.engine = engine;
            this.request = request;
            this.cancel = cancel;
        }

        @Override
        public void run() {
            try {
                PreparedRender prepared = engine.prepare(request);
                phase = "render";
                byte[] png = engine.render(prepared, cancel).bytes();
                detail = prepared.output().width() + "x" + prepared.output().height() + ", " + png.length + " B";
                outcome = Outcome.OK;
            } catch (InvalidDocumentException e) {
                detail = e.getMessage();
                outcome = Outcome.REJECTED;
            } catch (RenderCancelledException e) {
                detail = "cancelled at the deadline";
                outcome = Outcome.SLOW;
            } catch (Throwable e) { // StackOverflowError, OutOfMemoryError included: each is a 500
                detail = e.getClass().getName() + ": " + e.getMessage() + " at " + topFrames(e.getStackTrace(), 2);
                outcome = Outcome.ERROR;
            }
        }

        Result result(String file, long ms) {
            return new Result(file, outcome, phase, ms, detail);
        }
    }

    private static void jstack(Path target) {
        Path jstack = Path.of(System.getProperty("java.home"), "bin", "jstack");
        if (!Files.isExecutable(jstack)) {
            return;
        }
        try {
            Process p = new ProcessBuilder(
                            jstack.toString(),
                            Long.toString(ProcessHandle.current().pid()))
                    .redirectErrorStream(true)
                    .redirectOutput(target.toFile())
                    .start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            System.err.println("jstack failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String topFrames(StackTraceElement[] stack, int n) {
        return Arrays.stream(stack).limit(n).map(SuiteScan::frame).collect(Collectors.joining(" < "));
    }

    private static String frame(StackTraceElement e) {
        String cls = e.getClassName();
        return cls.substring(cls.lastIndexOf('.') + 1) + "." + e.getMethodName() + ":" + e.getLineNumber();
    }

    private static String formatStack(Thread t, StackTraceElement[] stack) {
        StringBuilder sb = new StringBuilder("\"" + t.getName() + "\" state=" + t.getState() + "\n");
        for (StackTraceElement e : stack) {
            sb.append("\tat ").append(e).append('\n');
        }
        return sb.toString();
    }

    private static long elapsedMs(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private static String clean(String s) {
        String one = s == null ? "" : s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
        return one.length() > 300 ? one.substring(0, 300) + "…" : one;
    }

    private static List<Result> readProgress(Path progress) throws IOException {
        if (!Files.exists(progress)) {
            return List.of();
        }
        List<Result> out = new ArrayList<>();
        for (String line : Files.readAllLines(progress)) {
            if (!line.isBlank()) {
                out.add(Result.parse(line));
            }
        }
        return out;
    }

    private static void append(Path progress, Result r) throws IOException {
        Files.writeString(
                progress,
                r.tsv() + "\n",
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND,
                StandardOpenOption.SYNC);
    }

    /** report.md (per category counts, overruns, errors) and report.tsv (the same counts, one row a category). */
    private static void writeReport(Config config, int suiteFiles, List<Result> results) {
        Map<String, int[]> counts = new TreeMap<>();
        for (Result r : results) {
            counts.computeIfAbsent(r.category(), k -> new int[Outcome.values().length])[
                    r.outcome().ordinal()]++;
        }
        StringBuilder tsv =
                new StringBuilder("category\tfiles\tok\trejected_4xx\terror\toverran\tslow\tstuck\tcrashed\n");
        StringBuilder md = new StringBuilder();
        md.append("# SVG suite scan\n\n")
                .append("- date: ")
                .append(Instant.now())
                .append('\n')
                .append("- suite: `")
                .append(config.suite())
                .append("` (")
                .append(suiteFiles)
                .append(" SVGs)\n")
                .append("- budget per file (prepare + render to PNG): ")
                .append(config.budget().toMillis())
                .append(" ms; grace to tell slow from hung: ")
                .append(config.grace().toMillis())
                .append(" ms\n")
                .append("- output width: ")
                .append(config.width() == 0 ? "intrinsic" : config.width() + " px")
                .append('\n')
                .append("- java: ")
                .append(System.getProperty("java.version"))
                .append("\n\n")
                .append(
                        "| category | files | ok | rejected (4xx) | error (500) | overran | of which hung | crashed |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        int[] total = new int[Outcome.values().length];
        for (Map.Entry<String, int[]> e : counts.entrySet()) {
            int[] c = e.getValue();
            boolean text = e.getKey().equals("text");
            if (!text) {
                for (int i = 0; i < c.length; i++) {
                    total[i] += c[i];
                }
            } else {
                continue;
            }
            row(md, tsv, e.getKey(), c);
        }
        row(md, tsv, "**all but text**", total);
        if (counts.containsKey("text")) {
            md.append("\nText (reported apart: fonts differ from the reference machine):\n\n")
                    .append(
                            "| category | files | ok | rejected (4xx) | error (500) | overran | of which hung | crashed |\n")
                    .append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
            row(md, tsv, "text", counts.get("text"));
        }
        md.append("\n## Overran the budget\n\n");
        appendList(md, results, Result::overran);
        md.append("\n## Errors (unexpected exceptions: a 500 in the service)\n\n");
        appendList(md, results, r -> r.outcome() == Outcome.ERROR || r.outcome() == Outcome.CRASHED);
        try {
            Files.writeString(config.out().resolve("report.md"), md);
            Files.writeString(config.out().resolve("report.tsv"), tsv);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.print(md);
    }

    private static void row(StringBuilder md, StringBuilder tsv, String name, int[] c) {
        int files = Arrays.stream(c).sum();
        int ok = c[Outcome.OK.ordinal()];
        int rej = c[Outcome.REJECTED.ordinal()];
        int err = c[Outcome.ERROR.ordinal()];
        int slow = c[Outcome.SLOW.ordinal()];
        int stuck = c[Outcome.STUCK.ordinal()];
        int crashed = c[Outcome.CRASHED.ordinal()];
        md.append(String.format(
                "| %s | %d | %d | %d | %d | %d | %d | %d |%n",
                name, files, ok, rej, err, slow + stuck, stuck, crashed));
        tsv.append(String.join(
                        "\t",
                        name.replace("*", ""),
                        "" + files,
                        "" + ok,
                        "" + rej,
                        "" + err,
                        "" + (slow + stuck),
                        "" + slow,
                        "" + stuck,
                        "" + crashed))
                .append('\n');
    }

    private static void appendList(StringBuilder md, List<Result> results, java.util.function.Predicate<Result> which) {
        List<Result> list = results.stream().filter(which).toList();
        if (list.isEmpty()) {
            md.append("None.\n");
            return;
        }
        md.append("| file | outcome | phase | ms | detail |\n|---|---|---|---:|---|\n");
        for (Result r : list) {
            md.append("| `")
                    .append(r.file())
                    .append("` | ")
                    .append(r.outcome().name().toLowerCase(Locale.ROOT))
                    .append(" | ")
                    .append(r.phase())
                    .append(" | ")
                    .append(r.millis())
                    .append(" | ")
                    .append(r.detail().replace("|", "\\|"))
                    .append(" |\n");
        }
    }
}
