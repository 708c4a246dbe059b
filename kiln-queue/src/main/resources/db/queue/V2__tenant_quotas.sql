-- Quotas other than the configured default, one row per tenant that has its own (set by an operator through
-- JobQueue.setTenantQuota, e.g. `kiln quota set`). The enqueue reads it in the same statement that raises the
-- tenant's counter; a tenant without a row gets QueueConfig.tenantQuota().
CREATE TABLE kiln_queue_tenant_quotas (
    tenant text    PRIMARY KEY CHECK (char_length(tenant) BETWEEN 1 AND 200),
    quota  integer NOT NULL CHECK (quota >= 0)
);
