-- The dashboard's "total cost of completed generations of project P" becomes a column of the project, kept by
-- triggers on generations, instead of a sum over the project's completed generations on every uncached page: that
-- sum was 40 % of the page's execution time in PostgreSQL for a project of ~200 completed generations, and grew
-- with the project's history (BENCHMARKS.md, "Read path, third pass"). The triggers track every change of the three
-- inputs (status, cost, project_id) and every insert and delete, so the column always equals
-- SELECT coalesce(sum(cost), 0) FROM generations WHERE project_id = P AND status = 'completed'
-- (DashboardTest and ProjectCompletedCostTest compare them).

ALTER TABLE projects ADD COLUMN completed_cost bigint NOT NULL DEFAULT 0;

UPDATE projects p SET completed_cost = s.total
  FROM (SELECT project_id, sum(cost) AS total FROM generations
         WHERE status = 'completed' AND project_id IS NOT NULL GROUP BY project_id) s
 WHERE s.project_id = p.id;

-- Updates: a row trigger, so that its column list and WHEN skip the updates that change none of the inputs (progress,
-- stage, the scene link: nearly all of them) without a call. A completion takes the project's row lock (FOR NO KEY
-- UPDATE) after the generation's, in the completing transaction; that does not conflict with the KEY SHARE lock that
-- inserting a generation of the project takes. A project delete's ON DELETE SET NULL finds the project already gone.
CREATE FUNCTION projects_track_completed_cost() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'completed' AND OLD.project_id IS NOT NULL THEN
        UPDATE projects SET completed_cost = completed_cost - OLD.cost WHERE id = OLD.project_id;
    END IF;
    IF NEW.status = 'completed' AND NEW.project_id IS NOT NULL THEN
        UPDATE projects SET completed_cost = completed_cost + NEW.cost WHERE id = NEW.project_id;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER generations_completed_cost_update AFTER UPDATE OF status, cost, project_id ON generations
    FOR EACH ROW WHEN ((OLD.status = 'completed' OR NEW.status = 'completed')
                       AND (OLD.status IS DISTINCT FROM NEW.status OR OLD.cost IS DISTINCT FROM NEW.cost
                            OR OLD.project_id IS DISTINCT FROM NEW.project_id))
    EXECUTE FUNCTION projects_track_completed_cost();

-- Inserts and deletes: statement triggers over the transition table, one grouped UPDATE per statement, so a bulk
-- insert (a seed, an import) or a user's cascade delete does not run one UPDATE per row. Generations are inserted
-- queued by the API, so the insert trigger usually finds nothing to add.
CREATE FUNCTION projects_add_completed_cost() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE projects p SET completed_cost = p.completed_cost + s.total
      FROM (SELECT project_id, sum(cost) AS total FROM new_rows
             WHERE status = 'completed' AND project_id IS NOT NULL GROUP BY project_id) s
     WHERE p.id = s.project_id;
    RETURN NULL;
END;
$$;

CREATE FUNCTION projects_remove_completed_cost() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE projects p SET completed_cost = p.completed_cost - s.total
      FROM (SELECT project_id, sum(cost) AS total FROM old_rows
             WHERE status = 'completed' AND project_id IS NOT NULL GROUP BY project_id) s
     WHERE p.id = s.project_id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER generations_completed_cost_insert AFTER INSERT ON generations
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION projects_add_completed_cost();
CREATE TRIGGER generations_completed_cost_delete AFTER DELETE ON generations
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION projects_remove_completed_cost();

-- Only the dashboard's sum used it.
DROP INDEX generations_project_completed_idx;
