package dev.kiln.platform.testing;

import dev.kiln.platform.Database;
import dev.kiln.platform.DatabaseConfig;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each test class its own freshly migrated database on the real PostgreSQL, dropped after the class.
 *
 * <p>Register it on a static field, {@code @RegisterExtension static TestDatabase db = new TestDatabase();}, or with
 * {@code @ExtendWith(TestDatabase.class)} and take a {@link Database}, {@link DataSource} or {@link DatabaseConfig}
 * as a test or lifecycle method parameter. The server comes from the {@code KILN_DB_*} variables (default
 * {@code postgres@127.0.0.1:5432}); the database is named {@code kiln_test_<class>_<random6>}.
 */
public final class TestDatabase implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    /** Pool size for test databases: small, because many test classes may share the server at once. */
    public static final int POOL_SIZE = 4;

    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();
    /** PostgreSQL truncates identifiers to 63 bytes; stay under it so the name we drop is the name created. */
    private static final int MAX_NAME = 63;

    private DatabaseConfig config;
    private Database database;
    /** The class that started the database; {@code @Nested} classes share it instead of making their own. */
    private Class<?> owner;

    /** Creates the extension; the database is made before the class's first test. */
    public TestDatabase() {}

    /** The migrated database of the running test class. */
    public Database database() {
        if (database == null) {
            throw new IllegalStateException("TestDatabase is not started: register it on a static field");
        }
        return database;
    }

    /** The configuration pointing at the test class's database. */
    public DatabaseConfig config() {
        database();
        return config;
    }

    /** Shortcut for {@code database().dataSource()}. */
    public DataSource dataSource() {
        return database().dataSource();
    }

    /** The server the test databases live on: the {@code KILN_DB_*} environment over the defaults. */
    public static DatabaseConfig serverConfig() {
        return DatabaseConfig.fromEnv(System.getenv()).withPoolSize(POOL_SIZE);
    }

    /** A fresh, unused database name for {@code testClass}, e.g. {@code kiln_test_apikeystest_k3x9q2}. */
    public static String uniqueName(Class<?> testClass) {
        String simple = testClass.getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        String suffix = "_" + random6();
        String prefix = "kiln_test_" + simple;
        return prefix.substring(0, Math.min(prefix.length(), MAX_NAME - suffix.length())) + suffix;
    }

    /** Drops {@code config.database()} even while connections to it are open; a no-op when it does not exist. */
    public static void drop(DatabaseConfig config) throws SQLException {
        String url = "jdbc:postgresql://" + config.host() + ":" + config.port() + "/postgres";
        try (Connection c = DriverManager.getConnection(url, config.user(), config.password());
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS \"" + config.database() + "\" WITH (FORCE)");
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (database != null) {
            return;
        }
        owner = context.getRequiredTestClass();
        config = serverConfig().withDatabase(uniqueName(context.getRequiredTestClass()));
        database = Database.open(config);
    }

    @Override
    public void afterAll(ExtensionContext context) throws SQLException {
        if (context.getRequiredTestClass() != owner) {
            return;
        }
        try {
            if (database != null) {
                database.close();
            }
        } finally {
            database = null;
            owner = null;
            if (config != null) {
                drop(config);
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == Database.class || type == DataSource.class || type == DatabaseConfig.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        if (type == Database.class) {
            return database();
        }
        if (type == DataSource.class) {
            return dataSource();
        }
        return config();
    }

    private static String random6() {
        char[] c = new char[6];
        for (int i = 0; i < c.length; i++) {
            c[i] = ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length()));
        }
        return new String(c);
    }
}
