-- Issue 7, items 3 and 4: a per-generation event log for Server-Sent Events, and uploaded reference images.

-- One row per status or progress change of a generation, written by triggers in the transaction that made the
-- change, so no code path that updates generations can forget it. The id is the SSE event id: ids grow in commit
-- order for one generation (its row lock serialises its changes), so "events after Last-Event-ID" is a range scan.
CREATE TABLE generation_events (
    id            bigserial   PRIMARY KEY,
    generation_id bigint      NOT NULL REFERENCES generations (id) ON DELETE CASCADE,
    -- 'status' when the status changed (or the generation was created), 'progress' for progress/stage/attempt.
    kind          text        NOT NULL CHECK (kind IN ('status', 'progress')),
    status        text        NOT NULL,
    progress      smallint    NOT NULL,
    stage         text,
    attempt       integer     NOT NULL,
    output        jsonb,
    error         jsonb,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- GET /v1/generations/{id}/events: WHERE generation_id = ? AND id > ? ORDER BY id.
CREATE INDEX generation_events_generation_id_id_idx ON generation_events (generation_id, id);

-- Statement-level triggers with transition tables: one set-based INSERT and one NOTIFY per statement, however many
-- rows it touched (a per-row trigger made a 20,000-row seed take seconds). The NOTIFY payload is '<first>:<last>', the
-- range of event ids the statement wrote; it is delivered at commit, so every instance's listener hears only committed
-- events, whichever instance wrote them. A range may contain other transactions' ids: listeners filter by generation
-- and streams drop ids they have already sent.
CREATE FUNCTION generation_events_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    first_id bigint;
    last_id bigint;
BEGIN
    WITH recorded AS (
        INSERT INTO generation_events (generation_id, kind, status, progress, stage, attempt, output, error)
        SELECT id, 'status', status, progress, stage, attempt, output, error FROM new_rows ORDER BY id
        RETURNING id)
    SELECT min(id), max(id) INTO first_id, last_id FROM recorded;
    IF first_id IS NOT NULL THEN
        PERFORM pg_notify('kiln_generation_events', first_id || ':' || last_id);
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION generation_events_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    first_id bigint;
    last_id bigint;
BEGIN
    WITH recorded AS (
        INSERT INTO generation_events (generation_id, kind, status, progress, stage, attempt, output, error)
        SELECT n.id, CASE WHEN n.status <> o.status THEN 'status' ELSE 'progress' END,
               n.status, n.progress, n.stage, n.attempt, n.output, n.error
          FROM new_rows n JOIN old_rows o ON o.id = n.id
         -- job_id, thumbnail or timestamps only: nothing a client watches
         WHERE n.status <> o.status OR n.progress <> o.progress OR n.stage IS DISTINCT FROM o.stage
               OR n.attempt <> o.attempt
         ORDER BY n.id
        RETURNING id)
    SELECT min(id), max(id) INTO first_id, last_id FROM recorded;
    IF first_id IS NOT NULL THEN
        PERFORM pg_notify('kiln_generation_events', first_id || ':' || last_id);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER generations_record_insert AFTER INSERT ON generations
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION generation_events_on_insert();
CREATE TRIGGER generations_record_update AFTER UPDATE ON generations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION generation_events_on_update();

-- Generations made before this migration get their current state as their first event.
INSERT INTO generation_events (generation_id, kind, status, progress, stage, attempt, output, error)
SELECT id, 'status', status, progress, stage, attempt, output, error FROM generations ORDER BY id;

-- Uploaded reference images (POST /v1/assets). The original is a content-addressed blob (file_key); its thumbnail
-- is made by a background job (kind asset.thumbnail) and recorded here when ready.
CREATE TABLE assets (
    id               bigserial   PRIMARY KEY,
    user_id          bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    content_type     text        NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/webp')),
    bytes            bigint      NOT NULL CHECK (bytes > 0),
    width            integer     NOT NULL CHECK (width > 0),
    height           integer     NOT NULL CHECK (height > 0),
    file_key         text        NOT NULL CHECK (char_length(file_key) BETWEEN 1 AND 200),
    status           text        NOT NULL DEFAULT 'processing' CHECK (status IN ('processing', 'ready', 'failed')),
    thumbnail_key    text        CHECK (char_length(thumbnail_key) BETWEEN 1 AND 200),
    thumbnail_width  integer,
    thumbnail_height integer,
    error            text        CHECK (char_length(error) <= 2000),
    job_id           bigint,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'ready') = (thumbnail_key IS NOT NULL)),
    CHECK ((status = 'failed') = (error IS NOT NULL))
);

-- GET /v1/assets/{id} (by primary key, then the owner check), asset:<id> lookups (user_id, id = ANY(…)) and the
-- user cascade.
CREATE INDEX assets_user_id_id_idx ON assets (user_id, id);
