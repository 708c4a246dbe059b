TRUNCATE kiln_queue_finished, kiln_queue_jobs, kiln_queue_tenants, kiln_queue_tenant_finished;
INSERT INTO kiln_queue_jobs (kind, tenant, payload, priority, state, max_attempts, run_at, timeout_ms, created_at)
SELECT 'noop', 'bench', '{}'::jsonb, 1, 'available', 5, '2026-01-01'::timestamptz + g * interval '1 microsecond', 300000, now() FROM generate_series(1,20000) g;
INSERT INTO kiln_queue_tenants (tenant, enqueued, quota) VALUES ('bench', 20000, 100000);
VACUUM ANALYZE kiln_queue_jobs, kiln_queue_tenants, kiln_queue_tenant_finished;
