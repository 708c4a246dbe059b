-- Users and their API keys. Later migrations add projects, scenes, generations and the credit ledger; users.credits
-- is the balance that the ledger will explain, kept here so a debit is one guarded UPDATE.

CREATE TABLE users (
    id         bigserial   PRIMARY KEY,
    name       text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    -- The balance can never go negative: a debit larger than the balance fails instead of overdrawing.
    credits    bigint      NOT NULL DEFAULT 0 CHECK (credits >= 0),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- A token is kiln_<key_id>_<secret>. key_id is public and is the lookup key (the primary key index serves every
-- authentication); only SHA-256 of the secret is stored.
CREATE TABLE api_keys (
    key_id       text        PRIMARY KEY CHECK (key_id ~ '^[a-z2-7]{12}$'),
    user_id      bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    secret_hash  bytea       NOT NULL CHECK (octet_length(secret_hash) = 32),
    created_at   timestamptz NOT NULL DEFAULT now(),
    -- Written at most once per minute per key, so authentication stays a read in the steady state.
    last_used_at timestamptz,
    revoked_at   timestamptz
);

-- Listing and revoking a user's keys; also serves the ON DELETE CASCADE from users.
CREATE INDEX api_keys_user_id_idx ON api_keys (user_id);
