-- A long video split into frame ranges (docs/video.md, "Chunked rendering"): one plan row per video, one row per
-- chunk. Each chunk is its own queue job, so chunks render on several workers at once and a failed one is retried
-- alone; the last chunk to finish enqueues the join job, under the plan row's lock so exactly one does.
CREATE TABLE video_plans (
    generation_id bigint  PRIMARY KEY REFERENCES generations (id) ON DELETE CASCADE,
    chunks        int     NOT NULL CHECK (chunks >= 2),
    frames        int     NOT NULL CHECK (frames >= 2),
    join_job_id   bigint
);

CREATE TABLE video_chunks (
    generation_id bigint NOT NULL REFERENCES video_plans (generation_id) ON DELETE CASCADE,
    index         int    NOT NULL CHECK (index >= 0),
    start_frame   int    NOT NULL CHECK (start_frame >= 0),
    frames        int    NOT NULL CHECK (frames >= 1),
    progress      int    NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    attempts      int    NOT NULL DEFAULT 0,
    -- The rendered segment (an MP4 blob), once the chunk is done.
    segment_key   text,
    segment_bytes bigint,
    -- Served by the primary key: every statement names the generation, most name the chunk.
    PRIMARY KEY (generation_id, index)
);
