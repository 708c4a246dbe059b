-- Issue 7, items 3 and 4: a per-generation event log for Server-Sent Events, and uploaded reference images.

-- One row per status or progress change of a generation, written by a trigger in the transaction that made the
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

-- Records the change and announces it on kiln_generation_events as '<generation id>:<event id>'; NOTIFY is
-- delivered at commit, so every instance's listener hears only committed events, whichever instance wrote them.
CREATE FUNCTION generation_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    event_id bigint;
    event_kind text;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.status = OLD.status AND NEW.progress = OLD.progress AND NEW.stage IS NOT DISTINCT FROM OLD.stage
           AND NEW.attempt = OLD.attempt THEN
            RETURN NULL; -- job_id, thumbnail or timestamps only: nothing a client watches
        END IF;
        event_kind := CASE WHEN NEW.status <> OLD.status THEN 'status' ELSE 'progress' END;
    ELSE
        event_kind := 'status';
    END IF;
    INSERT INTO generation_events (generation_id, kind, status, progress, stage, attempt, output, error)
    VALUES (NEW.id, event_kind, NEW.status, NEW.progress, NEW.stage, NEW.attempt, NEW.output, NEW.error)
    RETURNING id INTO event_id;
    PERFORM pg_notify('kiln_generation_events', NEW.id || ':' || event_id);
    RETURN NULL;
END;
$$;

CREATE TRIGGER generations_record_event AFTER INSERT OR UPDATE ON generations
    FOR EACH ROW EXECUTE FUNCTION generation_event();

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
