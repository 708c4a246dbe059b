package dev.kiln.platform.generations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.platform.ApiKeys;
import dev.kiln.platform.ConflictException;
import dev.kiln.platform.NotFoundException;
import dev.kiln.platform.PageRequest;
import dev.kiln.platform.Platform;
import dev.kiln.platform.credits.InsufficientCreditsException;
import dev.kiln.platform.credits.LedgerEntry;
import dev.kiln.platform.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The generation use cases at the service level: debit with submit, refund exactly once, job through the seam. */
class GenerationsTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final String REQUEST = "{\"document\":{\"type\":\"svg\",\"svg\":\"<svg/>\"}}";

    private final Platform platform = Platform.create(db.dataSource(), new PlaceholderGenerationJobs());

    private long user(long credits) {
        return new ApiKeys(db.dataSource(), Clock.systemUTC(), credits)
                .create("u")
                .userId();
    }

    private long scene(long userId) {
        long project = platform.projects().create(userId, "p").id();
        return platform.scenes().create(userId, project, "s", REQUEST).id();
    }

    private Generation submit(long userId, long sceneId, long cost) {
        return platform.generations()
                .submit(new Generations.Submit(userId, sceneId, REQUEST, cost, Optional.empty()))
                .generation();
    }

    @Test
    void failPermanentlyRefundsExactlyOnce() throws SQLException {
        long userId = user(10);
        Generation g = submit(userId, scene(userId), 4);
        assertThat(balance(userId)).isEqualTo(6);

        assertThat(platform.generations().failPermanently(g.id(), "render-failed", "the encoder crashed"))
                .isTrue();
        assertThat(balance(userId)).isEqualTo(10);
        Generation failed = platform.generations().get(userId, g.id());
        assertThat(failed.status()).isEqualTo(GenerationStatus.FAILED);
        assertThat(failed.errorJson()).hasValueSatisfying(e -> assertThat(e).contains("render-failed"));
        assertThat(failed.finishedAt()).isPresent();

        assertThat(platform.generations().failPermanently(g.id(), "render-failed", "again"))
                .as("second failure")
                .isFalse();
        assertThatThrownBy(() -> platform.generations().cancel(userId, g.id())).isInstanceOf(ConflictException.class);
        assertThat(balance(userId)).as("no second refund").isEqualTo(10);
        assertThat(refunds(g.id())).isEqualTo(1);
        assertThatThrownBy(() -> platform.generations().failPermanently(Long.MAX_VALUE, "x", "y"))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void cancelRefundsAndCancelsTheJobInTheSameTransaction() throws SQLException {
        long userId = user(5);
        Generation g = submit(userId, scene(userId), 2);
        assertThat(g.jobId()).isPresent();

        Generation canceled = platform.generations().cancel(userId, g.id());
        assertThat(canceled.status()).isEqualTo(GenerationStatus.CANCELED);
        assertThat(balance(userId)).isEqualTo(5);
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT canceled_at FROM placeholder_jobs WHERE id = ?")) {
            ps.setLong(1, g.jobId().get());
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getTimestamp(1)).isNotNull();
            }
        }
        assertThatThrownBy(() -> platform.generations().cancel(userId, g.id())).isInstanceOf(ConflictException.class);
        assertThat(refunds(g.id())).isEqualTo(1);
    }

    @Test
    void aShortBalanceWritesNothing() throws SQLException {
        long userId = user(3);
        long sceneId = scene(userId);
        assertThatThrownBy(() -> submit(userId, sceneId, 4))
                .isInstanceOfSatisfying(InsufficientCreditsException.class, e -> {
                    assertThat(e.cost()).isEqualTo(4);
                    assertThat(e.balance()).isEqualTo(3);
                });
        assertThat(balance(userId)).isEqualTo(3);
        assertThat(platform.generations()
                        .list(userId, Optional.empty(), PageRequest.first())
                        .items())
                .isEmpty();
        assertThat(platform.credits()
                        .statement(userId, PageRequest.first())
                        .ledger()
                        .items())
                .extracting(LedgerEntry::reason)
                .containsExactly(LedgerEntry.Reason.SIGNUP);
    }

    @Test
    void grantsAreLedgeredAndTheLedgerIsAppendOnly() throws SQLException {
        long userId = user(0);
        assertThat(platform.credits().grant(userId, 25)).isEqualTo(25);
        assertThat(platform.credits()
                        .statement(userId, PageRequest.first())
                        .ledger()
                        .items())
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.reason()).isEqualTo(LedgerEntry.Reason.GRANT);
                    assertThat(e.balanceAfter()).isEqualTo(25);
                });
        assertThatThrownBy(() -> platform.credits().grant(Long.MAX_VALUE, 1)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> platform.credits().grant(userId, 0)).isInstanceOf(IllegalArgumentException.class);
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE credit_ledger SET delta = 1000 WHERE user_id = ?")) {
            ps.setLong(1, userId);
            assertThatThrownBy(ps::executeUpdate).hasMessageContaining("append-only");
        }
    }

    private static long balance(long userId) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT credits FROM users WHERE id = ?")) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long refunds(long generationId) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT count(*) FROM credit_ledger WHERE generation_id = ? AND reason = 'refund'")) {
            ps.setLong(1, generationId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
