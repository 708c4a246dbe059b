package dev.kiln.video;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ffmpeg and ffprobe executables Kiln runs as child processes. The preferred ones come from Maven, inside the
 * {@code org.bytedeco:ffmpeg:…:linux-x86_64-gpl} jar (ffmpeg 7.1 with libx264, libwebp and the GIF palette
 * filters): {@link #locate} extracts them with their shared libraries into a cache directory once, then checks they
 * start. When they do not (another platform, a missing system library), it falls back to {@code ffmpeg} on the
 * {@code PATH}.
 *
 * @param ffmpeg the ffmpeg executable
 * @param ffprobe the ffprobe executable (tests and tools use it to check outputs)
 * @param environment variables the executables need (the bundled ones find their libraries through
 *     {@code LD_LIBRARY_PATH})
 * @param source where they came from, for logs: {@code bundled 7.1.1-1.5.12} or {@code system}
 */
public record Ffmpeg(Path ffmpeg, Path ffprobe, Map<String, String> environment, String source) {
    private static final Logger LOG = LoggerFactory.getLogger(Ffmpeg.class);

    /** Where the bundled executables live inside the classifier jar. */
    static final String RESOURCE_DIR = "org/bytedeco/ffmpeg/linux-x86_64-gpl/";
    /** The bundled build; part of the cache directory's name so an upgrade extracts afresh. */
    public static final String BUNDLED_VERSION = "7.1.1-1.5.12";
    /** How long the start-up check ({@code ffmpeg -version}) may take. */
    static final long CHECK_TIMEOUT_SECONDS = 20;

    public Ffmpeg {
        Objects.requireNonNull(ffmpeg, "ffmpeg");
        Objects.requireNonNull(ffprobe, "ffprobe");
        environment = Map.copyOf(environment);
        Objects.requireNonNull(source, "source");
    }

    /** The default cache directory: {@code $TMPDIR/kiln-ffmpeg-<version>}. */
    public static Path defaultCacheDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "kiln-ffmpeg-" + BUNDLED_VERSION);
    }

    /**
     * The bundled executables, extracted into {@code cacheDir} if needed, or the system's; fails when neither starts.
     *
     * @throws FfmpegUnavailableException naming what was tried and why it failed
     */
    public static Ffmpeg locate(Path cacheDir) {
        List<String> tried = new ArrayList<>();
        try {
            Optional<Ffmpeg> bundled = bundled(cacheDir);
            if (bundled.isPresent()) {
                String problem = check(bundled.get());
                if (problem == null) {
                    return bundled.get();
                }
                tried.add("bundled ffmpeg in " + cacheDir + ": " + problem);
                LOG.warn("the bundled ffmpeg does not start ({}); trying ffmpeg on the PATH", problem);
            } else {
                tried.add("no bundled ffmpeg on the class path (org.bytedeco:ffmpeg:linux-x86_64-gpl)");
            }
        } catch (IOException | UncheckedIOException e) {
            tried.add("extracting the bundled ffmpeg into " + cacheDir + ": " + e.getMessage());
        }
        Ffmpeg system = new Ffmpeg(Path.of("ffmpeg"), Path.of("ffprobe"), Map.of(), "system");
        String problem = check(system);
        if (problem == null) {
            return system;
        }
        tried.add("ffmpeg on the PATH: " + problem);
        throw new FfmpegUnavailableException("no usable ffmpeg: " + String.join("; ", tried));
    }

    /** A process builder for {@code executable args…} with this build's environment. */
    public ProcessBuilder command(Path executable, List<String> args) {
        List<String> cmd = new ArrayList<>(args.size() + 1);
        cmd.add(executable.toString());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(environment);
        return pb;
    }

    /** Null when {@code ffmpeg -version} runs and exits 0; otherwise what went wrong. */
    static String check(Ffmpeg f) {
        try {
            Process p = f.command(f.ffmpeg(), List.of("-hide_banner", "-version"))
                    .redirectErrorStream(true)
                    .start();
            p.getOutputStream().close();
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readNBytes(64 * 1024);
            }
            if (!p.waitFor(CHECK_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "ffmpeg -version did not finish in " + CHECK_TIMEOUT_SECONDS + " s";
            }
            if (p.exitValue() != 0) {
                String text = new String(out, StandardCharsets.UTF_8).strip();
                return "exit code " + p.exitValue() + (text.isEmpty() ? "" : ": " + abbreviate(text));
            }
            return null;
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** The bundled executables, extracted into {@code cacheDir}; empty when the jar is not on the class path. */
    static Optional<Ffmpeg> bundled(Path cacheDir) throws IOException {
        URL url = Ffmpeg.class.getClassLoader().getResource(RESOURCE_DIR + "ffmpeg");
        if (url == null) {
            return Optional.empty();
        }
        Path dir = cacheDir.toAbsolutePath();
        if (!Files.isRegularFile(dir.resolve(".complete"))) {
            extract(url, dir);
        }
        return Optional.of(new Ffmpeg(
                dir.resolve("ffmpeg"),
                dir.resolve("ffprobe"),
                Map.of("LD_LIBRARY_PATH", dir.toString()),
                "bundled " + BUNDLED_VERSION));
    }

    /**
     * Extracts the executables and libraries next to {@code dir}, then renames the whole directory into place, so a
     * concurrent start (another test JVM, another instance) sees either nothing or everything.
     */
    private static void extract(URL url, Path dir) throws IOException {
        Files.createDirectories(dir.getParent());
        Path tmp = Files.createTempDirectory(dir.getParent(), dir.getFileName() + ".tmp-");
        try {
            if (url.getProtocol().equals("jar")) {
                JarURLConnection conn = (JarURLConnection) url.openConnection();
                conn.setUseCaches(false);
                try (JarFile jar = conn.getJarFile()) {
                    Enumeration<JarEntry> entries = jar.entries();
                    while (entries.hasMoreElements()) {
                        JarEntry e = entries.nextElement();
                        String name = e.getName();
                        if (e.isDirectory()
                                || !name.startsWith(RESOURCE_DIR)
                                || name.indexOf('/', RESOURCE_DIR.length()) >= 0) {
                            continue;
                        }
                        try (InputStream in = jar.getInputStream(e)) {
                            Files.copy(in, tmp.resolve(name.substring(RESOURCE_DIR.length())));
                        }
                    }
                }
            } else {
                Path source = Path.of(java.net.URI.create(url.toString())).getParent();
                try (Stream<Path> files = Files.list(source)) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        if (Files.isRegularFile(f)) {
                            Files.copy(f, tmp.resolve(f.getFileName().toString()));
                        }
                    }
                }
            }
            for (String exe : List.of("ffmpeg", "ffprobe")) {
                if (!tmp.resolve(exe).toFile().setExecutable(true, /* ownerOnly= */ false)) {
                    throw new IOException("cannot make " + exe + " executable");
                }
            }
            // The libraries ask for the versioned sonames of libva that the jar ships unversioned (JavaCPP's loader
            // makes these links itself).
            for (String lib : List.of("libva.so", "libva-drm.so")) {
                if (Files.exists(tmp.resolve(lib))) {
                    Files.createSymbolicLink(tmp.resolve(lib + ".2"), Path.of(lib));
                }
            }
            Files.writeString(tmp.resolve(".complete"), BUNDLED_VERSION + "\n");
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                // Another process won the race (or left a broken directory behind without its marker).
                if (!Files.isRegularFile(dir.resolve(".complete"))) {
                    deleteTree(dir);
                    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                }
            } catch (java.nio.file.DirectoryNotEmptyException e) {
                if (!Files.isRegularFile(dir.resolve(".complete"))) {
                    deleteTree(dir);
                    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                }
            }
        } finally {
            if (Files.exists(tmp)) {
                deleteTree(tmp);
            }
        }
    }

    /** Deletes a directory tree; used for work and cache directories. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 297) + "...";
    }
}
