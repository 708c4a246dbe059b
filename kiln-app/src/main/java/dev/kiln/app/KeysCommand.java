package dev.kiln.app;

import dev.kiln.platform.ApiKeys;
import dev.kiln.platform.Database;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kiln keys create --name NAME}: creates a user with an API key and prints the key once. */
@Command(
        name = "keys",
        description = "Manage API keys.",
        subcommands = KeysCommand.Create.class,
        mixinStandardHelpOptions = true)
final class KeysCommand implements Runnable {
    @Override
    public void run() {
        System.out.println("usage: kiln keys create --name NAME");
    }

    @Command(
            name = "create",
            description = "Create a user and an API key; the key is printed once.",
            mixinStandardHelpOptions = true)
    static final class Create implements Callable<Integer> {
        @Option(names = "--name", required = true, description = "A name for the key's user (1–100 chars).")
        String name;

        @Override
        public Integer call() {
            KilnConfig config = KilnConfig.from(Settings.load(System.getenv()));
            try (Database db = Wiring.openDatabase(config)) {
                ApiKeys.CreatedKey key;
                try {
                    key = new ApiKeys(db.dataSource(), java.time.Clock.systemUTC(), config.newUserCredits())
                            .create(name);
                } catch (IllegalArgumentException e) {
                    System.err.println("kiln: --name: " + e.getMessage());
                    return 2;
                }
                System.out.println(key.token());
                System.err.println("created key " + key.keyId() + " for user " + key.userId()
                        + "; it is shown once, store it now");
                return 0;
            }
        }
    }
}
