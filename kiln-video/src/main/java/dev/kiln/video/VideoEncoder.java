package dev.kiln.video;

import dev.kiln.render.CancellationSignal;
import dev.kiln.render.Frames;
import dev.kiln.render.OutputFormat;
import dev.kiln.render.OutputSpec;
import dev.kiln.render.PreparedRender;
import dev.kiln.render.RenderCancelledException;
import dev.kiln.render.RenderOutput;
import dev.kiln.render.Renderer;
import dev.kiln.renderpool.Admission;
import dev.kiln.renderpool.Outcome;
import dev.kiln.renderpool.PoolSnapshot;
import dev.kiln.renderpool.RenderPool;
import dev.kiln.renderpool.RenderTask;
import dev.kiln.renderpool.Ticker;
import dev.kiln.renderpool.Ticket;
import dev.kiln.video.internal.EncoderProcess;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.awt.image.SinglePixelPackedSampleModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Makes a video: renders its frames in batches on the bounded render pool and streams them as raw BGR0 into an ffmpeg
 * child process through its stdin pipe. At most two batches are in memory at once, one being written while the next
 * renders, so rendering and encoding overlap and no video is ever held whole. A watchdog kills the encoder when the
 * deadline passes or {@code cancel} fires, even while a write blocks on a stalled encoder.
 *
 * <p>GIF takes two passes: a palette from up to {@value #PALETTE_SAMPLES} evenly spaced frames ({@code palettegen}),
 * then every frame through {@code paletteuse}; a one-pass {@code split} would make ffmpeg buffer every frame until
 * the palette is known.
 */
public final class VideoEncoder {
    /** Longest side of a thumbnail, in pixels. */
    public static final int THUMBNAIL_BOX = 320;
    /** Frames sampled for a GIF's palette. */
    static final int PALETTE_SAMPLES = 32;
    /** How often the watchdog checks the deadline and cancellation. */
    static final Duration WATCHDOG_POLL = Duration.ofMillis(25);
    /** Longest wait between retries when the render pool refuses a batch (full queue). */
    static final Duration MAX_REJECTED_BACKOFF = Duration.ofMillis(200);
    /** How long to wait for an encoder's exit once its input ended or it was killed. */
    static final Duration REAP = Duration.ofSeconds(10);
    /** Default x264/libwebp threads per encoder: the render pool has the rest of the cores. */
    public static final int DEFAULT_ENCODER_THREADS = 2;

    /** Where a video is, for progress reports. */
    public interface Progress {
        /**
         * Reports {@code percent} (0–100) in {@code stage} ({@code rendering}, {@code encoding}, {@code finalizing});
         * returns false when the video should stop (the generation was cancelled).
         */
        boolean report(String stage, int percent);
    }

    private final Ffmpeg ffmpeg;
    private final RenderPool pool;
    private final Renderer renderer;
    private final Ticker ticker;
    private final int encoderThreads;

    /** An encoder running {@code ffmpeg}, rendering on {@code pool} with {@code renderer}, timed by {@code ticker}. */
    public VideoEncoder(Ffmpeg ffmpeg, RenderPool pool, Renderer renderer, Ticker ticker, int encoderThreads) {
        this.ffmpeg = Objects.requireNonNull(ffmpeg, "ffmpeg");
        this.pool = Objects.requireNonNull(pool, "pool");
        this.renderer = Objects.requireNonNull(renderer, "renderer");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        if (encoderThreads < 1 || encoderThreads > 64) {
            throw new IllegalArgumentException("encoderThreads must be 1–64, was " + encoderThreads);
        }
        this.encoderThreads = encoderThreads;
    }

    /**
     * Makes {@code video} in {@code workDir} (created if needed; the caller deletes it), by {@code deadlineNanos} on
     * this encoder's ticker.
     *
     * @throws RenderCancelledException when {@code cancel} fired or {@code progress} said stop; the encoder is dead
     * @throws VideoDeadlineException when the deadline passed; the encoder was killed
     * @throws EncoderFailedException when ffmpeg failed, with its exit code and stderr
     */
    public EncodedVideo encode(
            PreparedVideo video, Path workDir, CancellationSignal cancel, long deadlineNanos, Progress progress)
            throws IOException, InterruptedException {
        return make(
                video,
                workDir,
                "video." + video.spec().format().extension(),
                /* stills= */ true,
                cancel,
                deadlineNanos,
                progress);
    }

    /**
     * Makes one segment of a chunked MP4 as {@code fileName} in {@code workDir}: the same encoder settings as a whole
     * video, so that {@link #concat} can join segments without re-encoding; no poster or thumbnail.
     */
    public EncodedVideo encodeSegment(
            PreparedVideo video,
            Path workDir,
            String fileName,
            CancellationSignal cancel,
            long deadlineNanos,
            Progress progress)
            throws IOException, InterruptedException {
        if (video.spec().format() != VideoFormat.MP4) {
            throw new IllegalArgumentException("only MP4 videos are made in segments");
        }
        return make(video, workDir, fileName, /* stills= */ false, cancel, deadlineNanos, progress);
    }

    private EncodedVideo make(
            PreparedVideo video,
            Path workDir,
            String fileName,
            boolean stills,
            CancellationSignal cancel,
            long deadlineNanos,
            Progress progress)
            throws IOException, InterruptedException {
        VideoSpec spec = video.spec();
        Files.createDirectories(workDir);
        Path out = workDir.resolve(fileName);
        int total = spec.frames();
        // This job's frame cache (its own surfaces, never another job's), shared by its batches and passes.
        Frames.Sequence frames = Frames.sequence(video.frames(), MemoryEstimate.frameCacheBytes(spec));
        if (spec.format() == VideoFormat.GIF) {
            Path palette = workDir.resolve("palette.png");
            int samples = Math.min(PALETTE_SAMPLES, total);
            double[] times = new double[samples];
            for (int i = 0; i < samples; i++) {
                times[i] = spec.timeOf((int) ((long) i * total / samples));
            }
            List<String> args = input(spec);
            args.addAll(List.of("-vf", "palettegen=stats_mode=full", "-frames:v", "1", "-update", "1", "-y"));
            args.add(palette.getFileName().toString());
            pass(video, frames, times, args, workDir, cancel, deadlineNanos, progress, 0, 10);
            List<String> main = input(spec);
            main.addAll(List.of("-i", palette.getFileName().toString()));
            main.addAll(List.of("-lavfi", "[0:v][1:v]paletteuse=dither=sierra2_4a", "-loop", "0", "-an", "-y"));
            main.add(out.getFileName().toString());
            pass(video, frames, allTimes(spec), main, workDir, cancel, deadlineNanos, progress, 10, 90);
        } else {
            List<String> args = input(spec);
            args.addAll(
                    spec.format() == VideoFormat.MP4
                            ? List.of(
                                    "-c:v",
                                    "libx264",
                                    "-preset",
                                    "veryfast",
                                    "-crf",
                                    Integer.toString(spec.crf()),
                                    "-pix_fmt",
                                    "yuv420p",
                                    "-movflags",
                                    "+faststart",
                                    "-threads",
                                    Integer.toString(encoderThreads),
                                    "-an",
                                    "-f",
                                    "mp4",
                                    "-y")
                            : List.of(
                                    "-c:v",
                                    "libwebp_anim",
                                    "-lossless",
                                    "0",
                                    "-quality",
                                    Integer.toString(spec.quality()),
                                    "-loop",
                                    "0",
                                    "-threads",
                                    Integer.toString(encoderThreads),
                                    "-an",
                                    "-f",
                                    "webp",
                                    "-y"));
            args.add(out.getFileName().toString());
            pass(video, frames, allTimes(spec), args, workDir, cancel, deadlineNanos, progress, 0, 90);
        }
        long bytes = Files.size(out);
        if (bytes == 0) {
            throw new EncoderFailedException("ffmpeg exited 0 but wrote an empty " + out.getFileName());
        }
        if (!stills) {
            return new EncodedVideo(out, bytes, spec, new byte[0], new byte[0]);
        }
        report(progress, "finalizing", 95);
        byte[][] images = posterAndThumbnail(video, cancel, deadlineNanos);
        return new EncodedVideo(out, bytes, spec, images[0], images[1]);
    }

    private static double[] allTimes(VideoSpec spec) {
        double[] times = new double[spec.frames()];
        for (int i = 0; i < times.length; i++) {
            times[i] = spec.timeOf(i);
        }
        return times;
    }

    private static List<String> input(VideoSpec spec) {
        return new ArrayList<>(List.of(
                "-hide_banner",
                "-nostats",
                "-loglevel",
                "error",
                "-f",
                "rawvideo",
                "-pix_fmt",
                "bgr0",
                "-video_size",
                spec.width() + "x" + spec.height(),
                "-framerate",
                String.format(Locale.ROOT, "%.6f", spec.fps())
                        .replaceAll("0+$", "")
                        .replaceAll("\\.$", ""),
                "-i",
                "pipe:0"));
    }

    /** Why the watchdog killed an encoder. */
    private enum Stop {
        DEADLINE,
        CANCELLED
    }

    /**
     * One ffmpeg run over the frames at {@code times}; reports progress from {@code fromPercent} to
     * {@code toPercent} of the rendering stage.
     */
    private void pass(
            PreparedVideo video,
            Frames.Sequence frames,
            double[] times,
            List<String> args,
            Path workDir,
            CancellationSignal cancel,
            long deadline,
            Progress progress,
            int fromPercent,
            int toPercent)
            throws IOException, InterruptedException {
        AtomicReference<Stop> stopped = new AtomicReference<>();
        AtomicBoolean done = new AtomicBoolean();
        try (EncoderProcess enc = EncoderProcess.start(ffmpeg, args, workDir)) {
            Thread watchdog = Thread.ofVirtual()
                    .name("kiln-video-watchdog-" + enc.pid())
                    .start(() -> {
                        while (!done.get()) {
                            long left = deadline - ticker.nanos();
                            Stop why = left <= 0 ? Stop.DEADLINE : cancel.isCancelled() ? Stop.CANCELLED : null;
                            if (why != null) {
                                stopped.compareAndSet(null, why);
                                enc.kill();
                                return;
                            }
                            LockSupport.parkNanos(Math.min(left, WATCHDOG_POLL.toNanos()));
                        }
                    });
            CancellationSignal stop = () -> stopped.get() != null || cancel.isCancelled();
            try {
                // Frames' pixel arrays that went down the pipe, drawn into again by the next batches: at most a batch
                // of them waits here, in place of the arrays those frames would otherwise allocate.
                int batch = MemoryEstimate.batchFrames(video.spec().frameBytes());
                ArrayBlockingQueue<int[]> spent = new ArrayBlockingQueue<>(batch);
                Lookahead ahead = new Lookahead(
                        video.frames(), frames, times, video.spec().frameBytes(), stop, deadline, stopped, spent);
                ahead.topUp();
                while (ahead.hasPending()) {
                    List<int[]> frameBatch = await(ahead.next(), stopped);
                    // The next batches render on the pool while this one goes down the pipe.
                    ahead.topUp();
                    try {
                        for (int[] f : frameBatch) {
                            enc.write(f, video.spec().width() * video.spec().height());
                            spent.offer(f);
                        }
                    } catch (IOException e) {
                        ahead.cancel();
                        throw encoderGone(enc, stopped, e);
                    }
                    int next = ahead.taken();
                    frameBatch = null;
                    if (!progress.report(
                            "rendering",
                            fromPercent + (int) ((long) (toPercent - fromPercent) * next / times.length))) {
                        ahead.cancel();
                        throw new RenderCancelledException();
                    }
                }
                try {
                    enc.endInput();
                } catch (IOException e) {
                    throw encoderGone(enc, stopped, e);
                }
                report(progress, "encoding", toPercent);
                while (!enc.awaitExit(WATCHDOG_POLL.toNanos())) {
                    if (stopped.get() != null) {
                        break;
                    }
                }
                enc.awaitExit(REAP.toNanos());
                throwIfStopped(stopped);
                if (enc.isAlive()) {
                    throw new EncoderFailedException("ffmpeg did not exit after its input ended");
                }
                if (enc.exitCode() != 0) {
                    throw new EncoderFailedException(failure(enc));
                }
            } finally {
                done.set(true);
                watchdog.interrupt();
            }
        }
    }

    /**
     * The batches of one pass that are rendering, in frame order. With two at once a batch is half the memory
     * estimate's, so the raw frames in memory (one batch being written, two rendering) stay within its two. The
     * second batch is submitted only while the pool has an idle worker and nothing queued: an idle machine's cores
     * then draw one video together, and a busy pool still gives the video one worker at a time, as any job.
     */
    private final class Lookahead {
        private final PreparedRender prepared;
        private final Frames.Sequence frames;
        private final double[] times;
        private final CancellationSignal stop;
        private final long deadline;
        private final AtomicReference<Stop> stopped;
        private final ArrayBlockingQueue<int[]> spent;
        private final int step;
        private final int depth;
        private final java.util.ArrayDeque<Ticket<List<int[]>>> pending = new java.util.ArrayDeque<>();
        private final java.util.ArrayDeque<Integer> sizes = new java.util.ArrayDeque<>();
        private int submitted;
        private int taken;

        Lookahead(
                PreparedRender prepared,
                Frames.Sequence frames,
                double[] times,
                long frameBytes,
                CancellationSignal stop,
                long deadline,
                AtomicReference<Stop> stopped,
                ArrayBlockingQueue<int[]> spent) {
            this.spent = spent;
            this.prepared = prepared;
            this.frames = frames;
            this.times = times;
            this.stop = stop;
            this.deadline = deadline;
            this.stopped = stopped;
            int batch = MemoryEstimate.batchFrames(frameBytes);
            // One frame per batch (4K and up) leaves no room for a second batch within the estimate.
            this.depth = MemoryEstimate.renderingAtOnce(batch);
            this.step = Math.max(1, batch / depth);
        }

        /** Submits the next batches: the first always, a second while the pool has an idle worker. */
        void topUp() throws InterruptedException {
            while (submitted < times.length && pending.size() < depth && (pending.isEmpty() || spare())) {
                int to = Math.min(submitted + step, times.length);
                pending.add(submit(prepared, frames, times, submitted, to, stop, deadline, stopped, spent));
                sizes.add(to - submitted);
                submitted = to;
            }
        }

        private boolean spare() {
            PoolSnapshot s = pool.snapshot();
            return s.queued() == 0 && s.running() < s.workers();
        }

        boolean hasPending() {
            return !pending.isEmpty();
        }

        /** The oldest batch's ticket; its frames come next. */
        Ticket<List<int[]>> next() {
            taken += sizes.removeFirst();
            return pending.removeFirst();
        }

        /** Frames handed out so far. */
        int taken() {
            return taken;
        }

        void cancel() {
            pending.forEach(Ticket::cancel);
            pending.clear();
        }
    }

    private RuntimeException encoderGone(EncoderProcess enc, AtomicReference<Stop> stopped, IOException e)
            throws InterruptedException {
        enc.awaitExit(REAP.toNanos());
        throwIfStopped(stopped);
        if (enc.isAlive()) {
            return new EncoderFailedException("writing a frame to ffmpeg failed: " + e.getMessage());
        }
        return new EncoderFailedException(failure(enc));
    }

    private static String failure(EncoderProcess enc) {
        int code = enc.exitCode();
        String how = code > 128 ? "was killed by signal " + (code - 128) : "exited with code " + code;
        String err = enc.stderrTail();
        return "ffmpeg " + how + (err.isEmpty() ? "" : ": " + err);
    }

    private void throwIfStopped(AtomicReference<Stop> stopped) {
        Stop s = stopped.get();
        if (s == Stop.DEADLINE) {
            throw new VideoDeadlineException("the video ran past its deadline; its encoder was killed");
        }
        if (s == Stop.CANCELLED) {
            throw new RenderCancelledException();
        }
    }

    private static void report(Progress progress, String stage, int percent) {
        if (!progress.report(stage, percent)) {
            throw new RenderCancelledException();
        }
    }

    /** Admits frames {@code [from, to)} as one render-pool task, retrying briefly while the pool's queue is full. */
    private Ticket<List<int[]>> submit(
            PreparedRender prepared,
            Frames.Sequence frames,
            double[] times,
            int from,
            int to,
            CancellationSignal stop,
            long deadline,
            AtomicReference<Stop> stopped,
            ArrayBlockingQueue<int[]> spent)
            throws InterruptedException {
        RenderTask<List<int[]>> task = ctx -> {
            CancellationSignal c = () -> ctx.isCancelled() || stop.isCancelled();
            List<int[]> out = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                out.add(raw(frames.draw(times[i], c, spent.poll())));
            }
            return out;
        };
        long cost = prepared.pixels() * (to - from) + PreparedRender.FIXED_COST_UNITS;
        long backoff = Duration.ofMillis(10).toNanos();
        while (true) {
            throwIfStopped(stopped);
            if (stop.isCancelled()) {
                throw new RenderCancelledException();
            }
            Admission<List<int[]>> a = pool.submit(task, cost, deadline);
            if (a instanceof Admission.Accepted<List<int[]>> ok) {
                return ok.ticket();
            }
            Admission.Rejected<List<int[]>> r = (Admission.Rejected<List<int[]>>) a;
            switch (r.reason()) {
                case QUEUE_FULL -> {
                    // Synchronous renders filled the queue: wait a little and try again, within the deadline.
                    LockSupport.parkNanos(backoff);
                    backoff = Math.min(backoff * 2, MAX_REJECTED_BACKOFF.toNanos());
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                }
                case DEADLINE ->
                    throw new VideoDeadlineException(
                            "the render pool predicts the video cannot finish before its deadline");
                default ->
                    throw new IllegalStateException("render pool refused a batch of frames ("
                            + r.reason().wireName() + ")");
            }
        }
    }

    private List<int[]> await(Ticket<List<int[]>> ticket, AtomicReference<Stop> stopped) throws InterruptedException {
        Outcome<List<int[]>> outcome = ticket.await();
        return switch (outcome) {
            case Outcome.Completed<List<int[]>> c -> c.value();
            case Outcome.TimedOut<List<int[]>> t ->
                throw new VideoDeadlineException(
                        "the video ran past its deadline while rendering; its encoder was killed");
            case Outcome.Cancelled<List<int[]>> x -> {
                throwIfStopped(stopped);
                throw new RenderCancelledException();
            }
            case Outcome.Failed<List<int[]>> f -> {
                if (f.error() instanceof RenderCancelledException) {
                    throwIfStopped(stopped);
                }
                if (f.error() instanceof RuntimeException e) {
                    throw e;
                }
                throw new IllegalStateException("rendering a frame failed: " + f.error(), f.error());
            }
        };
    }

    /**
     * Joins MP4 {@code segments} (made by {@link #encodeSegment} with the same spec) into {@code fileName} in
     * {@code workDir} without re-encoding: ffmpeg's concat demuxer, {@code -c copy}, {@code +faststart}.
     *
     * @return the joined file
     * @throws VideoDeadlineException when the deadline passed; ffmpeg was killed
     * @throws EncoderFailedException when ffmpeg failed
     */
    public Path concat(List<Path> segments, Path workDir, String fileName, CancellationSignal cancel, long deadline)
            throws IOException, InterruptedException {
        Path list = workDir.resolve("segments.txt");
        StringBuilder b = new StringBuilder();
        for (Path seg : segments) {
            String name = workDir.relativize(seg).toString();
            if (name.contains("'") || name.contains("\n")) {
                throw new IllegalArgumentException("a segment name must not contain quotes or newlines: " + name);
            }
            b.append("file '").append(name).append("'\n");
        }
        Files.writeString(list, b.toString());
        Path out = workDir.resolve(fileName);
        List<String> args = List.of(
                "-hide_banner",
                "-nostats",
                "-loglevel",
                "error",
                "-f",
                "concat",
                "-safe",
                "0",
                "-i",
                list.getFileName().toString(),
                "-c",
                "copy",
                "-movflags",
                "+faststart",
                "-f",
                "mp4",
                "-y",
                out.getFileName().toString());
        try (EncoderProcess p = EncoderProcess.start(ffmpeg, args, workDir)) {
            p.endInput();
            while (!p.awaitExit(WATCHDOG_POLL.toNanos())) {
                if (deadline - ticker.nanos() <= 0) {
                    p.kill();
                    throw new VideoDeadlineException(
                            "joining the video's segments ran past its deadline; ffmpeg was killed");
                }
                if (cancel.isCancelled()) {
                    p.kill();
                    throw new RenderCancelledException();
                }
            }
            if (p.exitCode() != 0) {
                throw new EncoderFailedException(failure(p));
            }
        }
        if (!Files.isRegularFile(out) || Files.size(out) == 0) {
            throw new EncoderFailedException("ffmpeg exited 0 but wrote no joined video");
        }
        return out;
    }

    /**
     * The poster (PNG at full size) and the thumbnail (WebP within {@link #THUMBNAIL_BOX}), both of the middle frame:
     * the first frame of an animation is often empty (a fade-in).
     */
    public byte[][] posterAndThumbnail(PreparedVideo video, CancellationSignal cancel, long deadline)
            throws InterruptedException {
        VideoSpec spec = video.spec();
        double t = spec.timeOf(spec.frames() / 2);
        double scale = Math.min(1.0, (double) THUMBNAIL_BOX / Math.max(spec.width(), spec.height()));
        int tw = (int) Math.max(1, Math.round(spec.width() * scale));
        int th = (int) Math.max(1, Math.round(spec.height() * scale));
        PreparedRender poster = new PreparedRender(
                video.frames().document(),
                new OutputSpec(OutputFormat.PNG, OutputSpec.DEFAULT_QUALITY, spec.width(), spec.height(), 0, t));
        PreparedRender thumb =
                new PreparedRender(video.frames().document(), new OutputSpec(OutputFormat.WEBP, 80, tw, th, 0, t));
        RenderTask<byte[][]> task = ctx -> {
            CancellationSignal c = () -> ctx.isCancelled() || cancel.isCancelled();
            RenderOutput p = renderer.render(poster, c);
            RenderOutput s = renderer.render(thumb, c);
            return new byte[][] {p.bytes(), s.bytes()};
        };
        long cost = poster.costUnits() + thumb.costUnits();
        while (true) {
            if (cancel.isCancelled()) {
                throw new RenderCancelledException();
            }
            Admission<byte[][]> a = pool.submit(task, cost, deadline);
            if (a instanceof Admission.Accepted<byte[][]> ok) {
                Outcome<byte[][]> o = ok.ticket().await();
                return switch (o) {
                    case Outcome.Completed<byte[][]> c -> c.value();
                    case Outcome.TimedOut<byte[][]> x ->
                        throw new VideoDeadlineException("the video ran past its deadline while drawing its poster");
                    case Outcome.Cancelled<byte[][]> x -> throw new RenderCancelledException();
                    case Outcome.Failed<byte[][]> f -> {
                        if (f.error() instanceof RuntimeException e) {
                            throw e;
                        }
                        throw new IllegalStateException("drawing the poster failed: " + f.error(), f.error());
                    }
                };
            }
            Admission.Rejected<byte[][]> r = (Admission.Rejected<byte[][]>) a;
            if (r.reason() != dev.kiln.renderpool.RejectReason.QUEUE_FULL) {
                throw new IllegalStateException(
                        "render pool refused the poster (" + r.reason().wireName() + ")");
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }

    /**
     * The frame's pixels as packed {@code 0x??RRGGBB} ints, row by row: written little-endian they are raw BGR0 (the
     * byte ffmpeg reads as padding is the alpha, which it ignores). A premultiplied frame dropped of its alpha is the
     * frame over black, which is what an opaque video shows for transparent areas. A packed frame's own pixel array
     * is handed over as it is (the frame is the caller's, see {@link Frames.Sequence#draw}), with no copy; at least
     * {@code width × height} long.
     */
    static int[] raw(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        BufferedImage img = image;
        if (!packed(img)) {
            BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = rgb.createGraphics();
            try {
                g.drawImage(img, 0, 0, null);
            } finally {
                g.dispose();
            }
            img = rgb;
        }
        return ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
    }

    private static boolean packed(BufferedImage img) {
        int type = img.getType();
        if (type != BufferedImage.TYPE_INT_RGB && type != BufferedImage.TYPE_INT_ARGB_PRE) {
            return false;
        }
        return img.getRaster().getDataBuffer() instanceof DataBufferInt db
                && db.getOffset() == 0
                && db.getNumBanks() == 1
                && img.getRaster().getSampleModel() instanceof SinglePixelPackedSampleModel sm
                && sm.getScanlineStride() == img.getWidth()
                && img.getRaster().getSampleModelTranslateX() == 0
                && img.getRaster().getSampleModelTranslateY() == 0
                && db.getData().length >= img.getWidth() * img.getHeight();
    }
}
