package dev.kiln.resvg;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Renders SVG with native resvg in confined child processes, at most {@link Settings#maxChildren()} at once.
 *
 * <p>Each child is {@code kiln-resvg-host} with resvg's N-API module loaded, confined before it reads its first
 * request: it can read the font files and nothing else, open no socket, start no process, and map no more than
 * {@link Settings#maxAddressSpaceBytes()}. A child serves renders one at a time and is reused; a render that is
 * cancelled (its deadline passed) kills its child, and one that crashes or runs out of memory loses it; the next
 * render starts a fresh one. Nothing of one render survives into the next but the loaded code: the host frees every
 * value a request made, and resvg builds its tree and font database anew for each document.
 *
 * <p>Thread-safe; one instance per process is enough. {@link #close()} kills the children; they also die with the
 * JVM (the host arms {@code PR_SET_PDEATHSIG}, and children are started from one long-lived thread so that the
 * signal follows the process, not a short-lived caller).
 */
public final class NativeResvg implements AutoCloseable {
    private static final int READY = 0x3148524B; // "KRH1"
    private static final int REQUEST = 0x3151524B; // "KRQ1"
    private static final int RESPONSE = 0x3153524B; // "KRS1"
    private static final int SIGABRT_EXIT = 128 + 6;
    private static final int SIGKILL_EXIT = 128 + 9;
    private static final long WATCH_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    /**
     * How the children are confined and what they may read.
     *
     * @param fonts font files by file name; the only files a child can open, so SVG text never depends on the host
     * @param defaultFontFamily the family for text that names none, or names the generic families
     * @param maxAddressSpaceBytes a child's address-space limit ({@code RLIMIT_AS}): its memory ceiling
     * @param maxChildren how many renders may run at once (one child each)
     */
    public record Settings(
            Map<String, byte[]> fonts, String defaultFontFamily, long maxAddressSpaceBytes, int maxChildren) {
        /** Copies the font map and checks the numbers. */
        public Settings {
            fonts = Map.copyOf(fonts);
            Objects.requireNonNull(defaultFontFamily, "defaultFontFamily");
            if (maxAddressSpaceBytes < 64L << 20) {
                throw new IllegalArgumentException("maxAddressSpaceBytes must be at least 64 MiB");
            }
            if (maxChildren < 1) {
                throw new IllegalArgumentException("maxChildren must be at least 1");
            }
            for (String name : fonts.keySet()) {
                if (!name.matches("[A-Za-z0-9._-]+") || name.startsWith(".")) {
                    throw new IllegalArgumentException("font file name '" + name + "' must be a plain file name");
                }
            }
        }
    }

    private final Settings settings;
    private final Path host;
    private final Path module;
    private final Path fontDir;
    private final String fontOptions;
    private final Semaphore permits;
    private final ConcurrentLinkedQueue<Child> idle = new ConcurrentLinkedQueue<>();
    private final Map<Child, Watch> active = new ConcurrentHashMap<>();
    private final ExecutorService spawner;
    private final Thread watchdog;
    private volatile boolean closed;

    private NativeResvg(Settings settings, Path dir) {
        this.settings = settings;
        this.host = dir.resolve("kiln-resvg-host");
        this.module = dir.resolve("resvgjs.node");
        this.fontDir = dir.resolve("fonts");
        this.fontOptions = fontOptions(settings, fontDir);
        this.permits = new Semaphore(settings.maxChildren());
        this.spawner = Executors.newSingleThreadExecutor(
                r -> Thread.ofPlatform().name("kiln-resvg-spawner").daemon(true).unstarted(r));
        this.watchdog =
                Thread.ofPlatform().name("kiln-resvg-watchdog").daemon(true).unstarted(this::watch);
    }

    /**
     * Unpacks the host, resvg's module and the fonts into a private directory under {@code java.io.tmpdir}, and
     * starts one child to prove that the host loads and confines itself on this machine.
     *
     * @throws IOException when the files cannot be written or the host does not start
     */
    public static NativeResvg start(Settings settings) throws IOException {
        NativeResvg engine = new NativeResvg(settings, unpack(settings));
        engine.watchdog.start();
        try {
            engine.idle.add(engine.spawn());
        } catch (IOException | RuntimeException e) {
            engine.close();
            throw e;
        }
        return engine;
    }

    /**
     * Renders {@code svg} at {@code fitWidth} pixels wide (0: the SVG's own size), refusing before any pixel is
     * allocated when the output would exceed {@code maxPixels}.
     *
     * @param cancelled polled every few milliseconds while the render runs; true kills the child
     * @throws ResvgFailure when no pixels come back; {@link ResvgFailure#kind()} says why
     * @throws InterruptedException when the caller is interrupted while waiting for a free child
     */
    public ArgbPixels render(byte[] svg, int fitWidth, long maxPixels, BooleanSupplier cancelled)
            throws ResvgFailure, InterruptedException {
        if (fitWidth < 0 || maxPixels < 1) {
            throw new IllegalArgumentException("fitWidth must be >= 0 and maxPixels >= 1");
        }
        permits.acquire();
        Child child = null;
        boolean reusable = false;
        try {
            child = takeChild();
            active.put(child, new Watch(Thread.currentThread(), cancelled));
            LockSupport.unpark(watchdog);
            try {
                ArgbPixels pixels = exchange(child, svg, fitWidth, maxPixels);
                reusable = true;
                return pixels;
            } catch (ResvgFailure e) {
                reusable = e.kind() == ResvgFailure.Kind.REFUSED || e.kind() == ResvgFailure.Kind.TOO_LARGE;
                throw e;
            } catch (IOException e) {
                throw lost(child, e);
            }
        } finally {
            if (child != null) {
                active.remove(child);
                if (reusable && !child.killed && !closed) {
                    idle.add(child);
                } else {
                    child.process.destroyForcibly();
                }
            }
            permits.release();
        }
    }

    /** How many children are alive now (idle or rendering). */
    public int liveChildren() {
        return (int) children().filter(c -> c.process.isAlive()).count();
    }

    /** Process ids of the children; tests kill them to show a crash costs one render, not the engine. */
    public List<Long> childPids() {
        return children().map(c -> c.process.pid()).toList();
    }

    private Stream<Child> children() {
        return Stream.concat(idle.stream(), active.keySet().stream());
    }

    /**
     * Runs a fresh child with {@code --probe}: after confining itself it tries to open each path, create a file,
     * open a socket, fork and exec, and prints one line per try. For the sandbox's test and for operators.
     */
    public String probeSandbox(List<Path> paths) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(baseCommand());
        command.add("--probe");
        paths.forEach(p -> command.add(p.toString()));
        Process p = new ProcessBuilder(command)
                .directory(fontDir.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return out;
    }

    /** The directory whose files a child may read: the fonts. */
    public Path fontDirectory() {
        return fontDir;
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(watchdog);
        Child c;
        while ((c = idle.poll()) != null) {
            c.process.destroyForcibly();
        }
        active.keySet().forEach(a -> a.process.destroyForcibly());
        spawner.shutdownNow();
    }

    private Child takeChild() throws InterruptedException, ResvgFailure {
        Child c;
        while ((c = idle.poll()) != null) {
            if (c.process.isAlive()) {
                return c;
            }
        }
        CompletableFuture<Child> started = CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return spawn();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                },
                spawner);
        try {
            return started.get();
        } catch (InterruptedException e) {
            // Keep the child the spawner is making for the next render instead of leaking it.
            started.thenAccept(idle::add);
            throw e;
        } catch (ExecutionException e) {
            throw new ResvgFailure(ResvgFailure.Kind.CRASHED, "the resvg host did not start", e.getCause());
        }
    }

    private List<String> baseCommand() {
        return List.of(
                host.toString(), module.toString(), fontDir.toString(), Long.toString(settings.maxAddressSpaceBytes()));
    }

    private Child spawn() throws IOException {
        if (closed) {
            throw new IOException("the engine is closed");
        }
        Process p = new ProcessBuilder(baseCommand())
                .directory(fontDir.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        Child child = new Child(p);
        byte[] ready = child.out.readNBytes(4);
        if (ready.length != 4
                || ByteBuffer.wrap(ready).order(ByteOrder.LITTLE_ENDIAN).getInt() != READY) {
            p.destroyForcibly();
            throw new IOException("the resvg host did not start (" + exitDescription(p) + ")");
        }
        return child;
    }

    private ArgbPixels exchange(Child child, byte[] svg, int fitWidth, long maxPixels)
            throws IOException, ResvgFailure {
        byte[] options = (fitWidth > 0
                        ? "{\"fitTo\":{\"mode\":\"width\",\"value\":" + fitWidth + "}," + fontOptions
                        : "{\"fitTo\":{\"mode\":\"original\"}," + fontOptions)
                .getBytes(StandardCharsets.UTF_8);
        ByteBuffer head = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        head.putInt(REQUEST)
                .putInt(svg.length)
                .putInt(options.length)
                .putInt(fitWidth)
                .putLong(maxPixels);
        child.in.write(head.array());
        child.in.write(svg);
        child.in.write(options);
        child.in.flush();

        ByteBuffer status = readLe(child.out, 8);
        if (status.getInt() != RESPONSE) {
            throw new IOException("the resvg host broke the protocol");
        }
        int code = status.getInt();
        if (code == 0) {
            ByteBuffer size = readLe(child.out, 12);
            int width = size.getInt();
            int height = size.getInt();
            int length = size.getInt();
            if ((long) width * height * 4 != length || length < 0 || width * (long) height > maxPixels) {
                throw new IOException("the resvg host sent " + width + "x" + height + " in " + length + " bytes");
            }
            return new ArgbPixels(width, height, readArgb(child, width * height));
        }
        int length = readLe(child.out, 4).getInt();
        if (length < 0 || length > 64 * 1024) {
            throw new IOException("the resvg host sent a " + length + " byte message");
        }
        String message = new String(child.out.readNBytes(length), StandardCharsets.UTF_8);
        throw new ResvgFailure(code == 2 ? ResvgFailure.Kind.TOO_LARGE : ResvgFailure.Kind.REFUSED, message);
    }

    private ResvgFailure lost(Child child, IOException cause) {
        if (child.killed) {
            return new ResvgFailure(ResvgFailure.Kind.CANCELLED, "the render was cancelled", cause);
        }
        try {
            child.process.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!child.process.isAlive() && child.process.exitValue() == SIGABRT_EXIT) {
            return new ResvgFailure(
                    ResvgFailure.Kind.OUT_OF_MEMORY,
                    "the render needed more than the " + (settings.maxAddressSpaceBytes() >> 20)
                            + " MiB an SVG render may use",
                    cause);
        }
        if (!child.process.isAlive() && child.process.exitValue() == SIGKILL_EXIT) {
            // Not ours (we would have marked it killed): the kernel's OOM killer, which takes a child first.
            return new ResvgFailure(
                    ResvgFailure.Kind.OUT_OF_MEMORY,
                    "the render's process was killed (SIGKILL), most likely by the kernel because the machine or container"
                            + " ran out of memory",
                    cause);
        }
        child.process.destroyForcibly();
        return new ResvgFailure(
                ResvgFailure.Kind.CRASHED, "the resvg host stopped (" + exitDescription(child.process) + ")", cause);
    }

    private static String exitDescription(Process p) {
        try {
            if (p.waitFor(2, TimeUnit.SECONDS)) {
                int code = p.exitValue();
                return code > 128 ? "signal " + (code - 128) : "exit code " + code;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "still running";
    }

    /** Reads {@code pixels} RGBA quadruples, turning each into a premultiplied ARGB int as it arrives. */
    private static int[] readArgb(Child child, int pixels) throws IOException {
        int[] argb = new int[pixels];
        byte[] chunk = child.chunk;
        int done = 0;
        while (done < pixels) {
            int want = Math.min(chunk.length / 4, pixels - done) * 4;
            int got = child.out.readNBytes(chunk, 0, want);
            if (got != want) {
                throw new IOException("the resvg host stopped mid-image");
            }
            for (int p = 0; p < want; p += 4) {
                argb[done++] = (chunk[p + 3] & 0xff) << 24
                        | (chunk[p] & 0xff) << 16
                        | (chunk[p + 1] & 0xff) << 8
                        | (chunk[p + 2] & 0xff);
            }
        }
        return argb;
    }

    private static ByteBuffer readLe(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new IOException("the resvg host closed its pipe");
        }
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Kills the child of every render whose caller cancelled it or was interrupted. */
    private void watch() {
        while (!closed) {
            if (active.isEmpty()) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, WATCH_INTERVAL_NANOS);
            }
            active.forEach((child, w) -> {
                boolean stop;
                try {
                    stop = w.thread.isInterrupted() || w.cancelled.getAsBoolean();
                } catch (RuntimeException e) {
                    stop = true;
                }
                if (stop && !child.killed) {
                    child.killed = true;
                    child.process.destroyForcibly();
                }
            });
        }
    }

    /** resvg-js's font options: only the bundled files, no system fonts, every generic family on the default. */
    private static String fontOptions(Settings settings, Path fontDir) {
        StringBuilder files = new StringBuilder();
        settings.fonts().keySet().stream().sorted().forEach(name -> {
            if (!files.isEmpty()) {
                files.append(',');
            }
            files.append(json(fontDir.resolve(name).toString()));
        });
        String family = json(settings.defaultFontFamily());
        return "\"font\":{\"loadSystemFonts\":false,\"fontFiles\":[" + files + "],\"defaultFontFamily\":" + family
                + ",\"sansSerifFamily\":" + family + ",\"serifFamily\":" + family + ",\"monospaceFamily\":" + family
                + ",\"cursiveFamily\":" + family + ",\"fantasyFamily\":" + family + "},\"logLevel\":\"off\"}";
    }

    private static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /**
     * Writes the host, the module and the fonts into {@code java.io.tmpdir/kiln-resvg-<digest>}, a directory only
     * this user can enter, named by the digest of everything in it, so that instances of one build share it and a
     * file that does not match is rewritten.
     */
    private static Path unpack(Settings settings) throws IOException {
        byte[] hostBytes = resource("kiln-resvg-host");
        byte[] moduleBytes = resource("resvgjs.node");
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        digest.update(hostBytes);
        digest.update(moduleBytes);
        settings.fonts().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(f -> {
            digest.update(f.getKey().getBytes(StandardCharsets.UTF_8));
            digest.update(f.getValue());
        });
        String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_-]", "_");
        Path dir = Path.of(System.getProperty("java.io.tmpdir"))
                .resolve("kiln-resvg-" + user + "-" + HexFormat.of().formatHex(digest.digest(), 0, 8));
        Path fonts = dir.resolve("fonts");
        Files.createDirectories(
                fonts, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        if (!Files.getOwner(dir).getName().equals(System.getProperty("user.name"))) {
            throw new IOException(dir + " belongs to another user");
        }
        install(dir.resolve("kiln-resvg-host"), hostBytes, "rwx------");
        install(dir.resolve("resvgjs.node"), moduleBytes, "r--------");
        for (Map.Entry<String, byte[]> f : settings.fonts().entrySet()) {
            install(fonts.resolve(f.getKey()), f.getValue(), "r--------");
        }
        return dir;
    }

    private static void install(Path target, byte[] content, String permissions) throws IOException {
        if (Files.isRegularFile(target) && java.util.Arrays.equals(Files.readAllBytes(target), content)) {
            return;
        }
        Path tmp = Files.createTempFile(target.getParent(), ".install-", ".tmp");
        try {
            Files.write(tmp, content);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(permissions));
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = NativeResvg.class.getResourceAsStream("native/" + name)) {
            if (in == null) {
                throw new IOException("resource dev/kiln/resvg/native/" + name + " is missing from the build");
            }
            return in.readAllBytes();
        }
    }

    private record Watch(Thread thread, BooleanSupplier cancelled) {}

    private static final class Child {
        final Process process;
        final OutputStream in;
        final InputStream out;
        /** Scratch for the pixels off the pipe, reused by every render of this child (one at a time). */
        final byte[] chunk = new byte[64 * 1024];

        volatile boolean killed;

        Child(Process process) {
            this.process = process;
            this.in = new BufferedOutputStream(process.getOutputStream(), 64 * 1024);
            this.out = new BufferedInputStream(process.getInputStream(), 64 * 1024);
        }
    }
}
