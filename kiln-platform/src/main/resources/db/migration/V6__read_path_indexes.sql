-- The read path (issue 7): the dashboard reads each scene's latest generation and each project's total cost of
-- completed work with one index range per row, never a scan of a user's generations.

-- "Latest generation of scene S" is ORDER BY id DESC LIMIT 1 within scene_id = S: with id in the key it is the first
-- entry of a range. It also serves everything generations_scene_id_idx served (the SET NULL cascade, the in-flight
-- check before a scene is deleted), so that index goes.
CREATE INDEX generations_scene_id_id_idx ON generations (scene_id, id);
DROP INDEX generations_scene_id_idx;

-- "Total cost of completed generations of project P": the completed rows only, with the cost in the index, so the sum
-- is an index-only range once the table is vacuumed (kiln-queue's maintenance vacuums; autovacuum is off here).
CREATE INDEX generations_project_completed_idx ON generations (project_id) INCLUDE (cost) WHERE status = 'completed';
