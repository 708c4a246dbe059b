-- Which user may read which stored file: outputs are content-addressed, so two users who render the same bytes
-- share one blob but each gets their own row here. GET /v1/files/{key} answers 404 unless (user_id, key) exists,
-- so a key seen by one user never opens another user's output.
CREATE TABLE stored_files (
    user_id      bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key          text        NOT NULL CHECK (key ~ '^[0-9a-f]{64}\.[a-z0-9]{2,5}$'),
    content_type text        NOT NULL,
    bytes        bigint      NOT NULL CHECK (bytes >= 0),
    created_at   timestamptz NOT NULL DEFAULT now(),
    -- The primary key serves the ownership check of every file request.
    PRIMARY KEY (user_id, key)
);
