package dev.kiln.queue;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The queue's migrations land in a database the platform already migrated, with their own history table. */
class QueueSchemaTest {

    @Test
    void migratesBesideAnotherSchemaOwnersTablesAndIsIdempotent() throws SQLException {
        String name = "kiln_test_q_schema_" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        try (Connection c = DriverManager.getConnection(
                        QueueDatabase.url("postgres"), QueueDatabase.USER, QueueDatabase.PASSWORD);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE \"" + name + "\"");
        }
        try (HikariDataSource ds = QueueDatabase.pool(name, 2)) {
            try (Connection c = ds.getConnection();
                    Statement s = c.createStatement()) {
                // What the platform's Flyway leaves behind: its own tables and history.
                s.execute("CREATE TABLE users (id bigserial PRIMARY KEY)");
                s.execute("CREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY)");
            }
            assertThat(QueueSchema.migrate(ds)).isEqualTo(2);
            assertThat(QueueSchema.migrate(ds)).isZero();
            try (Connection c = ds.getConnection();
                    Statement s = c.createStatement();
                    var rs = s.executeQuery("SELECT count(*) FROM " + QueueSchema.HISTORY_TABLE + " WHERE success")) {
                rs.next();
                // The baseline row, V1 and V2.
                assertThat(rs.getInt(1)).isEqualTo(3);
            }
        } finally {
            try (Connection c = DriverManager.getConnection(
                            QueueDatabase.url("postgres"), QueueDatabase.USER, QueueDatabase.PASSWORD);
                    Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
            }
        }
    }
}
