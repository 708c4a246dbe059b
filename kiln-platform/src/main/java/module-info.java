/** The platform: users and keys, projects and scenes, credits, generations, events, assets; plain JDBC on PostgreSQL. */
module dev.kiln.platform {
    requires transitive java.sql;
    requires transitive com.zaxxer.hikari; // Database.trackMetrics takes its MetricsTrackerFactory
    requires flyway.core;
    requires org.postgresql.jdbc;
    requires org.slf4j;

    exports dev.kiln.platform;
    exports dev.kiln.platform.assets;
    exports dev.kiln.platform.credits;
    exports dev.kiln.platform.dashboard;
    exports dev.kiln.platform.events;
    exports dev.kiln.platform.generations;
    exports dev.kiln.platform.projects;

    // Flyway reads the migrations through ClassLoader.getResource, which sees only unconditionally open packages.
    opens db.migration;
}
