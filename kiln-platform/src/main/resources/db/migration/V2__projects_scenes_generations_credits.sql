-- The platform's domain: projects hold ordered scenes, a generation renders one scene for credits, and the credit
-- ledger explains every change to users.credits (the balance, kept on users so a debit is one guarded UPDATE).
-- Every list the API serves is keyset-paginated on (user_id, id) or (project_id, position); each has its index
-- here, and PlatformIndexesTest checks the plans.

CREATE TABLE projects (
    id         bigserial   PRIMARY KEY,
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- GET /v1/projects: WHERE user_id = ? AND id < ? ORDER BY id DESC; also every ownership check and the user cascade.
CREATE INDEX projects_user_id_id_idx ON projects (user_id, id);

CREATE TABLE scenes (
    id         bigserial   PRIMARY KEY,
    project_id bigint      NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    -- Denormalised from the project, so that "this user's scene" is one primary-key lookup with no join.
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    -- Order within the project, assigned at creation (max + 1 under the project's row lock).
    position   integer     NOT NULL CHECK (position >= 0),
    -- Validated by the render engine before it is stored, so a generation never fails on a bad document.
    document   jsonb       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    -- Also the index of GET /v1/projects/{id}/scenes (ORDER BY position) and of the project cascade.
    CONSTRAINT scenes_project_position_key UNIQUE (project_id, position)
);

-- The user cascade; no API path reads scenes by user alone.
CREATE INDEX scenes_user_id_idx ON scenes (user_id);

CREATE TABLE generations (
    id              bigserial   PRIMARY KEY,
    user_id         bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- A generation is a billing record: it outlives its scene and project (deleting those is refused while a
    -- generation of theirs is in flight, and otherwise only clears the link).
    project_id      bigint      REFERENCES projects (id) ON DELETE SET NULL,
    scene_id        bigint      REFERENCES scenes (id) ON DELETE SET NULL,
    status          text        NOT NULL DEFAULT 'queued'
                                CHECK (status IN ('queued', 'processing', 'completed', 'failed', 'canceled')),
    progress        smallint    NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    stage           text        CHECK (char_length(stage) <= 100),
    attempt         integer     NOT NULL DEFAULT 0 CHECK (attempt >= 0),
    -- Credits debited at submit; refunded at most once (see credit_ledger_one_refund_idx).
    cost            bigint      NOT NULL CHECK (cost > 0),
    -- What the worker renders: the scene's document as validated at submit, with the request's output. A snapshot,
    -- so editing the scene afterwards cannot change (or break) a queued generation.
    render_request  jsonb       NOT NULL,
    -- The stored result: {url, contentType, bytes, width, height, durationMs}.
    output          jsonb,
    thumbnail_url   text,
    -- The last error once failed for good: {code, message}.
    error           jsonb,
    idempotency_key text        CHECK (char_length(idempotency_key) BETWEEN 1 AND 255),
    -- SHA-256 of the create request (scene id and canonical body): a reused key with another body is refused.
    request_hash    bytea       CHECK (octet_length(request_hash) = 32),
    -- The job-queue's id for this generation's job (see GenerationJobs).
    job_id          bigint,
    created_at      timestamptz NOT NULL DEFAULT now(),
    started_at      timestamptz,
    finished_at     timestamptz,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((idempotency_key IS NULL) = (request_hash IS NULL)),
    CHECK ((finished_at IS NOT NULL) = (status IN ('completed', 'failed', 'canceled')))
);

-- GET /v1/generations (newest first) and every "this user's generation" check.
CREATE INDEX generations_user_id_id_idx ON generations (user_id, id);
-- GET /v1/generations?status=…
CREATE INDEX generations_user_status_id_idx ON generations (user_id, status, id);
-- Idempotency-Key is unique per user; the partial index leaves key-less creates out of it.
CREATE UNIQUE INDEX generations_user_idempotency_key_idx
    ON generations (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
-- The SET NULL cascades and the "in flight?" checks before deleting a scene or project.
CREATE INDEX generations_scene_id_idx ON generations (scene_id);
CREATE INDEX generations_project_id_idx ON generations (project_id);

-- Append-only: every change to users.credits has a row here, written in the same transaction, so the ledger of a
-- user sums to their balance and balance_after reads the balance as of that row.
CREATE TABLE credit_ledger (
    id            bigserial   PRIMARY KEY,
    user_id       bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    delta         bigint      NOT NULL,
    balance_after bigint      NOT NULL CHECK (balance_after >= 0),
    reason        text        NOT NULL CHECK (reason IN ('signup', 'grant', 'generation', 'refund')),
    generation_id bigint      REFERENCES generations (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    -- Debits are generations; everything else adds credits.
    CHECK ((reason = 'generation') = (delta < 0)),
    CHECK (delta <> 0),
    CHECK ((reason IN ('generation', 'refund')) = (generation_id IS NOT NULL))
);

-- GET /v1/credits (newest first) and the user cascade.
CREATE INDEX credit_ledger_user_id_id_idx ON credit_ledger (user_id, id);
-- At most one debit and one refund per generation: a second refund fails instead of minting credits.
CREATE UNIQUE INDEX credit_ledger_one_debit_idx ON credit_ledger (generation_id) WHERE reason = 'generation';
CREATE UNIQUE INDEX credit_ledger_one_refund_idx ON credit_ledger (generation_id) WHERE reason = 'refund';

-- Rows are facts: a correction is a new row, never an edit.
CREATE FUNCTION credit_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'credit_ledger is append-only';
END;
$$;
CREATE TRIGGER credit_ledger_no_update BEFORE UPDATE ON credit_ledger
    FOR EACH ROW EXECUTE FUNCTION credit_ledger_append_only();

-- PLACEHOLDER until kiln-queue is wired in: PlaceholderGenerationJobs records each generation's job here, in the
-- submitting transaction, so that job ids are real and a cancel is visible. Nothing claims these rows, so their
-- generations stay queued. The migration that wires the queue drops this table.
CREATE TABLE placeholder_jobs (
    id            bigserial   PRIMARY KEY,
    generation_id bigint      NOT NULL UNIQUE REFERENCES generations (id) ON DELETE CASCADE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    canceled_at   timestamptz
);
