-- Kiln's durable job queue (docs/queue.md). Every name starts with kiln_queue_ so the queue can share a database, and
-- a transaction, with the platform's tables; its Flyway history is kiln_queue_schema_history.

-- Fencing tokens: a new value on every claim, so a worker that lost its lease can no longer report on the job.
CREATE SEQUENCE kiln_queue_token_seq;

CREATE TABLE kiln_queue_jobs (
    id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind             text        NOT NULL CHECK (char_length(kind) BETWEEN 1 AND 100),
    tenant           text        NOT NULL CHECK (char_length(tenant) BETWEEN 1 AND 200),
    -- 0 = interactive, 1 = batch: interactive jobs are claimed first.
    priority         smallint    NOT NULL CHECK (priority IN (0, 1)),
    state            text        NOT NULL CHECK (state IN
                         ('available', 'scheduled', 'running', 'retryable', 'completed', 'cancelled', 'discarded')),
    payload          jsonb       NOT NULL,
    attempt          integer     NOT NULL DEFAULT 0 CHECK (attempt >= 0),
    max_attempts     integer     NOT NULL CHECK (max_attempts >= 1),
    -- When the job may next be claimed: enqueue time, the scheduled time, or the end of a retry's backoff.
    run_at           timestamptz NOT NULL,
    timeout_ms       bigint      NOT NULL CHECK (timeout_ms > 0),
    -- Set by each claim; every report from the worker must present it (UPDATE ... WHERE id = ? AND token = ?).
    token            bigint,
    lease_until      timestamptz,
    worker           text,
    cancel_requested boolean     NOT NULL DEFAULT false,
    progress         smallint    NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    stage            text,
    -- The last error only: {"kind": ..., "message": ..., "attempt": ..., "at": ...}.
    error            jsonb,
    created_at       timestamptz NOT NULL,
    attempted_at     timestamptz,
    finished_at      timestamptz
)
-- Heartbeats and progress touch no indexed column, so they are HOT updates when the page has room; 70 leaves room.
WITH (fillfactor = 70);

-- The claim: one short range scan per (tenant, priority) over the jobs that wait, oldest first. Partial, so it holds
-- only waiting jobs and stays small however many finished jobs the table still keeps.
CREATE INDEX kiln_queue_jobs_waiting_idx ON kiln_queue_jobs (tenant, priority, run_at, id)
    WHERE state IN ('available', 'scheduled', 'retryable');

-- The rescuer scans running jobs (a few per worker) and checks lease_until on the heap. lease_until itself is not
-- indexed on purpose: a heartbeat then changes no indexed column and stays a HOT update.
CREATE INDEX kiln_queue_jobs_running_idx ON kiln_queue_jobs (id) WHERE state = 'running';

-- Retention deletes finished jobs oldest first, in bounded batches.
CREATE INDEX kiln_queue_jobs_finished_idx ON kiln_queue_jobs (finished_at)
    WHERE state IN ('completed', 'cancelled', 'discarded');

-- The per-tenant quota is two monotonic counters in two tables, so the writers never wait for each other: enqueue
-- raises kiln_queue_tenants.enqueued (in the caller's transaction), and every transition to a finished state raises
-- kiln_queue_tenant_finished.finished (in the same statement as the job rows). Unfinished = enqueued - finished.
CREATE TABLE kiln_queue_tenants (
    tenant        text    PRIMARY KEY,
    enqueued      bigint  NOT NULL CHECK (enqueued >= 0),
    -- kiln_queue_tenant_finished.finished as the last enqueue read it (never ahead of the real value), so the CHECK
    -- below can be a single-row constraint: past the quota an enqueue fails atomically (SQLSTATE 23514 on
    -- kiln_queue_tenants_quota), and since the real count of finished jobs only grows, it never admits past it.
    finished_seen bigint  NOT NULL DEFAULT 0,
    quota         integer NOT NULL,
    -- The newest fencing token handed to this tenant: the round-robin marker, least recently served first.
    last_served   bigint  NOT NULL DEFAULT 0,
    CONSTRAINT kiln_queue_tenants_quota CHECK (enqueued - finished_seen <= quota)
)
WITH (fillfactor = 50);

CREATE TABLE kiln_queue_tenant_finished (
    tenant   text   PRIMARY KEY,
    finished bigint NOT NULL CHECK (finished >= 0)
)
WITH (fillfactor = 50);

-- Unfinished (waiting or running) jobs per tenant.
CREATE VIEW kiln_queue_pending AS
SELECT t.tenant, t.enqueued - coalesce(f.finished, 0) AS pending
  FROM kiln_queue_tenants t
  LEFT JOIN kiln_queue_tenant_finished f ON f.tenant = t.tenant;

-- Wakes idle workers (LISTEN kiln_queue) once per inserting statement; delivered when the enqueuing transaction
-- commits, and never when it rolls back.
CREATE FUNCTION kiln_queue_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('kiln_queue', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER kiln_queue_jobs_notify AFTER INSERT ON kiln_queue_jobs
    FOR EACH STATEMENT EXECUTE FUNCTION kiln_queue_notify();
