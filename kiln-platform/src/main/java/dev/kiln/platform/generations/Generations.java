package dev.kiln.platform.generations;

import dev.kiln.platform.Changes;
import dev.kiln.platform.ConflictException;
import dev.kiln.platform.NotFoundException;
import dev.kiln.platform.Page;
import dev.kiln.platform.PageRequest;
import dev.kiln.platform.Sql;
import dev.kiln.platform.credits.Credits;
import dev.kiln.platform.projects.Scene;
import dev.kiln.platform.projects.Scenes;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Generations: submit (insert, debit and enqueue in one transaction), read, list, cancel, and the terminal failure
 * the worker reports. Every client-facing statement names the user. Thread-safe.
 */
public final class Generations {

    /** Longest {@code Idempotency-Key}, in characters. */
    public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;
    /** Longest error message kept on a failed generation, in characters. */
    public static final int MAX_ERROR_MESSAGE_LENGTH = 2000;

    /**
     * First key of the two-key advisory lock that serialises requests sharing an Idempotency-Key; a namespace, so
     * other advisory locks in the database (the queue's, say) cannot collide with these.
     */
    static final int IDEMPOTENCY_LOCK_NAMESPACE = 0x4b494c4e; // "KILN"

    private static final String COLUMNS = """
            id, user_id, project_id, scene_id, status, progress, stage, attempt, cost, output::text AS output,
            thumbnail_url, error::text AS error, job_id, created_at, started_at, finished_at, updated_at""";
    private static final String TRY_LOCK = "SELECT pg_try_advisory_xact_lock(?, hashtext(?))";
    private static final String BY_KEY =
            "SELECT " + COLUMNS + ", request_hash FROM generations" + " WHERE user_id = ? AND idempotency_key = ?";
    private static final String INSERT = """
            INSERT INTO generations
                (user_id, project_id, scene_id, cost, render_request, idempotency_key, request_hash)
            VALUES (?, ?, ?, ?, ?::jsonb, ?, ?)
            RETURNING id""";
    private static final String SET_JOB = "UPDATE generations SET job_id = ? WHERE id = ? RETURNING " + COLUMNS;
    private static final String GET = "SELECT " + COLUMNS + " FROM generations WHERE id = ? AND user_id = ?";
    static final String LIST = "SELECT " + COLUMNS + """

             FROM generations
            WHERE user_id = ? AND id < ?
            ORDER BY id DESC
            LIMIT ?""";
    static final String LIST_BY_STATUS = "SELECT " + COLUMNS + """

             FROM generations
            WHERE user_id = ? AND status = ? AND id < ?
            ORDER BY id DESC
            LIMIT ?""";
    // The status guard makes the transition happen once: a second cancel or failure finds no row to move, so the
    // refund that follows runs at most once per generation.
    private static final String CANCEL = """
            UPDATE generations SET status = 'canceled', finished_at = now(), updated_at = now()
             WHERE id = ? AND user_id = ? AND status IN ('queued', 'processing')
            RETURNING""" + " " + COLUMNS;
    private static final String FAIL = """
            UPDATE generations
               SET status = 'failed', error = jsonb_build_object('code', ?::text, 'message', ?::text),
                   finished_at = now(), updated_at = now()
             WHERE id = ? AND status IN ('queued', 'processing')
            RETURNING""" + " " + COLUMNS;
    private static final String STATUS = "SELECT status FROM generations WHERE id = ? AND user_id = ?";

    private final DataSource dataSource;
    private final GenerationJobs jobs;
    private final Changes changes;

    /** Generations stored in {@code dataSource}, their jobs enqueued through {@code jobs}. */
    public Generations(DataSource dataSource, GenerationJobs jobs) {
        this(dataSource, jobs, Changes.NONE);
    }

    /** Generations stored in {@code dataSource}; every committed change is told to {@code changes}. */
    public Generations(DataSource dataSource, GenerationJobs jobs, Changes changes) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.jobs = Objects.requireNonNull(jobs, "jobs");
        this.changes = Objects.requireNonNull(changes, "changes");
    }

    /**
     * A create request's {@code Idempotency-Key}.
     *
     * @param key the client's key, 1–255 characters
     * @param requestHash SHA-256 of the request (scene and canonical body), 32 bytes
     */
    public record IdempotencyKey(String key, byte[] requestHash) {
        public IdempotencyKey {
            if (key == null || key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY_LENGTH) {
                throw new IllegalArgumentException(
                        "Idempotency-Key must be 1–" + MAX_IDEMPOTENCY_KEY_LENGTH + " characters");
            }
            if (requestHash == null || requestHash.length != 32) {
                throw new IllegalArgumentException("requestHash must be a SHA-256 digest");
            }
            requestHash = requestHash.clone();
        }
    }

    /**
     * A generation to submit.
     *
     * @param userId who pays
     * @param sceneId the user's scene to render
     * @param renderRequestJson {@code {document, output}} as validated by the render engine, as JSON text
     * @param cost credits to debit, from {@link dev.kiln.platform.credits.Pricing}
     * @param idempotencyKey the client's key, if it sent one
     * @param kind still or video
     */
    public record Submit(
            long userId,
            long sceneId,
            String renderRequestJson,
            long cost,
            Optional<IdempotencyKey> idempotencyKey,
            GenerationKind kind) {
        /** A still. */
        public Submit(
                long userId,
                long sceneId,
                String renderRequestJson,
                long cost,
                Optional<IdempotencyKey> idempotencyKey) {
            this(userId, sceneId, renderRequestJson, cost, idempotencyKey, GenerationKind.STILL);
        }

        public Submit {
            Objects.requireNonNull(renderRequestJson, "renderRequestJson");
            Objects.requireNonNull(idempotencyKey, "idempotencyKey");
            Objects.requireNonNull(kind, "kind");
            if (cost < 1) {
                throw new IllegalArgumentException("cost must be positive, was " + cost);
            }
        }
    }

    /**
     * The answer to a submit.
     *
     * @param generation the generation as submitted
     * @param replayed true when an earlier request with the same Idempotency-Key made it
     */
    public record Submitted(Generation generation, boolean replayed) {}

    /**
     * The first answer to an earlier request with this key, if there was one; a cheap check before validating a
     * document again. {@link #submit} checks again under the key's lock.
     *
     * @throws IdempotencyKeyReusedException when the key was used for a different request
     */
    public Optional<Generation> replay(long userId, IdempotencyKey key) {
        return Sql.once(dataSource, "reading an idempotent generation", c -> byKey(c, userId, key));
    }

    /**
     * Inserts the generation, debits its cost and enqueues its job, all in one transaction; or replays the first
     * answer to the same Idempotency-Key and request.
     *
     * @throws NotFoundException when the scene does not exist or is another user's
     * @throws dev.kiln.platform.credits.InsufficientCreditsException when the balance is short
     * @throws IdempotencyKeyInUseException while another request with the same key is in flight
     * @throws IdempotencyKeyReusedException when the key was used for a different request
     */
    public Submitted submit(Submit s) {
        Submitted submitted = Sql.transaction(dataSource, "submitting a generation", c -> {
            if (s.idempotencyKey().isPresent()) {
                IdempotencyKey key = s.idempotencyKey().get();
                // Not a blocking lock: a duplicate that arrives while the first is in flight is told so (409) at
                // once, rather than waiting and replaying an answer its client may already have given up on.
                if (!tryLock(c, s.userId(), key.key())) {
                    throw new IdempotencyKeyInUseException();
                }
                Optional<Generation> earlier = byKey(c, s.userId(), key);
                if (earlier.isPresent()) {
                    return new Submitted(earlier.get(), /* replayed= */ true);
                }
            }
            Scene scene = Scenes.lockForShare(c, s.userId(), s.sceneId());
            long id = insert(c, s, scene);
            long jobId = jobs.enqueue(c, new GenerationJob(id, s.userId(), s.cost(), s.kind()));
            Generation g;
            try (PreparedStatement ps = c.prepareStatement(SET_JOB)) {
                ps.setLong(1, jobId);
                ps.setLong(2, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    g = map(rs);
                }
            }
            // Last, just before the commit: the debit locks the user's row, and every other debit of this user
            // waits for that lock, so it is held for as short a time as possible. A short balance still rolls
            // back the generation and its job with it.
            Credits.debit(c, s.userId(), s.cost(), id);
            return new Submitted(g, /* replayed= */ false);
        });
        if (!submitted.replayed()) {
            changes.generationsChanged(s.userId(), submitted.generation().id());
        }
        return submitted;
    }

    /**
     * The user's generation {@code id}.
     *
     * @throws NotFoundException when it does not exist or is another user's
     */
    public Generation get(long userId, long id) {
        return Sql.once(dataSource, "reading a generation", c -> {
            try (PreparedStatement ps = c.prepareStatement(GET)) {
                ps.setLong(1, id);
                ps.setLong(2, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw notFound(id);
                    }
                    return map(rs);
                }
            }
        });
    }

    /** The user's generations, newest first, optionally only those in {@code status}. */
    public Page<Generation> list(long userId, Optional<GenerationStatus> status, PageRequest page) {
        return Sql.once(dataSource, "listing generations", c -> {
            List<Generation> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(status.isPresent() ? LIST_BY_STATUS : LIST)) {
                int i = 1;
                ps.setLong(i++, userId);
                if (status.isPresent()) {
                    ps.setString(i++, status.get().wireName());
                }
                ps.setLong(i++, page.after().orElse(Long.MAX_VALUE));
                ps.setInt(i, page.limit() + 1);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(map(rs));
                    }
                }
            }
            return page.page(rows, Generation::id);
        });
    }

    /**
     * Cancels the user's generation {@code id} before it completes: it becomes {@code canceled}, its cost is
     * refunded, and its job is cancelled, in one transaction.
     *
     * @throws NotFoundException when it does not exist or is another user's
     * @throws ConflictException when it is already terminal (nothing is refunded twice)
     */
    public Generation cancel(long userId, long id) {
        Generation canceled = Sql.transaction(dataSource, "cancelling a generation", c -> {
            Generation g;
            try (PreparedStatement ps = c.prepareStatement(CANCEL)) {
                ps.setLong(1, id);
                ps.setLong(2, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw alreadyTerminalOrMissing(c, userId, id);
                    }
                    g = map(rs);
                }
            }
            Credits.refund(c, g.userId(), g.cost(), g.id());
            if (g.jobId().isPresent()) {
                jobs.cancel(c, g.jobId().get());
            }
            return g;
        });
        changes.generationsChanged(userId, id);
        return canceled;
    }

    /**
     * Marks generation {@code id} failed for good (its job has spent its attempts) with its last error, and refunds
     * its cost, in one transaction. The worker calls this; it does not check the owner.
     *
     * @return true when it moved to {@code failed}; false when it was already terminal (then nothing is refunded)
     * @throws NotFoundException when it does not exist
     */
    public boolean failPermanently(long id, String errorCode, String errorMessage) {
        Objects.requireNonNull(errorCode, "errorCode");
        Objects.requireNonNull(errorMessage, "errorMessage");
        String message = errorMessage.length() > MAX_ERROR_MESSAGE_LENGTH
                ? errorMessage.substring(0, MAX_ERROR_MESSAGE_LENGTH)
                : errorMessage;
        long owner = Sql.transaction(dataSource, "failing a generation", c -> {
            Generation g;
            try (PreparedStatement ps = c.prepareStatement(FAIL)) {
                ps.setString(1, errorCode);
                ps.setString(2, message);
                ps.setLong(3, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        if (!exists(c, id)) {
                            throw notFound(id);
                        }
                        return -1L;
                    }
                    g = map(rs);
                }
            }
            Credits.refund(c, g.userId(), g.cost(), g.id());
            return g.userId();
        });
        if (owner < 0) {
            return false;
        }
        changes.generationsChanged(owner, id);
        return true;
    }

    private static boolean tryLock(Connection c, long userId, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(TRY_LOCK)) {
            ps.setInt(1, IDEMPOTENCY_LOCK_NAMESPACE);
            ps.setString(2, userId + ":" + key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static Optional<Generation> byKey(Connection c, long userId, IdempotencyKey key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BY_KEY)) {
            ps.setLong(1, userId);
            ps.setString(2, key.key());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                if (!MessageDigest.isEqual(rs.getBytes("request_hash"), key.requestHash())) {
                    throw new IdempotencyKeyReusedException();
                }
                return Optional.of(map(rs).asSubmitted());
            }
        }
    }

    private static long insert(Connection c, Submit s, Scene scene) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setLong(1, s.userId());
            ps.setLong(2, scene.projectId());
            ps.setLong(3, scene.id());
            ps.setLong(4, s.cost());
            ps.setString(5, s.renderRequestJson());
            if (s.idempotencyKey().isPresent()) {
                ps.setString(6, s.idempotencyKey().get().key());
                ps.setBytes(7, s.idempotencyKey().get().requestHash());
            } else {
                ps.setNull(6, Types.VARCHAR);
                ps.setNull(7, Types.BINARY);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            if (Sql.hasState(e, Sql.UNIQUE_VIOLATION)) {
                // Only the idempotency index is unique here, and the advisory lock keeps duplicates apart; this is
                // the belt to that brace.
                throw new IdempotencyKeyInUseException();
            }
            throw e;
        }
    }

    private static RuntimeException alreadyTerminalOrMissing(Connection c, long userId, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(STATUS)) {
            ps.setLong(1, id);
            ps.setLong(2, userId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return notFound(id);
                }
                return new ConflictException("generation " + id + " is already " + rs.getString(1)
                        + "; only queued or processing" + " generations can be cancelled");
            }
        }
    }

    private static boolean exists(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM generations WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static NotFoundException notFound(long id) {
        return new NotFoundException("generation " + id);
    }

    private static Generation map(ResultSet rs) throws SQLException {
        return map(rs, "");
    }

    /**
     * The generation in the current row, whose columns are {@link #columns(String) columns(prefix)}; for the
     * platform's read models (the dashboard) that join generations to other rows.
     */
    public static Generation map(ResultSet rs, String prefix) throws SQLException {
        long projectId = rs.getLong(prefix + "project_id");
        Optional<Long> project = rs.wasNull() ? Optional.empty() : Optional.of(projectId);
        long sceneId = rs.getLong(prefix + "scene_id");
        Optional<Long> scene = rs.wasNull() ? Optional.empty() : Optional.of(sceneId);
        long jobId = rs.getLong(prefix + "job_id");
        Optional<Long> job = rs.wasNull() ? Optional.empty() : Optional.of(jobId);
        return new Generation(
                rs.getLong(prefix + "id"),
                rs.getLong(prefix + "user_id"),
                project,
                scene,
                GenerationStatus.parse(rs.getString(prefix + "status")).orElseThrow(),
                rs.getInt(prefix + "progress"),
                Optional.ofNullable(rs.getString(prefix + "stage")),
                rs.getInt(prefix + "attempt"),
                rs.getLong(prefix + "cost"),
                Optional.ofNullable(rs.getString(prefix + "output")),
                Optional.ofNullable(rs.getString(prefix + "thumbnail_url")),
                Optional.ofNullable(rs.getString(prefix + "error")),
                job,
                Sql.instant(rs.getTimestamp(prefix + "created_at")),
                Optional.ofNullable(Sql.instant(rs.getTimestamp(prefix + "started_at"))),
                Optional.ofNullable(Sql.instant(rs.getTimestamp(prefix + "finished_at"))),
                Sql.instant(rs.getTimestamp(prefix + "updated_at")));
    }

    /**
     * The generation in the current row whose columns are {@link #columns(String, String)}'s, in their order, from
     * column {@code first} on: by position, for read models that map many rows (the dashboard).
     */
    public static Generation map(ResultSet rs, int first) throws SQLException {
        int c = first;
        long id = rs.getLong(c++);
        long userId = rs.getLong(c++);
        long projectId = rs.getLong(c++);
        Optional<Long> project = rs.wasNull() ? Optional.empty() : Optional.of(projectId);
        long sceneId = rs.getLong(c++);
        Optional<Long> scene = rs.wasNull() ? Optional.empty() : Optional.of(sceneId);
        GenerationStatus status = GenerationStatus.parse(rs.getString(c++)).orElseThrow();
        int progress = rs.getInt(c++);
        Optional<String> stage = Optional.ofNullable(rs.getString(c++));
        int attempt = rs.getInt(c++);
        long cost = rs.getLong(c++);
        Optional<String> output = Optional.ofNullable(rs.getString(c++));
        Optional<String> thumbnail = Optional.ofNullable(rs.getString(c++));
        Optional<String> error = Optional.ofNullable(rs.getString(c++));
        long jobId = rs.getLong(c++);
        Optional<Long> job = rs.wasNull() ? Optional.empty() : Optional.of(jobId);
        Instant createdAt = Sql.instant(rs, c++);
        Optional<Instant> startedAt = Optional.ofNullable(Sql.instant(rs, c++));
        Optional<Instant> finishedAt = Optional.ofNullable(Sql.instant(rs, c++));
        Instant updatedAt = Sql.instant(rs, c);
        return new Generation(
                id,
                userId,
                project,
                scene,
                status,
                progress,
                stage,
                attempt,
                cost,
                output,
                thumbnail,
                error,
                job,
                createdAt,
                startedAt,
                finishedAt,
                updatedAt);
    }

    /** The select list of a generation read from table alias {@code alias}, each column named {@code prefix + name}. */
    public static String columns(String alias, String prefix) {
        return String.join(
                ", ",
                java.util.stream.Stream.of(
                                "id",
                                "user_id",
                                "project_id",
                                "scene_id",
                                "status",
                                "progress",
                                "stage",
                                "attempt",
                                "cost",
                                "output::text",
                                "thumbnail_url",
                                "error::text",
                                "job_id",
                                "created_at",
                                "started_at",
                                "finished_at",
                                "updated_at")
                        .map(c -> {
                            String name = c.replace("::text", "");
                            return alias + "." + c + " AS " + prefix + name;
                        })
                        .toList());
    }
}
