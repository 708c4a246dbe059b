-- Every segment blob a chunk attempt stores, recorded (with the attempt's job and claim token) before the blob is
-- written: a segment that no chunk ends up using (its attempt died or lost its lease, its video was cancelled or
-- failed, or it was joined) is then found and its blob deleted (docs/video.md, "Segments nobody uses"). No foreign
-- key: the row must outlive its generation until the blob is gone.
CREATE TABLE video_segments (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    generation_id bigint      NOT NULL,
    index         int         NOT NULL CHECK (index >= 0),
    segment_key   text        NOT NULL,
    job_id        bigint      NOT NULL,
    job_token     bigint      NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- The reaper groups by key and deletes by key; the join reaps its own generation's.
CREATE INDEX video_segments_key_idx ON video_segments (segment_key);
CREATE INDEX video_segments_generation_idx ON video_segments (generation_id);
-- A chunk's segment is looked up by key among the chunks of processing videos.
CREATE INDEX video_chunks_segment_key_idx ON video_chunks (segment_key) WHERE segment_key IS NOT NULL;
