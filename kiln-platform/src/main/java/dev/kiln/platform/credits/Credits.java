package dev.kiln.platform.credits;

import dev.kiln.platform.NotFoundException;
import dev.kiln.platform.Page;
import dev.kiln.platform.PageRequest;
import dev.kiln.platform.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Balances and the append-only ledger. Every change is a guarded {@code UPDATE users} plus one ledger row in the
 * same transaction: the row lock serialises concurrent changes to one user, so none is lost and the ledger sums to
 * the balance. Thread-safe.
 */
public final class Credits {

    /** Starting balance of a new user when {@code KILN_NEW_USER_CREDITS} is not set. */
    public static final long DEFAULT_NEW_USER_CREDITS = 1000;
    /** Largest single grant, so that a typo cannot overflow a balance (bigint holds 9.2e18). */
    public static final long MAX_GRANT = 1_000_000_000_000L;

    private static final String DEBIT = """
            UPDATE users SET credits = credits - ? WHERE id = ? AND credits >= ? RETURNING credits
            """;
    private static final String ADD = """
            UPDATE users SET credits = credits + ? WHERE id = ? RETURNING credits
            """;
    private static final String BALANCE = "SELECT credits FROM users WHERE id = ?";
    private static final String APPEND = """
            INSERT INTO credit_ledger (user_id, delta, balance_after, reason, generation_id) VALUES (?, ?, ?, ?, ?)
            """;
    private static final String LEDGER = """
            SELECT id, delta, balance_after, reason, generation_id, created_at
              FROM credit_ledger
             WHERE user_id = ? AND id < ?
             ORDER BY id DESC
             LIMIT ?
            """;

    private final DataSource dataSource;

    /** Credits stored in {@code dataSource}. */
    public Credits(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Debits {@code amount} for {@code generationId} inside the caller's transaction {@code tx}.
     *
     * @return the balance after the debit
     * @throws InsufficientCreditsException when the balance is smaller than {@code amount}; nothing is written
     */
    public static long debit(Connection tx, long userId, long amount, long generationId) throws SQLException {
        requirePositive(amount);
        try (PreparedStatement ps = tx.prepareStatement(DEBIT)) {
            ps.setLong(1, amount);
            ps.setLong(2, userId);
            ps.setLong(3, amount);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    long balance = rs.getLong(1);
                    append(tx, userId, -amount, balance, LedgerEntry.Reason.GENERATION, generationId);
                    return balance;
                }
            }
        }
        throw new InsufficientCreditsException(amount, balance(tx, userId));
    }

    /**
     * Gives back {@code amount} for {@code generationId} inside {@code tx}. The callers' status transitions allow one
     * refund per generation; the ledger's unique index makes a second one fail rather than mint credits.
     *
     * @return the balance after the refund
     */
    public static long refund(Connection tx, long userId, long amount, long generationId) throws SQLException {
        return add(tx, userId, amount, LedgerEntry.Reason.REFUND, generationId);
    }

    /**
     * An operator's grant of {@code amount} credits to {@code userId}.
     *
     * @return the balance after the grant
     * @throws NotFoundException when the user does not exist
     * @throws IllegalArgumentException when {@code amount} is not 1 to {@link #MAX_GRANT}
     */
    public long grant(long userId, long amount) {
        if (amount < 1 || amount > MAX_GRANT) {
            throw new IllegalArgumentException("amount must be 1 to " + MAX_GRANT + ", was " + amount);
        }
        return Sql.transaction(
                dataSource, "granting credits", c -> add(c, userId, amount, LedgerEntry.Reason.GRANT, null));
    }

    /**
     * The user's balance and the newest page of their ledger.
     *
     * @throws NotFoundException when the user does not exist
     */
    public Statement statement(long userId, PageRequest page) {
        return Sql.transaction(dataSource, "reading credits", c -> {
            // One snapshot for both reads, so the balance and the newest ledger row agree.
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            long balance = balance(c, userId);
            List<LedgerEntry> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(LEDGER)) {
                ps.setLong(1, userId);
                ps.setLong(2, page.after().orElse(Long.MAX_VALUE));
                ps.setInt(3, page.limit() + 1);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long generation = rs.getLong("generation_id");
                        // wasNull reports on the last column read, so it must follow this read directly.
                        Optional<Long> generationId = rs.wasNull() ? Optional.empty() : Optional.of(generation);
                        rows.add(new LedgerEntry(
                                rs.getLong("id"),
                                rs.getLong("delta"),
                                rs.getLong("balance_after"),
                                LedgerEntry.Reason.of(rs.getString("reason")),
                                generationId,
                                Sql.instant(rs.getTimestamp("created_at"))));
                    }
                }
            }
            return new Statement(balance, page.page(rows, LedgerEntry::id));
        });
    }

    /**
     * A balance with a page of the ledger, newest first.
     *
     * @param balance credits available now
     * @param ledger the newest rows first
     */
    public record Statement(long balance, Page<LedgerEntry> ledger) {}

    private static long add(Connection tx, long userId, long amount, LedgerEntry.Reason reason, Long generationId)
            throws SQLException {
        requirePositive(amount);
        try (PreparedStatement ps = tx.prepareStatement(ADD)) {
            ps.setLong(1, amount);
            ps.setLong(2, userId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new NotFoundException("user " + userId);
                }
                long balance = rs.getLong(1);
                append(tx, userId, amount, balance, reason, generationId);
                return balance;
            }
        }
    }

    private static void append(
            Connection tx, long userId, long delta, long balanceAfter, LedgerEntry.Reason reason, Long generationId)
            throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement(APPEND)) {
            ps.setLong(1, userId);
            ps.setLong(2, delta);
            ps.setLong(3, balanceAfter);
            ps.setString(4, reason.wireName());
            if (generationId == null) {
                ps.setNull(5, Types.BIGINT);
            } else {
                ps.setLong(5, generationId);
            }
            ps.executeUpdate();
        }
    }

    private static long balance(Connection c, long userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BALANCE)) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new NotFoundException("user " + userId);
                }
                return rs.getLong(1);
            }
        }
    }

    private static void requirePositive(long amount) {
        if (amount < 1) {
            throw new IllegalArgumentException("amount must be positive, was " + amount);
        }
    }
}
