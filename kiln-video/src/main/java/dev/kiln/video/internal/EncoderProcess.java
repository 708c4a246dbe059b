package dev.kiln.video.internal;

import dev.kiln.video.Ffmpeg;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One ffmpeg child process fed raw frames on its stdin. Its stderr is drained by a virtual thread into a bounded tail
 * (so a chatty encoder can never block on a full pipe), and {@link #kill} ends it and any child it started, then reaps
 * it. {@link #close} kills it when it is still running, so no code path leaves a child behind.
 */
public final class EncoderProcess implements AutoCloseable {
    /** Bytes of stderr kept for the error message. */
    static final int STDERR_TAIL_BYTES = 4096;
    /** How long a killed process may take to be reaped. */
    static final long REAP_SECONDS = 10;

    private final Process process;
    private final OutputStream stdin;
    private final Thread stderrReader;
    /**
     * Bytes of a frame written to stdin at a time: small enough to stay in the CPU's cache and below the JDK's
     * on-stack write buffer, so a frame costs no frame-sized allocation (measured: 0.6 ms of CPU a 1200×630 frame
     * against 1.5–1.9 ms for a frame-sized byte array written at once; BENCHMARKS.md).
     */
    static final int CHUNK_BYTES = 8192;

    private final byte[] tail = new byte[STDERR_TAIL_BYTES];
    private final byte[] chunk = new byte[CHUNK_BYTES];
    private final IntBuffer chunkInts =
            ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
    private int tailLength;
    private volatile boolean killed;

    private EncoderProcess(Process process) {
        this.process = process;
        this.stdin = process.getOutputStream();
        this.stderrReader =
                Thread.ofVirtual().name("kiln-ffmpeg-stderr-" + process.pid()).start(this::drainStderr);
    }

    /** Starts {@code ffmpeg args…} in {@code workDir}. */
    public static EncoderProcess start(Ffmpeg ffmpeg, List<String> args, Path workDir) throws IOException {
        ProcessBuilder pb = ffmpeg.command(ffmpeg.ffmpeg(), args)
                .directory(workDir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        return new EncoderProcess(pb.start());
    }

    /** The child's process id. */
    public long pid() {
        return process.pid();
    }

    /**
     * Writes one raw frame, {@code pixels} as little-endian ints (BGR0 for {@code 0x00RRGGBB}); throws when the encoder
     * has gone (a broken pipe). The pixels go down the pipe through one small reused buffer of
     * {@link #CHUNK_BYTES}: no frame-sized byte array is made, and the JDK's write copies each chunk through a small
     * native buffer instead of allocating one of the frame's size (docs/video.md, "The frame pipeline").
     */
    public void write(int[] pixels, int count) throws IOException {
        if (count < 0 || count > pixels.length) {
            throw new IllegalArgumentException("count " + count + " outside 0.." + pixels.length);
        }
        int per = CHUNK_BYTES / 4;
        for (int from = 0; from < count; from += per) {
            int n = Math.min(per, count - from);
            chunkInts.clear();
            chunkInts.put(pixels, from, n);
            stdin.write(chunk, 0, 4 * n);
        }
    }

    /** Closes stdin: the end of the input, after which ffmpeg finishes the file and exits. */
    public void endInput() throws IOException {
        stdin.close();
    }

    /** Waits up to {@code nanos} for the process to exit; true when it has. */
    public boolean awaitExit(long nanos) throws InterruptedException {
        return process.waitFor(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    /** Whether the process is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code; only once exited. */
    public int exitCode() {
        return process.exitValue();
    }

    /** Whether {@link #kill} ended it. */
    public boolean wasKilled() {
        return killed;
    }

    /** Kills the process (SIGKILL) and its descendants, then reaps it. */
    public void kill() {
        killed = true;
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(REAP_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last {@value #STDERR_TAIL_BYTES} bytes ffmpeg wrote to stderr, as text, stripped. */
    public String stderrTail() {
        try {
            stderrReader.join(java.time.Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (tail) {
            return new String(tail, 0, tailLength, StandardCharsets.UTF_8).strip();
        }
    }

    private void drainStderr() {
        byte[] buf = new byte[8192];
        try (InputStream err = process.getErrorStream()) {
            int n;
            while ((n = err.read(buf)) >= 0) {
                synchronized (tail) {
                    if (n >= tail.length) {
                        System.arraycopy(buf, n - tail.length, tail, 0, tail.length);
                        tailLength = tail.length;
                    } else {
                        int keep = Math.min(tailLength, tail.length - n);
                        System.arraycopy(tail, tailLength - keep, tail, 0, keep);
                        System.arraycopy(buf, 0, tail, keep, n);
                        tailLength = keep + n;
                    }
                }
            }
        } catch (IOException e) {
            // The process was killed or its pipe closed: what was read so far is the tail.
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
        try {
            stdin.close();
        } catch (IOException e) {
            // Broken pipe on a dead encoder: nothing left to flush.
        }
    }
}
