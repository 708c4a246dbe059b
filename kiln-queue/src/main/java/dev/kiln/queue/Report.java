package dev.kiln.queue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One outcome reported by the holder of a job's fencing token, and the batched statement that stores many.
 *
 * @param runAt when a retried or released job may run again; null keeps the stored value
 * @param refund 1 when the attempt is given back (a draining worker released the job unfinished)
 * @param errorKind null for no error
 */
record Report(
        long id,
        long token,
        String worker,
        JobState state,
        Instant runAt,
        int refund,
        String errorKind,
        String errorMessage,
        String errorClass) {

    /** Longest error message kept, so a huge exception message cannot bloat the hot table. */
    static final int MAX_MESSAGE = 2_000;

    static Report completed(Claimed c) {
        return new Report(c.id(), c.token(), c.worker(), JobState.COMPLETED, null, 0, null, null, null);
    }

    static Report failed(Claimed c, JobState state, Instant runAt, String kind, String message, Throwable t) {
        return new Report(
                c.id(),
                c.token(),
                c.worker(),
                state,
                runAt,
                0,
                kind,
                clip(message),
                t == null ? null : t.getClass().getName());
    }

    static Report released(Claimed c, Instant now) {
        return new Report(c.id(), c.token(), c.worker(), JobState.AVAILABLE, now, 1, null, null, null);
    }

    /** A report that the database applied: the job's new state. */
    record Applied(long id, JobState state, String kind, int attempt) {}

    /** Stores {@code reports} in one statement; only those whose token is still current are applied. */
    static List<Applied> store(Connection c, List<Report> reports, Instant now) throws SQLException {
        int n = reports.size();
        long[] ids = new long[n];
        long[] tokens = new long[n];
        String[] workers = new String[n];
        String[] states = new String[n];
        String[] runAts = new String[n];
        int[] refunds = new int[n];
        String[] kinds = new String[n];
        String[] messages = new String[n];
        String[] classes = new String[n];
        for (int i = 0; i < n; i++) {
            Report r = reports.get(i);
            ids[i] = r.id;
            tokens[i] = r.token;
            workers[i] = r.worker;
            states[i] = r.state.sql();
            runAts[i] = r.runAt == null ? null : r.runAt.toString();
            refunds[i] = r.refund;
            kinds[i] = r.errorKind;
            messages[i] = r.errorMessage;
            classes[i] = r.errorClass;
        }
        try (PreparedStatement ps = c.prepareStatement(Sql.REPORT)) {
            ps.setArray(1, Jdbc.bigints(c, ids));
            ps.setArray(2, Jdbc.bigints(c, tokens));
            ps.setArray(3, Jdbc.text(c, workers));
            ps.setArray(4, Jdbc.text(c, states));
            ps.setArray(5, Jdbc.text(c, runAts));
            ps.setArray(6, Jdbc.ints(c, refunds));
            ps.setArray(7, Jdbc.text(c, kinds));
            ps.setArray(8, Jdbc.text(c, messages));
            ps.setArray(9, Jdbc.text(c, classes));
            ps.setObject(10, Jdbc.ts(now));
            List<Applied> applied = new ArrayList<>(n);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    applied.add(new Applied(
                            rs.getLong(1), JobState.fromSql(rs.getString(2)), rs.getString(3), rs.getInt(4)));
                }
            }
            return applied;
        }
    }

    /**
     * Stores completions of jobs held by {@code worker} in one statement ({@link Sql#COMPLETE}); {@code ids} in
     * ascending order with their {@code tokens}. Returns how many were still held and are now completed.
     */
    static int complete(Connection c, long[] ids, long[] tokens, String worker, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(Sql.COMPLETE)) {
            ps.setArray(1, Jdbc.bigints(c, ids));
            ps.setArray(2, Jdbc.bigints(c, tokens));
            ps.setObject(3, Jdbc.ts(now));
            ps.setString(4, worker);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static String clip(String message) {
        if (message == null) {
            return null;
        }
        return message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE) + "…";
    }
}
