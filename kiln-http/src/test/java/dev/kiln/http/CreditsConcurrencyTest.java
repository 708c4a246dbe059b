package dev.kiln.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.platform.ApiKeys;
import dev.kiln.platform.Database;
import dev.kiln.platform.DatabaseConfig;
import dev.kiln.platform.credits.Credits;
import dev.kiln.platform.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Many concurrent debits on one user: the balance never goes negative and no debit is lost. */
class CreditsConcurrencyTest {
    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    static Database patient;
    static TestServer server;

    /**
     * The server borrows from its own pool with a long borrow timeout: 100 requests queue for 4 connections while
     * debits of one user serialise on its row, and on a busy shared machine the 2 s default can run out (503)
     * before the last request's turn. This test is about debits, not about the pool's timeout.
     */
    @BeforeAll
    static void start() {
        DatabaseConfig c = db.config();
        patient = Database.open(new DatabaseConfig(
                c.host(),
                c.port(),
                c.database(),
                c.user(),
                c.password(),
                c.poolSize(),
                Duration.ofSeconds(30),
                c.statementTimeout(),
                c.idleTimeout()));
        server = TestServer.start(patient);
    }

    @AfterAll
    static void stop() {
        server.close();
        patient.close();
    }

    @Test
    void hundredConcurrentGenerationsAgainstABalanceOf37() throws Exception {
        ApiKeys.CreatedKey user = new ApiKeys(db.dataSource(), Clock.systemUTC(), 0).create("thirty-seven");
        new Credits(db.dataSource()).grant(user.userId(), 37);
        long sceneId = PlatformApiTestSupport.scene(server, user.token());
        String path = "/v1/scenes/" + sceneId + "/generations";

        int requests = 100;
        CountDownLatch gate = new CountDownLatch(1);
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        List<Future<Integer>> statuses = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < requests; i++) {
                statuses.add(pool.submit(() -> {
                    gate.await();
                    try {
                        HttpResponse<byte[]> res = server.call(user.token(), "POST", path, "{}", Map.of());
                        if (res.statusCode() == 402) {
                            assertThat(Problem.of(res).type()).isEqualTo("urn:kiln:problem:insufficient-credits");
                        }
                        return res.statusCode();
                    } catch (RuntimeException | AssertionError e) {
                        firstFailure.compareAndSet(null, e);
                        throw e;
                    }
                }));
            }
            gate.countDown();
        }
        assertThat(firstFailure.get()).isNull();
        int accepted = 0;
        int refused = 0;
        for (Future<Integer> f : statuses) {
            int status = f.get();
            assertThat(status).isIn(202, 402);
            if (status == 202) {
                accepted++;
            } else {
                refused++;
            }
        }
        assertThat(accepted).isEqualTo(37);
        assertThat(refused).isEqualTo(63);

        JsonNode credits = PlatformApiTest.json(server.call(user.token(), "GET", "/v1/credits", null, Map.of()));
        assertThat(credits.get("balance").longValue()).isZero();
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("""
                        SELECT sum(delta), count(*) FILTER (WHERE reason = 'generation'), min(balance_after),
                               (SELECT count(*) FROM generations WHERE user_id = ?)
                          FROM credit_ledger WHERE user_id = ?""")) {
            ps.setLong(1, user.userId());
            ps.setLong(2, user.userId());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).as("the ledger sums to the balance").isZero();
                assertThat(rs.getLong(2))
                        .as("one debit per accepted generation")
                        .isEqualTo(37);
                assertThat(rs.getLong(3)).as("never negative").isZero();
                assertThat(rs.getLong(4))
                        .as("refused requests left no generation")
                        .isEqualTo(37);
            }
        }
    }
}
