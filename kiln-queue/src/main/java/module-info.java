/** The durable job queue on PostgreSQL: enqueue in a caller's transaction, claims, leases, retries, maintenance. */
module dev.kiln.queue {
    requires transitive java.sql;
    requires flyway.core;
    requires org.postgresql.jdbc;
    requires org.slf4j;

    exports dev.kiln.queue;

    // Flyway reads the migrations through ClassLoader.getResource, which sees only unconditionally open packages.
    opens db.queue;
}
