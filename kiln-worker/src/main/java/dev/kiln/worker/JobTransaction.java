package dev.kiln.worker;

import java.sql.Connection;
import javax.sql.DataSource;

/**
 * The one way a handler stores its result: its writes and the job's completion in one transaction, committed only
 * when every step says it still applies (the generation is still processing, the job's lease is still held), rolled
 * back otherwise; so the result and the completion commit together or not at all.
 */
final class JobTransaction {

    /** The writes of one transaction; true when they apply and the transaction should commit. */
    interface Body {
        boolean run(Connection tx) throws Exception;
    }

    private JobTransaction() {}

    /** Runs {@code body} in a transaction of its own; returns whether it committed. */
    static boolean commitIf(DataSource dataSource, Body body) throws Exception {
        try (Connection tx = dataSource.getConnection()) {
            tx.setAutoCommit(false);
            try {
                if (body.run(tx)) {
                    tx.commit();
                    return true;
                }
                tx.rollback();
                return false;
            } catch (Exception e) {
                tx.rollback();
                throw e;
            }
        }
    }
}
