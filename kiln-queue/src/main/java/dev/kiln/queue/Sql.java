package dev.kiln.queue;

/**
 * Every statement the queue runs, in one place so it can be read as SQL. Timestamps are bound from the injected
 * clock, never taken from the database's {@code now()}, so tests can drive time. See docs/queue.md for the reasoning.
 */
final class Sql {

    private Sql() {}

    /**
     * Enqueue many jobs in one statement. Parameters: kinds, tenants, payloads (text[]), priorities (int[]),
     * max_attempts (int[]), run_at (text[] of ISO instants), timeout_ms (bigint[]), default quota (int), now.
     *
     * <p>The {@code quota} CTE raises each tenant's {@code enqueued} counter in tenant order (so concurrent bulk
     * enqueues lock the counter rows in one order and cannot deadlock), records the {@code finished} count it saw
     * and the tenant's quota (its own from {@code kiln_queue_tenant_quotas}, else the default); past the quota the
     * row's CHECK fails the whole statement.
     */
    static final String ENQUEUE = """
            WITH req AS (
                SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::int[], ?::int[], ?::text[]::timestamptz[],
                                     ?::bigint[])
                       WITH ORDINALITY AS r(kind, tenant, payload, priority, max_attempts, run_at, timeout_ms, ord)
            ),
            quota AS (
                INSERT INTO kiln_queue_tenants AS t (tenant, enqueued, finished_seen, quota)
                SELECT r.tenant, count(*), coalesce(max(f.finished), 0), coalesce(max(q.quota), ?)
                  FROM req r
                  LEFT JOIN kiln_queue_tenant_finished f ON f.tenant = r.tenant
                  LEFT JOIN kiln_queue_tenant_quotas q ON q.tenant = r.tenant
                 GROUP BY r.tenant ORDER BY r.tenant
                ON CONFLICT (tenant) DO UPDATE
                   SET enqueued = t.enqueued + excluded.enqueued,
                       finished_seen = greatest(t.finished_seen, excluded.finished_seen),
                       quota = excluded.quota
            )
            INSERT INTO kiln_queue_jobs (kind, tenant, payload, priority, state, max_attempts, run_at, timeout_ms,
                                         created_at)
            SELECT kind, tenant, payload::jsonb, priority,
                   CASE WHEN run_at > n.now THEN 'scheduled' ELSE 'available' END,
                   max_attempts, run_at, timeout_ms, n.now
              FROM req, (SELECT ?::timestamptz AS now) n
             ORDER BY ord
            RETURNING id
            """;

    /**
     * Claim up to n jobs, fairly across tenants. Parameters: now, kinds (text[]), n, limited kinds (text[]), their
     * limits (int[]: most jobs of that kind this claim may take), lease_until, worker.
     *
     * <ol>
     *   <li>{@code pending}: tenants with unfinished jobs. {@code ready}: those with a due job of these kinds (two
     *       index probes each), or all of them when at most two are pending, where every share is n anyway and the
     *       probes would only repeat the candidates' own scans; {@code active} gives each
     *       a share of {@code min(n, ceil(2n / ready tenants))}, so at most about 2n rows are locked and a claim is full
     *       unless more than half the ready tenants have fewer jobs than their share.
     *   <li>{@code candidates}: per tenant, its oldest due interactive jobs, then batch jobs, at most its share, each
     *       a short range scan of {@code kiln_queue_jobs_waiting_idx}, locked {@code FOR UPDATE SKIP LOCKED} so
     *       concurrent claimers take different rows instead of waiting; numbered per tenant ({@code rn}).
     *   <li>{@code capped}: each candidate numbered within its kind in the order {@code picked} takes them
     *       ({@code kind_rn}), so that a kind with a limit keeps only the candidates {@code picked} would have taken
     *       first; the rest stay in the queue (locked until this statement commits, like any candidate not picked).
     *   <li>{@code picked}: interactive first, then round-robin ({@code rn}), least recently served tenant first;
     *       no kind past its limit.
     *   <li>{@code claimed}: running, attempt + 1, a new fencing token, a lease; all in this one statement.
     *   <li>{@code served}: each served tenant's marker moves to its newest token; a counter row locked by an enqueue
     *       in flight is skipped rather than waited for, so a claim never blocks.
     * </ol>
     */
    static final String CLAIM = """
            WITH params AS MATERIALIZED (
                SELECT ?::timestamptz AS now, ?::text[] AS kinds, ?::int AS n
            ),
            limits AS MATERIALIZED (
                SELECT * FROM unnest(?::text[], ?::int[]) AS l(kind, max_jobs)
            ),
            pending AS MATERIALIZED (
                SELECT t.tenant, t.last_served
                  FROM kiln_queue_tenants t
                  LEFT JOIN kiln_queue_tenant_finished f ON f.tenant = t.tenant
                 WHERE t.enqueued > coalesce(f.finished, 0)
            ),
            ready AS (
                SELECT t.tenant, t.last_served
                  FROM pending t
                 CROSS JOIN params p
                 -- With one or two tenants pending every share is n whichever of them are ready, so the probes
                 -- are skipped (evaluated once, first: OR stops at true); a tenant with nothing due then just
                 -- yields no candidates.
                 WHERE (SELECT count(*) FROM pending) <= 2
                   -- Scalar subqueries with ORDER BY, not EXISTS: the planner strips ORDER BY from EXISTS and may
                   -- then pick a sequential scan; this way each probe is one step down the waiting index.
                    OR (SELECT id FROM kiln_queue_jobs
                          WHERE tenant = t.tenant AND priority = 0 AND run_at <= p.now AND kind = ANY (p.kinds)
                            AND state IN ('available', 'scheduled', 'retryable')
                          ORDER BY run_at, id LIMIT 1) IS NOT NULL
                    OR (SELECT id FROM kiln_queue_jobs
                         WHERE tenant = t.tenant AND priority = 1 AND run_at <= p.now AND kind = ANY (p.kinds)
                           AND state IN ('available', 'scheduled', 'retryable')
                         ORDER BY run_at, id LIMIT 1) IS NOT NULL
            ),
            active AS (
                SELECT r.tenant, r.last_served, least(p.n, ceil(2.0 * p.n / count(*) OVER ())::int) AS share
                  FROM ready r, params p
            ),
            candidates AS (
                SELECT j.id, j.kind, j.priority, a.last_served,
                       row_number() OVER (PARTITION BY a.tenant ORDER BY j.priority, j.run_at, j.id) AS rn
                  FROM params p
                 CROSS JOIN active a
                 CROSS JOIN LATERAL (
                       SELECT id, kind, priority, run_at FROM (
                           SELECT id, kind, priority, run_at FROM kiln_queue_jobs
                            WHERE tenant = a.tenant AND priority = 0 AND run_at <= p.now AND kind = ANY (p.kinds)
                              AND state IN ('available', 'scheduled', 'retryable')
                            ORDER BY run_at, id
                            LIMIT a.share
                            FOR UPDATE SKIP LOCKED) interactive
                       UNION ALL
                       SELECT id, kind, priority, run_at FROM (
                           SELECT id, kind, priority, run_at FROM kiln_queue_jobs
                            WHERE tenant = a.tenant AND priority = 1 AND run_at <= p.now AND kind = ANY (p.kinds)
                              AND state IN ('available', 'scheduled', 'retryable')
                            ORDER BY run_at, id
                            LIMIT a.share
                            FOR UPDATE SKIP LOCKED) batch
                       LIMIT a.share) j
            ),
            capped AS (
                SELECT c.*, row_number() OVER (PARTITION BY c.kind ORDER BY c.priority, c.rn, c.last_served, c.id)
                            AS kind_rn
                  FROM candidates c
            ),
            picked AS (
                SELECT c.id FROM capped c
                  LEFT JOIN limits l ON l.kind = c.kind
                 WHERE l.max_jobs IS NULL OR c.kind_rn <= l.max_jobs
                 ORDER BY c.priority, c.rn, c.last_served, c.id LIMIT (SELECT n FROM params)
            ),
            claimed AS (
                UPDATE kiln_queue_jobs j
                   SET state = 'running', attempt = j.attempt + 1, token = nextval('kiln_queue_token_seq'),
                       lease_until = ?, attempted_at = (SELECT now FROM params), worker = ?
                  FROM picked
                 WHERE j.id = picked.id
                RETURNING j.id, j.kind, j.tenant, j.priority, j.payload::text AS payload, j.attempt, j.max_attempts, j.token,
                          j.timeout_ms
            ),
            served AS (
                UPDATE kiln_queue_tenants t
                   SET last_served = s.token
                  FROM (SELECT tenant, max(token) AS token FROM claimed GROUP BY tenant) s
                 WHERE t.tenant = s.tenant
                   AND t.tenant IN (SELECT l.tenant FROM kiln_queue_tenants l
                                     WHERE l.tenant IN (SELECT tenant FROM claimed) FOR UPDATE SKIP LOCKED)
            )
            SELECT * FROM claimed
            """;

    /**
     * Runs first in a claim's transaction. A generic plan: the claim's parameters never change its best plan, and
     * planning it afresh took about 1 ms of the claim's 1.2 ms here (custom against generic, measured with PREPARE).
     * An asynchronous commit: see "Claims commit asynchronously" in docs/queue.md for why that is safe.
     */
    static final String CLAIM_SETTINGS =
            "SET LOCAL plan_cache_mode = force_generic_plan; SET LOCAL synchronous_commit = off";

    /**
     * The same settings for a worker's own claim connection, set once when it is borrowed, so that each claim is
     * one round trip in autocommit; {@link #CLAIM_SESSION_RESET} undoes them before the connection goes back.
     */
    static final String CLAIM_SESSION_SETTINGS =
            "SET plan_cache_mode = force_generic_plan; SET synchronous_commit = off";

    /** Undoes {@link #CLAIM_SESSION_SETTINGS}. */
    static final String CLAIM_SESSION_RESET = "RESET plan_cache_mode; RESET synchronous_commit";

    /**
     * The completion flusher's session settings: a generic plan for {@link #REPORT}, whose custom planning took about
     * 0.45 ms of a 1.3 ms completion of 50 jobs here (EXPLAIN ANALYZE of the prepared statement: 0.04–0.11 ms
     * generic), with the same nested loop over the primary key. Completions still commit synchronously.
     */
    static final String COMPLETE_SESSION_SETTINGS = "SET plan_cache_mode = force_generic_plan";

    /** Undoes {@link #COMPLETE_SESSION_SETTINGS}. */
    static final String COMPLETE_SESSION_RESET = "RESET plan_cache_mode";

    /**
     * The shared tail of every statement that finishes jobs: given {@code done(id, tenant, state)}, raise each
     * tenant's {@code finished} counter by its jobs that reached a finished state, in tenant order so two such
     * statements never deadlock. Only finishing statements write these rows: an enqueue in an open transaction never
     * holds them up.
     */
    static final String COUNT_FINISHED = """
            finished AS (
                SELECT tenant, count(*) AS n FROM done
                 WHERE state IN ('completed', 'cancelled', 'discarded') GROUP BY tenant
            ),
            counted AS (
                INSERT INTO kiln_queue_tenant_finished AS c (tenant, finished)
                SELECT tenant, n FROM finished ORDER BY tenant
                ON CONFLICT (tenant) DO UPDATE SET finished = c.finished + excluded.finished
            )""";

    /**
     * Every outcome a token holder reports, many jobs per statement. Parameters: ids, tokens (bigint[]), workers,
     * states (text[]), run_at (text[] of ISO instants or nulls), refunds (int[]: 1 gives the attempt back), error
     * kinds, error messages, exception classes (text[], null for no error), now (for finished_at and the error's time).
     *
     * <p>Only rows still running under the same token and worker change: a stale worker's late report matches
     * nothing. A
     * running job whose cancellation was requested ends cancelled instead of going back to the queue. Jobs that
     * finish are counted for their tenant's quota in the same statement.
     */
    static final String REPORT = """
            WITH r AS (
                SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::text[]::timestamptz[],
                                     ?::int[], ?::text[], ?::text[], ?::text[])
                       AS r(id, token, worker, state, run_at, refund, error_kind, error_message, error_class)
            ),
            n AS (SELECT ?::timestamptz AS now),
            done AS (
                UPDATE kiln_queue_jobs j
                   SET state = CASE WHEN j.cancel_requested AND r.state IN ('available', 'retryable')
                                    THEN 'cancelled' ELSE r.state END,
                       run_at = coalesce(r.run_at, j.run_at),
                       attempt = j.attempt - r.refund,
                       lease_until = NULL,
                       worker = CASE WHEN r.refund > 0 THEN NULL ELSE j.worker END,
                       progress = CASE WHEN r.state = 'completed' THEN 100 ELSE j.progress END,
                       finished_at = CASE WHEN r.state IN ('completed', 'cancelled', 'discarded')
                                            OR (j.cancel_requested AND r.state IN ('available', 'retryable'))
                                          THEN n.now END,
                       error = CASE WHEN r.error_kind IS NULL THEN j.error
                                    ELSE jsonb_build_object('kind', r.error_kind, 'message', r.error_message,
                                                            'exception', r.error_class, 'attempt', j.attempt,
                                                            'at', n.now) END
                  FROM r, n
                 WHERE j.id = r.id AND j.token = r.token AND j.worker = r.worker AND j.state = 'running'
                RETURNING j.id, j.tenant, j.state, j.kind, j.attempt
            ),
            %s
            SELECT id, state, kind, attempt FROM done
            """.formatted(COUNT_FINISHED);

    /**
     * The worker's batched completions: the {@link #REPORT} of handlers that returned, narrowed to what a completion
     * changes, so the client encodes two arrays instead of nine and the server evaluates no per-row CASE. Parameters:
     * ids, tokens (bigint[], in id order), now, worker. Fenced like every report; returns how many were applied.
     */
    static final String COMPLETE = """
            WITH r AS (SELECT * FROM unnest(?::bigint[], ?::bigint[]) AS r(id, token)),
            n AS (SELECT ?::timestamptz AS now, ?::text AS worker),
            done AS (
                UPDATE kiln_queue_jobs j
                   SET state = 'completed', lease_until = NULL, progress = 100, finished_at = n.now
                  FROM r, n
                 WHERE j.id = r.id AND j.token = r.token AND j.worker = n.worker AND j.state = 'running'
                RETURNING j.tenant, j.state
            ),
            %s
            SELECT count(*) FROM done
            """.formatted(COUNT_FINISHED);

    /**
     * Extend the leases of many jobs. Parameters: lease_until, ids, tokens (bigint[]), worker. Returns the jobs still
     * held and whether their cancellation was requested. Touches no indexed column, so it is a HOT update; it commits
     * asynchronously, like the claim (a lost extension only shortens a lease).
     */
    static final String HEARTBEAT = """
            WITH async AS MATERIALIZED (SELECT set_config('synchronous_commit', 'off', true) AS async_commit)
            UPDATE kiln_queue_jobs j
               SET lease_until = ?
              FROM unnest(?::bigint[], ?::bigint[]) AS r(id, token), async
             WHERE j.id = r.id AND j.token = r.token AND j.worker = ? AND j.state = 'running'
            RETURNING j.id, j.cancel_requested
            """;

    /** Progress of one job, fenced. Parameters: progress, stage, id, token, worker. */
    static final String PROGRESS = """
            UPDATE kiln_queue_jobs SET progress = ?, stage = ?
             WHERE id = ? AND token = ? AND worker = ? AND state = 'running'
            """;

    /**
     * The rescuer: return running jobs whose lease expired (their worker died or hung) to the queue at once, or
     * discard them when that was their last attempt. Parameters: now, batch size, now.
     */
    static final String RESCUE = """
            WITH expired AS (
                SELECT id FROM kiln_queue_jobs
                 WHERE state = 'running' AND lease_until < ?
                 ORDER BY id LIMIT ?
                   FOR UPDATE SKIP LOCKED
            ),
            n AS (SELECT ?::timestamptz AS now),
            done AS (
                UPDATE kiln_queue_jobs j
                   SET state = CASE WHEN j.cancel_requested THEN 'cancelled'
                                    WHEN j.attempt >= j.max_attempts THEN 'discarded'
                                    ELSE 'available' END,
                       run_at = n.now,
                       lease_until = NULL,
                       finished_at = CASE WHEN j.cancel_requested OR j.attempt >= j.max_attempts THEN n.now END,
                       error = jsonb_build_object('kind', 'lease_expired', 'attempt', j.attempt, 'at', n.now,
                                                  'message', 'lease expired: worker ' || coalesce(j.worker, '?')
                                                             || ' stopped heartbeating')
                  FROM expired e, n
                 WHERE j.id = e.id
                RETURNING j.id, j.tenant, j.state
            ),
            %s
            SELECT count(*) FILTER (WHERE state = 'available') AS returned,
                   count(*) FILTER (WHERE state <> 'available') AS finished
              FROM done
            """.formatted(COUNT_FINISHED);

    /** The LISTEN channel that enqueue (a trigger), the rescuer and draining workers notify. */
    static final String CHANNEL = "kiln_queue";

    /** Wake idle workers (after a rescue or a release made jobs available without an INSERT). */
    static final String NOTIFY = "SELECT pg_notify('kiln_queue', '')";

    /** A tenant's own quota. Parameters: tenant, quota. */
    static final String SET_TENANT_QUOTA = """
            INSERT INTO kiln_queue_tenant_quotas (tenant, quota) VALUES (?, ?)
            ON CONFLICT (tenant) DO UPDATE SET quota = excluded.quota
            """;

    /** Back to the default quota. Parameter: tenant. */
    static final String CLEAR_TENANT_QUOTA = "DELETE FROM kiln_queue_tenant_quotas WHERE tenant = ?";

    /** A tenant's own quota, if it has one. Parameter: tenant. */
    static final String TENANT_QUOTA = "SELECT quota FROM kiln_queue_tenant_quotas WHERE tenant = ?";

    /** Lock one job for cancellation. Parameter: id. */
    static final String LOCK_FOR_CANCEL = "SELECT state, tenant FROM kiln_queue_jobs WHERE id = ? FOR UPDATE";

    /** Cancel a waiting job. Parameters: now, id. */
    static final String CANCEL_WAITING = "UPDATE kiln_queue_jobs SET state = 'cancelled', finished_at = ? WHERE id = ?";

    /** A job finished without a token holder (a waiting job cancelled): count it. Parameter: tenant. */
    static final String COUNT_ONE_FINISHED = """
            INSERT INTO kiln_queue_tenant_finished AS c (tenant, finished) VALUES (?, 1)
            ON CONFLICT (tenant) DO UPDATE SET finished = c.finished + 1
            """;

    /** Ask the worker of a running job to stop; it sees the flag on its next heartbeat. Parameter: id. */
    static final String REQUEST_CANCEL = "UPDATE kiln_queue_jobs SET cancel_requested = true WHERE id = ?";

    /** One job by id. */
    static final String FIND = """
            SELECT id, kind, tenant, priority, state, attempt, max_attempts, coalesce(token, 0) AS token, progress,
                   stage, error::text AS error, cancel_requested, run_at, created_at, attempted_at, finished_at
              FROM kiln_queue_jobs WHERE id = ?
            """;

    /** Depth and the oldest due job. Parameters: now (three times). Served by the partial indexes. */
    static final String STATS = """
            SELECT count(*) FILTER (WHERE run_at <= ?) AS available,
                   count(*) FILTER (WHERE run_at > ?) AS scheduled,
                   min(run_at) FILTER (WHERE run_at <= ?) AS oldest,
                   (SELECT count(*) FROM kiln_queue_jobs WHERE state = 'running') AS running
              FROM kiln_queue_jobs WHERE state IN ('available', 'scheduled', 'retryable')
            """;

    /**
     * Retention: delete one bounded batch of finished jobs, oldest first, through the finished index. Parameters:
     * states to prune (text[]), cutoff, batch size.
     */
    static final String PRUNE = """
            DELETE FROM kiln_queue_jobs WHERE id IN (
                SELECT id FROM kiln_queue_jobs
                 WHERE state IN ('completed', 'cancelled', 'discarded') AND state = ANY (?::text[])
                   AND finished_at < ?
                 ORDER BY finished_at LIMIT ?)
            """;

    /**
     * Retention: forget tenants with nothing unfinished, so the claim's tenant scan stays short. Both counter rows go
     * in one statement; rows an enqueue or a completion holds are skipped and tried again next run.
     */
    static final String PRUNE_TENANTS = """
            WITH idle AS (
                SELECT t.tenant FROM kiln_queue_tenants t JOIN kiln_queue_tenant_finished f ON f.tenant = t.tenant
                 WHERE t.enqueued = f.finished
                 ORDER BY t.tenant
                   FOR UPDATE OF t, f SKIP LOCKED
            ),
            gone AS (
                DELETE FROM kiln_queue_tenant_finished f USING idle WHERE f.tenant = idle.tenant
            )
            DELETE FROM kiln_queue_tenants t USING idle WHERE t.tenant = idle.tenant
            """;

    /** Only one instance vacuums at a time: the key of a session advisory lock ("kilnqueu"). */
    static final long VACUUM_LOCK_KEY = 0x6b696c6e_71756575L;

    /** The vacuum service's statement; VACUUM cannot run inside a transaction block. */
    static final String VACUUM = "VACUUM (ANALYZE) kiln_queue_jobs, kiln_queue_tenants, kiln_queue_tenant_finished";
}
