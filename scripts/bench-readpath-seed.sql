-- Seeds the read-path benchmark database (scripts/bench-readpath.sh): the API key's user (the bench user) gets 30
-- projects of 5 scenes (150 scenes) with 40 generations each; 2,000 other users get 4 projects of 5 scenes; 2,000,000
-- generations in all, mostly completed like a live system's history. Then VACUUM ANALYZE, as kiln-queue's maintenance
-- would (autovacuum is off on this machine).
\set ON_ERROR_STOP on
SELECT id AS bench_user FROM users ORDER BY id LIMIT 1 \gset

INSERT INTO users (name, credits) SELECT 'other' || n, 1000 FROM generate_series(1, 2000) n;

INSERT INTO projects (user_id, name)
SELECT :bench_user, 'bench project ' || n FROM generate_series(1, 30) n;
INSERT INTO projects (user_id, name)
SELECT u.id, 'p' || n FROM users u, generate_series(1, 4) n WHERE u.id <> :bench_user;

INSERT INTO scenes (project_id, user_id, name, position, document)
SELECT p.id, p.user_id, 'scene ' || k, k, '{"type":"svg","svg":"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>"}'::jsonb
  FROM projects p, generate_series(0, 4) k;

-- 6,000 generations for the bench user's 150 scenes, the rest spread over the other 40,000 scenes.
INSERT INTO generations (user_id, project_id, scene_id, status, progress, stage, attempt, cost, render_request, output,
                         thumbnail_url, created_at, started_at, finished_at, updated_at)
SELECT s.user_id, s.project_id, s.id, st.status,
       CASE WHEN st.status = 'completed' THEN 100 ELSE 0 END,
       CASE WHEN st.status = 'completed' THEN 'completed' END,
       1, 1 + (g % 3), '{"document":{"type":"svg"},"output":{"format":"png"}}'::jsonb,
       CASE WHEN st.status = 'completed' THEN jsonb_build_object('url', '/v1/files/' || md5(g::text) || '.png',
            'contentType', 'image/png', 'bytes', 1200, 'width', 1200, 'height', 630, 'durationMs', 0) END,
       CASE WHEN st.status = 'completed' THEN '/v1/files/' || md5(g::text) || '.png' END,
       now() - interval '1 second' * (2000000 - g), now(), 
       CASE WHEN st.status IN ('completed', 'failed', 'canceled') THEN now() END, now()
  FROM (SELECT id, user_id, project_id, row_number() OVER (ORDER BY id) AS rn FROM scenes) s
  JOIN LATERAL (SELECT generate_series(1, CASE WHEN s.user_id = :bench_user THEN 40 ELSE 50 END) AS k) ks ON true
  CROSS JOIN LATERAL (SELECT (s.rn * 100 + ks.k) AS g) gg
  CROSS JOIN LATERAL (SELECT CASE WHEN gg.g % 97 = 0 THEN 'failed' WHEN gg.g % 89 = 0 THEN 'canceled'
                                  ELSE 'completed' END AS status) st;

SELECT count(*) AS generations FROM generations;
SELECT count(*) AS bench_user_generations FROM generations WHERE user_id = :bench_user;
VACUUM ANALYZE;
