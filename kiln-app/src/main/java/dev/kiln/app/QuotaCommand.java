package dev.kiln.app;

import dev.kiln.platform.Database;
import dev.kiln.platform.NotFoundException;
import dev.kiln.platform.PageRequest;
import dev.kiln.platform.credits.Credits;
import dev.kiln.queue.JobQueue;
import dev.kiln.queue.QueueSchema;
import dev.kiln.worker.QueueGenerationJobs;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kiln quota show|set --user N}: an operator reads or changes one user's quota of queued jobs (waiting or
 * running generations; past it a submit answers 429 {@code queue-quota}). Users without one of their own have the
 * queue's default.
 */
@Command(
        name = "quota",
        description = "Show or change a user's quota of queued jobs.",
        subcommands = {QuotaCommand.Show.class, QuotaCommand.Set.class},
        mixinStandardHelpOptions = true)
final class QuotaCommand implements Runnable {

    /** Largest quota an operator may give: far above what one instance can queue in a day. */
    static final int MAX_QUOTA = 1_000_000;

    @Override
    public void run() {
        System.out.println("usage: kiln quota show --user USER_ID | kiln quota set --user USER_ID --jobs N|default");
    }

    @Command(name = "show", description = "Print the user's quota of queued jobs.", mixinStandardHelpOptions = true)
    static final class Show implements Callable<Integer> {
        /** Where the database settings come from (tests point it at their own database). */
        Map<String, String> env = System.getenv();

        @Option(names = "--user", required = true, description = "The user's id (printed by keys create).")
        long userId;

        @Override
        public Integer call() throws SQLException {
            return withQueue(env, userId, queue -> {
                System.out.println(queue.tenantQuota(QueueGenerationJobs.tenant(userId)));
                return 0;
            });
        }
    }

    @Command(
            name = "set",
            description = "Give the user a quota of their own, or the default back with --jobs default.",
            mixinStandardHelpOptions = true)
    static final class Set implements Callable<Integer> {
        /** Where the database settings come from (tests point it at their own database). */
        Map<String, String> env = System.getenv();

        @Option(names = "--user", required = true, description = "The user's id (printed by keys create).")
        long userId;

        @Option(
                names = "--jobs",
                required = true,
                description = "Queued jobs allowed, 0 to " + MAX_QUOTA + ", or 'default'.")
        String jobs;

        @Override
        public Integer call() throws SQLException {
            Integer quota;
            if ("default".equals(jobs)) {
                quota = null;
            } else {
                try {
                    quota = Integer.valueOf(jobs);
                } catch (NumberFormatException e) {
                    quota = -1;
                }
                if (quota < 0 || quota > MAX_QUOTA) {
                    System.err.println("kiln: --jobs must be 0 to " + MAX_QUOTA + " or 'default', was " + jobs);
                    return 2;
                }
            }
            Integer q = quota;
            return withQueue(env, userId, queue -> {
                String tenant = QueueGenerationJobs.tenant(userId);
                queue.setTenantQuota(tenant, q);
                int now = queue.tenantQuota(tenant);
                System.out.println(now);
                System.err.println("user " + userId + " may now have " + now + " queued jobs"
                        + (q == null ? " (the default)" : ""));
                return 0;
            });
        }
    }

    private interface QueueBody {
        int apply(JobQueue queue) throws SQLException;
    }

    private static int withQueue(Map<String, String> env, long userId, QueueBody body) throws SQLException {
        KilnConfig config = KilnConfig.from(Settings.load(env));
        try (Database db = Wiring.openDatabase(config)) {
            try {
                // Only to check that the user exists, with the same message as the other commands.
                new Credits(db.dataSource()).statement(userId, new PageRequest(1, java.util.Optional.empty()));
            } catch (NotFoundException e) {
                System.err.println("kiln: --user: " + e.getMessage());
                return 2;
            }
            QueueSchema.migrate(db.dataSource());
            try (JobQueue queue = JobQueue.create(db.dataSource())) {
                return body.apply(queue);
            }
        }
    }
}
