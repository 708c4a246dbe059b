package dev.kiln.queue;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The queue's tables, migrated by Flyway from {@value #LOCATION} with its own history table, so it can share a
 * database (and transactions) with the platform's schema without either owning the other's migrations.
 */
public final class QueueSchema {

    /** Where the queue's migrations live on the classpath. */
    public static final String LOCATION = "classpath:db/queue";
    /** The queue's Flyway history table. */
    public static final String HISTORY_TABLE = "kiln_queue_schema_history";

    private QueueSchema() {}

    /**
     * Creates or upgrades the queue's tables in {@code dataSource}'s database; a no-op when up to date.
     *
     * @return the number of migrations applied
     */
    public static int migrate(DataSource dataSource) {
        MigrateResult result = Flyway.configure(QueueSchema.class.getClassLoader())
                .dataSource(dataSource)
                .locations(LOCATION)
                .table(HISTORY_TABLE)
                // The database usually holds the platform's tables already; baseline at 0 so V1 still runs.
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .loggers("slf4j")
                .failOnMissingLocations(true)
                .load()
                .migrate();
        return result.migrationsExecuted;
    }
}
