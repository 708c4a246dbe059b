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

-- A row trigger: completions come one generation at a time. The project's row lock (FOR NO KEY UPDATE) is taken
-- after the generation's, in the completing transaction; it does not conflict with the KEY SHARE locks that inserting
-- generations of the project takes. A project delete's ON DELETE SET NULL finds its project already gone (no-op).
CREATE FUNCTION projects_track_completed_cost() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'completed' AND OLD.project_id IS NOT NULL THEN
        UPDATE projects SET completed_cost = completed_cost - OLD.cost WHERE id = OLD.project_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'completed' AND NEW.project_id IS NOT NULL THEN
        UPDATE projects SET completed_cost = completed_cost + NEW.cost WHERE id = NEW.project_id;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER generations_completed_cost_insert AFTER INSERT ON generations
    FOR EACH ROW WHEN (NEW.status = 'completed' AND NEW.project_id IS NOT NULL)
    EXECUTE FUNCTION projects_track_completed_cost();
-- Progress updates (most updates) name none of these columns, or change none of them: the WHEN skips them.
CREATE TRIGGER generations_completed_cost_update AFTER UPDATE OF status, cost, project_id ON generations
    FOR EACH ROW WHEN ((OLD.status = 'completed' OR NEW.status = 'completed')
                       AND (OLD.status IS DISTINCT FROM NEW.status OR OLD.cost IS DISTINCT FROM NEW.cost
                            OR OLD.project_id IS DISTINCT FROM NEW.project_id))
    EXECUTE FUNCTION projects_track_completed_cost();
CREATE TRIGGER generations_completed_cost_delete AFTER DELETE ON generations
    FOR EACH ROW WHEN (OLD.status = 'completed' AND OLD.project_id IS NOT NULL)
    EXECUTE FUNCTION projects_track_completed_cost();

-- Only the dashboard's sum used it.
DROP INDEX generations_project_completed_idx;
