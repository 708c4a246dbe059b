package dev.kiln.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatabaseConfigTest {

    private static final DatabaseConfig D = DatabaseConfig.defaults();

    @Test
    void defaultsPointAtTheLocalServer() {
        assertThat(D.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/kiln");
        assertThat(D.poolSize()).isEqualTo(DatabaseConfig.DEFAULT_POOL_SIZE);
        assertThat(D.connectionTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(D.statementTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void eachInvalidSettingIsNamed() {
        assertThatThrownBy(() -> new DatabaseConfig(
                        " ",
                        5432,
                        "kiln",
                        "postgres",
                        "",
                        8,
                        D.connectionTimeout(),
                        D.statementTimeout(),
                        D.idleTimeout()))
                .hasMessageContaining("host");
        assertThatThrownBy(() -> new DatabaseConfig(
                        "h",
                        0,
                        "kiln",
                        "postgres",
                        "",
                        8,
                        D.connectionTimeout(),
                        D.statementTimeout(),
                        D.idleTimeout()))
                .hasMessageContaining("port");
        assertThatThrownBy(() -> D.withDatabase("kiln; DROP TABLE users")).hasMessageContaining("database");
        assertThatThrownBy(() -> D.withDatabase("Kiln")).hasMessageContaining("database");
        assertThatThrownBy(() -> new DatabaseConfig(
                        "h", 1, "kiln", "", "", 8, D.connectionTimeout(), D.statementTimeout(), D.idleTimeout()))
                .hasMessageContaining("user");
        assertThatThrownBy(() -> D.withPoolSize(0)).hasMessageContaining("poolSize");
        assertThatThrownBy(() -> D.withPoolSize(DatabaseConfig.MIN_POOL_SIZE - 1))
                .hasMessageContaining("poolSize")
                .hasMessageContaining("must be in " + DatabaseConfig.MIN_POOL_SIZE + "..");
        assertThat(D.withPoolSize(DatabaseConfig.MIN_POOL_SIZE).poolSize()).isEqualTo(DatabaseConfig.MIN_POOL_SIZE);
        assertThatThrownBy(() -> new DatabaseConfig(
                        "h", 1, "kiln", "u", "", 8, Duration.ofMillis(10), D.statementTimeout(), D.idleTimeout()))
                .hasMessageContaining("connectionTimeout");
        assertThatThrownBy(() -> new DatabaseConfig(
                        "h", 1, "kiln", "u", "", 8, D.connectionTimeout(), Duration.ZERO, D.idleTimeout()))
                .hasMessageContaining("statementTimeout");
        assertThatThrownBy(() -> new DatabaseConfig(
                        "h", 1, "kiln", "u", "", 8, D.connectionTimeout(), D.statementTimeout(), Duration.ofSeconds(1)))
                .hasMessageContaining("idleTimeout");
    }

    @Test
    void environmentOverridesDefaultsAndBadValuesNameTheVariable() {
        DatabaseConfig c = DatabaseConfig.fromEnv(
                Map.of("KILN_DB_HOST", "db.internal", "KILN_DB_PORT", "6543", "KILN_DB_NAME", "kiln_prod"));
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6543/kiln_prod");
        assertThat(c.user()).isEqualTo("postgres");

        assertThatThrownBy(() -> DatabaseConfig.fromEnv(Map.of("KILN_DB_PORT", "five")))
                .hasMessageContaining("KILN_DB_PORT");
        assertThatThrownBy(() -> DatabaseConfig.fromEnv(Map.of("KILN_DB_POOL_SIZE", "-1")))
                .hasMessageContaining("KILN_DB_POOL_SIZE");
    }

    @Test
    void toStringHidesThePassword() {
        DatabaseConfig c = new DatabaseConfig(
                "h", 1, "kiln", "u", "hunter2", 8, D.connectionTimeout(), D.statementTimeout(), D.idleTimeout());
        assertThat(c.toString()).doesNotContain("hunter2").contains("***");
    }

    @Test
    void nullPasswordMeansNone() {
        DatabaseConfig c = new DatabaseConfig(
                "h", 1, "kiln", "u", null, 8, D.connectionTimeout(), D.statementTimeout(), D.idleTimeout());
        assertThat(c.password()).isEmpty();
    }
}
