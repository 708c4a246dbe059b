package dev.kiln.app;

import dev.kiln.platform.Database;
import dev.kiln.platform.NotFoundException;
import dev.kiln.platform.credits.Credits;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kiln credits grant --user N --amount N}: an operator adds credits to a user's balance, with a ledger row. */
@Command(
        name = "credits",
        description = "Manage users' credits.",
        subcommands = CreditsCommand.Grant.class,
        mixinStandardHelpOptions = true)
final class CreditsCommand implements Runnable {
    @Override
    public void run() {
        System.out.println("usage: kiln credits grant --user USER_ID --amount CREDITS");
    }

    @Command(
            name = "grant",
            description = "Add credits to a user's balance; the ledger records the grant.",
            mixinStandardHelpOptions = true)
    static final class Grant implements Callable<Integer> {
        @Option(names = "--user", required = true, description = "The user's id (printed by keys create).")
        long userId;

        @Option(names = "--amount", required = true, description = "Credits to add, 1 to 1,000,000,000,000.")
        long amount;

        @Override
        public Integer call() {
            if (amount < 1 || amount > Credits.MAX_GRANT) {
                System.err.println("kiln: --amount must be 1 to " + Credits.MAX_GRANT + ", was " + amount);
                return 2;
            }
            KilnConfig config = KilnConfig.from(Settings.load(System.getenv()));
            try (Database db = Wiring.openDatabase(config)) {
                long balance;
                try {
                    balance = new Credits(db.dataSource()).grant(userId, amount);
                } catch (NotFoundException e) {
                    System.err.println("kiln: --user: " + e.getMessage());
                    return 2;
                }
                System.out.println(balance);
                System.err.println("granted " + amount + " credits to user " + userId + "; balance is now " + balance);
                return 0;
            }
        }
    }
}
