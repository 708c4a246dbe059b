package dev.kiln.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kiln up}: starts the server and serves until SIGTERM/SIGINT, then drains and exits 0. */
@Command(
        name = "up",
        description = "Start Kiln (defaults: 127.0.0.1:8080, PostgreSQL at 127.0.0.1:5432).",
        mixinStandardHelpOptions = true)
final class UpCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(UpCommand.class);
    private static volatile boolean serving;

    @Option(names = "--port", description = "TCP port (overrides KILN_PORT).")
    Integer port;

    @Option(names = "--host", description = "Bind address (overrides KILN_HOST).")
    String host;

    @Option(
            names = "--role",
            description = "all (default): API and generation workers; api: the API only; worker: workers only"
                    + " (overrides KILN_ROLE).")
    String role;

    static boolean isServing() {
        return serving;
    }

    @Override
    public Integer call() throws InterruptedException {
        Settings settings = Settings.load(System.getenv());
        if (port != null) {
            settings = settings.with(Setting.KILN_PORT, port.toString());
        }
        if (host != null) {
            settings = settings.with(Setting.KILN_HOST, host);
        }
        if (role != null) {
            settings = settings.with(Setting.KILN_ROLE, role);
        }
        KilnConfig config = KilnConfig.from(settings);
        for (String unknown : settings.unknownNames()) {
            System.err.println(
                    "kiln: warning: " + unknown + " is not a Kiln setting and is ignored (docs/configuration.md)");
        }
        Wiring wiring = Wiring.start(config);
        serving = true;
        CountDownLatch stopped = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable drain = () -> {
            LOG.info("signal received: draining");
            boolean drained = wiring.drainAndClose();
            LOG.info("shutdown complete (drained: {})", drained);
            stopped.countDown();
        };
        Runnable onSignal = () -> {
            if (!stopping.compareAndSet(false, true)) {
                // A second signal while draining: the operator wants out now.
                LOG.warn("second signal: stopping without waiting for the drain");
                Runtime.getRuntime().halt(130);
            }
            drain.run();
            System.exit(0);
        };
        boolean handled = onSignal("TERM", onSignal) & onSignal("INT", onSignal);
        if (!handled) {
            // Signals cannot be handled here (e.g. -Xrs): drain from a shutdown hook, which must not call exit.
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                if (stopping.compareAndSet(false, true)) {
                                    drain.run();
                                }
                            },
                            "kiln-shutdown-hook"));
        }
        LivenessWatch liveness = new LivenessWatch(wiring.pool::isLive, () -> {
                    if (!stopping.compareAndSet(false, true)) {
                        return; // already shutting down
                    }
                    LOG.error(
                            "a render ignores cancellation and has held a thread past KILN_RENDER_WEDGE_LIMIT;"
                                    + " draining and exiting with code {} to be restarted",
                            LivenessWatch.EXIT_RESTART);
                    Duration timeout = config.http().drainTimeout();
                    wiring.drainAndClose(
                            timeout.compareTo(LivenessWatch.RESTART_DRAIN) < 0 ? timeout : LivenessWatch.RESTART_DRAIN);
                    System.exit(LivenessWatch.EXIT_RESTART);
                })
                .start();
        printBanner(wiring);
        stopped.await();
        liveness.close();
        return 0;
    }

    private static void printBanner(Wiring w) {
        StartKey key = startKey(w);
        String base = "http://" + w.config.http().host() + ":" + w.server.port();
        Path card = Path.of(System.getenv()
                        .getOrDefault(Setting.KILN_EXAMPLES.name(), Setting.KILN_EXAMPLES.defaultValue(String.class)))
                .resolve("card.json")
                .toAbsolutePath();
        Path keyFile = keyFile(w).toAbsolutePath();
        StringBuilder b = new StringBuilder();
        b.append("\nKiln is up on ").append(base);
        b.append(" (role: ").append(w.config.role().wireName());
        b.append(", render workers: ").append(w.config.pool().workers());
        b.append(", queue: ").append(w.config.pool().queueCapacity()).append(")\n");
        // The key itself is printed only when it was just created, so restarts do not copy a credential
        // into every log collector; later starts point at the file instead.
        String auth;
        if (key.created()) {
            b.append("API key (saved in ")
                    .append(keyFile)
                    .append("):\n  ")
                    .append(key.token())
                    .append("\n");
            auth = "'Authorization: Bearer " + key.token() + "'";
        } else {
            b.append("API key: in ").append(keyFile).append("\n");
            auth = "\"Authorization: Bearer $(cat " + keyFile + ")\"";
        }
        b.append("Render the sample card:\n  curl -sS -X POST ").append(base).append("/v1/renders \\\n");
        b.append("    -H ").append(auth).append(" \\\n");
        b.append("    -H 'Content-Type: application/json' \\\n");
        b.append("    --data @").append(card).append(" -o card.png\n");
        b.append("Health: ")
                .append(base)
                .append("/readyz   Metrics: ")
                .append(base)
                .append("/metrics\n");
        System.out.println(b);
        System.out.flush();
    }

    /** The API key {@code kiln up} offers, and whether this start created it. */
    record StartKey(String token, boolean created) {}

    static Path keyFile(Wiring w) {
        return w.config.home().resolve("api-key");
    }

    /**
     * The saved key when it still works; otherwise (first start, or a revoked key) a new key, kept in
     * {@code KILN_HOME/api-key} with mode 600 from the moment it exists. The database holds only its hash.
     */
    static StartKey startKey(Wiring w) {
        Path file = keyFile(w);
        try {
            if (Files.isReadable(file)) {
                String saved = Files.readString(file).strip();
                if (w.apiKeys.authenticate(saved).isPresent()) {
                    return new StartKey(saved, false);
                }
            }
            String token = w.apiKeys.create("default").token();
            writePrivately(file, token + "\n");
            return new StartKey(token, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Writes {@code text} to {@code file} through an owner-only temp file and an atomic rename. */
    static void writePrivately(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        if (posix) {
            Files.createDirectories(
                    dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(dir);
        }
        Path tmp = posix
                ? Files.createTempFile(
                        dir,
                        ".api-key",
                        ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(dir, ".api-key", ".tmp");
        try {
            Files.writeString(tmp, text);
            Files.move(
                    tmp,
                    file,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Installs a handler for a POSIX signal through {@code sun.misc.Signal} (looked up reflectively: javac
     * rejects the direct reference under -Werror). A shutdown hook would also run on SIGTERM, but the JVM
     * then exits with 143; a handler lets a clean drain exit 0.
     */
    static boolean onSignal(String name, Runnable action) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Object signal = signalClass.getConstructor(String.class).newInstance(name);
            Object handler = Proxy.newProxyInstance(
                    handlerClass.getClassLoader(), new Class<?>[] {handlerClass}, (proxy, method, args) -> {
                        if (method.getName().equals("handle")) {
                            Thread.ofPlatform().name("kiln-shutdown").start(action);
                            return null;
                        }
                        return switch (method.getName()) {
                            case "hashCode" -> System.identityHashCode(proxy);
                            case "equals" -> proxy == args[0];
                            default -> "kiln-signal-handler";
                        };
                    });
            signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, handler);
            return true;
        } catch (ReflectiveOperationException | IllegalArgumentException e) {
            LOG.warn("cannot install a SIG{} handler ({}); falling back to a shutdown hook", name, e.toString());
            return false;
        }
    }
}
