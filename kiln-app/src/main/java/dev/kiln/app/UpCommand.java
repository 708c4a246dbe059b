package dev.kiln.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
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

    static boolean isServing() {
        return serving;
    }

    @Override
    public Integer call() throws InterruptedException {
        Settings settings = Settings.load(System.getenv());
        if (port != null) {
            settings = settings.with("KILN_PORT", port.toString());
        }
        if (host != null) {
            settings = settings.with("KILN_HOST", host);
        }
        KilnConfig config = KilnConfig.from(settings);
        Wiring wiring = Wiring.start(config);
        serving = true;
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable shutdown = () -> {
            LOG.info("signal received: draining");
            boolean drained = wiring.drainAndClose();
            LOG.info("shutdown complete (drained: {})", drained);
            stopped.countDown();
            System.exit(0);
        };
        onSignal("TERM", shutdown);
        onSignal("INT", shutdown);
        printBanner(wiring);
        stopped.await();
        return 0;
    }

    private static void printBanner(Wiring w) {
        String key = firstStartKey(w).orElse(null);
        String base = "http://" + w.config.http().host() + ":" + w.server.port();
        Path card = Path.of(System.getenv().getOrDefault("KILN_EXAMPLES", "examples"))
                .resolve("card.json")
                .toAbsolutePath();
        StringBuilder b = new StringBuilder();
        b.append("\nKiln is up on ")
                .append(base)
                .append(" (render workers: ")
                .append(w.config.pool().workers())
                .append(", queue: ")
                .append(w.config.pool().queueCapacity())
                .append(")\n");
        if (key != null) {
            b.append("API key (saved in ")
                    .append(w.config.home().resolve("api-key").toAbsolutePath())
                    .append("):\n  ")
                    .append(key)
                    .append("\n");
            b.append("Render the sample card:\n  curl -sS -X POST ")
                    .append(base)
                    .append("/v1/renders \\\n")
                    .append("    -H 'Authorization: Bearer ")
                    .append(key)
                    .append("' \\\n")
                    .append("    -H 'Content-Type: application/json' \\\n")
                    .append("    --data @")
                    .append(card)
                    .append(" -o card.png\n");
        }
        b.append("Health: ")
                .append(base)
                .append("/readyz   Metrics: ")
                .append(base)
                .append("/metrics\n");
        System.out.println(b);
        System.out.flush();
    }

    /**
     * On a first start (or when the saved key no longer works) create a key and keep it in
     * {@code KILN_HOME/api-key} (mode 600) so that later starts print the same working key; the database
     * holds only its hash.
     */
    static Optional<String> firstStartKey(Wiring w) {
        Path file = w.config.home().resolve("api-key");
        try {
            if (Files.isReadable(file)) {
                String saved = Files.readString(file).strip();
                if (w.apiKeys.authenticate(saved).isPresent()) {
                    return Optional.of(saved);
                }
            }
            String token = w.apiKeys.create("default").token();
            Files.createDirectories(file.getParent());
            Files.writeString(file, token + "\n");
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // Not a POSIX file system: the file keeps the default permissions.
            }
            return Optional.of(token);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * Installs a handler for a POSIX signal through {@code sun.misc.Signal} (looked up reflectively: javac
     * rejects the direct reference under -Werror). A shutdown hook would also run on SIGTERM, but the JVM
     * then exits with 143; a handler lets a clean drain exit 0.
     */
    static void onSignal(String name, Runnable action) {
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
        } catch (ReflectiveOperationException | IllegalArgumentException e) {
            LOG.warn("cannot install a SIG{} handler ({}); falling back to a shutdown hook", name, e.toString());
            Runtime.getRuntime().addShutdownHook(new Thread(action));
        }
    }
}
