package dev.kiln.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KilnConfigTest {

    @Test
    void defaultsAreValidAndLoopback() {
        KilnConfig c = KilnConfig.from(new Settings(Map.of()));
        assertThat(c.http().host()).isEqualTo("127.0.0.1");
        assertThat(c.http().port()).isEqualTo(8080);
        assertThat(c.pool().workers()).isBetween(1, Runtime.getRuntime().availableProcessors());
        assertThat(c.pool().queueCapacity()).isPositive();
        assertThat(c.http().warmUp()).isEqualTo(java.time.Duration.ofSeconds(10));
        assertThat(KilnConfig.from(new Settings(Map.of("KILN_WARM_UP", "0s")))
                        .http()
                        .warmUp())
                .isZero();
    }

    @Test
    void badValuesStopTheStartWithAMessageNamingTheSetting() {
        assertThatThrownBy(() -> KilnConfig.from(new Settings(Map.of("KILN_PORT", "70000"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("KILN_PORT");
        assertThatThrownBy(() -> KilnConfig.from(new Settings(Map.of("KILN_PORT", "http"))))
                .hasMessageContaining("KILN_PORT must be an integer");
        assertThatThrownBy(() -> KilnConfig.from(new Settings(Map.of("KILN_REQUEST_TIMEOUT", "soon"))))
                .hasMessageContaining("KILN_REQUEST_TIMEOUT");
        assertThatThrownBy(() -> KilnConfig.from(new Settings(Map.of("KILN_REQUEST_TIMEOUT", "30s"))))
                .as("a default budget above the max budget is a cross-field error")
                .hasMessageContaining("KILN_MAX_REQUEST_TIMEOUT");
        assertThatThrownBy(() -> KilnConfig.from(new Settings(Map.of("KILN_RENDER_WORKERS", "0"))))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> KilnConfig.from(new Settings(Map.of("KILN_DB_PORT", "-1"))))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> KilnConfig.from(new Settings(Map.of("KILN_WARM_UP", "-1s"))))
                .hasMessageContaining("KILN_WARM_UP");
    }

    @Test
    void readPathSettingsAreValidatedByName() {
        KilnConfig defaults = KilnConfig.from(new Settings(Map.of("KILN_DB_NAME", "shop")));
        assertThat(defaults.redis().uri()).hasValue(java.net.URI.create("redis://127.0.0.1:6379"));
        assertThat(defaults.redis().keyPrefix())
                .as("deployments sharing a Redis keep apart")
                .isEqualTo("kiln.shop");
        assertThat(defaults.rateLimit().limit()).isEqualTo(1200);
        assertThat(KilnConfig.from(new Settings(Map.of("KILN_REDIS_URL", "off")))
                        .redis()
                        .uri())
                .isEmpty();
        for (var bad : java.util.List.of(
                Map.of("KILN_REDIS_URL", "http://127.0.0.1:6379"),
                Map.of("KILN_REDIS_URL", "redis://"),
                Map.of("KILN_REDIS_TIMEOUT", "0"),
                Map.of("KILN_REDIS_TIMEOUT", "10s"),
                Map.of("KILN_REDIS_PREFIX", "with space"),
                Map.of("KILN_RATE_LIMIT", "-5"),
                Map.of("KILN_RATE_LIMIT_WINDOW", "5h"),
                Map.of("KILN_CACHE_INFLIGHT_TTL", "1h"))) {
            assertThatThrownBy(() -> KilnConfig.from(new Settings(bad)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(bad.keySet().iterator().next());
        }
    }

    @Test
    void newUserCreditsDefaultAndBounds() {
        assertThat(KilnConfig.from(new Settings(Map.of())).newUserCredits()).isEqualTo(1000);
        assertThat(KilnConfig.from(new Settings(Map.of("KILN_NEW_USER_CREDITS", "0")))
                        .newUserCredits())
                .isZero();
        assertThatThrownBy(() -> KilnConfig.from(new Settings(Map.of("KILN_NEW_USER_CREDITS", "-1"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("KILN_NEW_USER_CREDITS");
        assertThatThrownBy(() -> KilnConfig.from(new Settings(Map.of("KILN_NEW_USER_CREDITS", "lots"))))
                .hasMessageContaining("KILN_NEW_USER_CREDITS must be an integer");
    }

    @Test
    void durationsAcceptUnits() {
        assertThat(Settings.parseDuration(Setting.KILN_DRAIN_TIMEOUT, "250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Settings.parseDuration(Setting.KILN_DRAIN_TIMEOUT, "1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Settings.parseDuration(Setting.KILN_DRAIN_TIMEOUT, "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Settings.parseDuration(Setting.KILN_DRAIN_TIMEOUT, "40")).isEqualTo(Duration.ofMillis(40));
    }

    /** Issue 10 regression: the settings parser took {@code -5s} and left each config record to notice. */
    @Test
    void aNegativeDurationStopsTheStartNamingTheSetting() {
        for (Setting setting : Setting.values()) {
            if (setting.type() != Setting.Type.DURATION) {
                continue;
            }
            assertThatThrownBy(() -> KilnConfig.from(new Settings(Map.of(setting.name(), "-5s"))))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage(setting.name() + " must not be negative, was '-5s'");
        }
        assertThatThrownBy(() -> KilnConfig.from(new Settings(Map.of("KILN_SSE_HEARTBEAT", "10 s"))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("KILN_SSE_HEARTBEAT must be a duration such as 500ms, 10s, 2m or 1h, was '10 s'");
    }

    /** Issue 10 regression: the known-name list lacked the event-stream and video settings, so they drew warnings. */
    @Test
    void everySettingInTheTableIsKnownSoNoneDrawsAWarning() {
        Map<String, String> all = new java.util.HashMap<>();
        for (Setting setting : Setting.values()) {
            all.put(setting.name(), "x");
        }
        assertThat(new Settings(all).unknownNames()).isEmpty();
        assertThat(new Settings(Map.of("KILN_SSE_HEARTBEAT", "1s", "KILN_VIDEO_DEADLINE", "1m")).unknownNames())
                .isEmpty();
    }

    @Test
    void theNamesOtherModulesPutInTheirMessagesAreSettingsOfTheTable() {
        for (String name : java.util.List.of(
                dev.kiln.platform.DatabaseConfig.ENV_HOST,
                dev.kiln.platform.DatabaseConfig.ENV_PORT,
                dev.kiln.platform.DatabaseConfig.ENV_NAME,
                dev.kiln.platform.DatabaseConfig.ENV_USER,
                dev.kiln.platform.DatabaseConfig.ENV_PASSWORD,
                dev.kiln.platform.DatabaseConfig.ENV_POOL_SIZE)) {
            assertThat(Setting.isKnown(name)).as(name).isTrue();
        }
    }

    @Test
    void theDefaultsComeFromTheTable() {
        KilnConfig c = KilnConfig.from(new Settings(Map.of()));
        assertThat(c.http().drainTimeout()).isEqualTo(Setting.KILN_DRAIN_TIMEOUT.defaultValue(Duration.class));
        assertThat(c.pool().drainTimeout()).isEqualTo(c.http().drainTimeout());
        assertThat(c.database().poolSize()).isEqualTo(Setting.KILN_DB_POOL_SIZE.defaultValue(Integer.class));
        assertThat(c.rateLimit().window()).isEqualTo(Setting.KILN_RATE_LIMIT_WINDOW.defaultValue(Duration.class));
        assertThat(c.video().deadline()).isEqualTo(Setting.KILN_VIDEO_DEADLINE.defaultValue(Duration.class));
    }

    @Test
    void environmentWinsOverTheConfigFileAndUnknownFileKeysAreRejected(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("kiln.properties");
        Files.writeString(file, "KILN_PORT=9001\nKILN_HOST=127.0.0.2\n");
        KilnConfig c = KilnConfig.from(Settings.load(Map.of("KILN_CONFIG_FILE", file.toString(), "KILN_PORT", "9002")));
        assertThat(c.http().port()).isEqualTo(9002);
        assertThat(c.http().host()).isEqualTo("127.0.0.2");

        Files.writeString(file, "PORT=1\n");
        assertThatThrownBy(() -> Settings.load(Map.of("KILN_CONFIG_FILE", file.toString())))
                .hasMessageContaining("unknown setting 'PORT'");
    }

    @Test
    void misspeltSettingsAreReportedAndABadLogFormatStopsTheStart() {
        Settings s = new Settings(Map.of("KILN_PROT", "1", "KILN_PORT", "9000"));
        assertThat(s.unknownNames()).containsExactly("KILN_PROT");
        assertThatThrownBy(() -> KilnConfig.from(new Settings(Map.of("KILN_LOG_FORMAT", "xml"))))
                .hasMessageContaining("KILN_LOG_FORMAT");
    }
}
