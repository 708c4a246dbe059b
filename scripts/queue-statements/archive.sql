-- Only for the archive-table variant (del.sql): completed jobs move here instead of being updated in place.
CREATE TABLE kiln_queue_finished (LIKE kiln_queue_jobs INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
ALTER TABLE kiln_queue_finished ADD PRIMARY KEY (id);
CREATE INDEX kiln_queue_finished_at_idx ON kiln_queue_finished (finished_at);
