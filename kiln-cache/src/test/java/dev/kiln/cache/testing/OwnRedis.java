package dev.kiln.cache.testing;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A private {@code redis-server} a test starts, stops, restarts, stalls ({@code SIGSTOP}) and pauses ({@code CLIENT
 * PAUSE}) at will, on its own
 * port, never the shared Redis on 6379. No persistence, so a restart comes back empty.
 */
public final class OwnRedis implements AutoCloseable {
    private final int port;
    private final Path dir;
    private Process process;

    private OwnRedis(int port) throws IOException {
        this.port = port;
        this.dir = Files.createTempDirectory("kiln-redis-" + port);
    }

    /** Starts one on {@code port}. */
    public static OwnRedis start(int port) throws IOException {
        OwnRedis r = new OwnRedis(port);
        r.start();
        return r;
    }

    /** {@code redis://127.0.0.1:port}. */
    public URI uri() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    /** Starts the server (again) and waits until it answers PING. */
    public void start() throws IOException {
        process = new ProcessBuilder(
                        "redis-server",
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        "--dir",
                        dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile())
                .start();
        try {
            Awaitility.await("redis-server on " + port)
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(20))
                    .ignoreExceptions()
                    .until(() -> process.isAlive() && command("PING").startsWith("+PONG"));
        } catch (RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /** Stops the server (kill), waiting until it is gone; a stalled one is resumed first, so it can exit. */
    public void stop() throws InterruptedException {
        if (process != null) {
            try {
                resume();
            } catch (IOException e) {
                // already gone
            }
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            process = null;
        }
    }

    /**
     * {@code CLIENT PAUSE millis ALL}: every client's commands stall for that long. It cannot be lifted early (during an
     * ALL pause even {@code CLIENT UNPAUSE} waits), so keep it short and wait it out.
     */
    public void pause(Duration d) throws IOException {
        String reply = command("CLIENT", "PAUSE", Long.toString(d.toMillis()), "ALL");
        if (!reply.startsWith("+OK")) {
            throw new IOException("CLIENT PAUSE answered " + reply);
        }
    }

    /**
     * Stalls the server as a hung host would: {@code SIGSTOP}, so connections stay open and every command waits for
     * an answer that does not come, until {@link #resume()}. Unlike {@link #pause}, the stall lasts exactly as long
     * as the test needs, so a test can check that its requests were answered while Redis was still stalled.
     */
    public void stall() throws IOException, InterruptedException {
        signal("-STOP");
    }

    /** Ends a {@link #stall()}. */
    public void resume() throws IOException, InterruptedException {
        signal("-CONT");
    }

    private void signal(String which) throws IOException, InterruptedException {
        int rc = new ProcessBuilder("kill", which, Long.toString(process.pid()))
                .inheritIO()
                .start()
                .waitFor();
        if (rc != 0) {
            throw new IOException("kill " + which + " exited " + rc);
        }
    }

    /** Sends one command in RESP and returns the first line of the reply. */
    public String command(String... args) throws IOException {
        StringBuilder out = new StringBuilder("*" + args.length + "\r\n");
        for (String a : args) {
            out.append('$')
                    .append(a.getBytes(StandardCharsets.UTF_8).length)
                    .append("\r\n")
                    .append(a)
                    .append("\r\n");
        }
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(2000);
            s.getOutputStream().write(out.toString().getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            byte[] buf = new byte[512];
            int n = s.getInputStream().read(buf);
            return n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.UTF_8).split("\r\n")[0];
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
